import { describe, expect, it } from 'vitest';
import { applicationServerKey, pushState, shouldOfferPush, type PushEnv } from '@/features/notifications/push';

const capable: PushEnv = { hasServiceWorker: true, hasPushManager: true, hasNotification: true, permission: 'default' };

describe('push state', () => {
  it('is unsupported without a service worker, PushManager or Notification (iOS outside the home screen)', () => {
    expect(pushState({ ...capable, hasPushManager: false }, true, false)).toBe('unsupported');
    expect(pushState({ ...capable, hasNotification: false, permission: null }, true, false)).toBe('unsupported');
  });

  it('follows the server, then the permission, then the subscription', () => {
    expect(pushState(capable, false, false)).toBe('off-server');
    expect(pushState({ ...capable, permission: 'denied' }, true, true)).toBe('denied');
    expect(pushState(capable, true, false)).toBe('ask');
    expect(pushState({ ...capable, permission: 'granted' }, true, false)).toBe('off');
    expect(pushState({ ...capable, permission: 'granted' }, true, true)).toBe('on');
  });

  it('is offered on home only after a celebration of mine, and never after "not now"', () => {
    expect(shouldOfferPush('ask', 0, false)).toBe(false);
    expect(shouldOfferPush('ask', 1, false)).toBe(true);
    expect(shouldOfferPush('ask', 1, true)).toBe(false);
    expect(shouldOfferPush('denied', 3, false)).toBe(false);
    expect(shouldOfferPush('on', 3, false)).toBe(false);
  });
});

describe('applicationServerKey', () => {
  it('decodes base64url without padding', () => {
    expect([...applicationServerKey('BAEC_-8')]).toEqual([4, 1, 2, 255, 239]);
  });
});
