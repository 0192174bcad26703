import { describe, expect, it } from 'vitest';
import type { WebhookDelivery, WebhookEndpoint, WebhookEventType } from '@/features/webhooks/documents';
import { canReplay, draftOf, endpointState, inputOf, toggle, typeOfWire } from '@/features/webhooks/logic';

const endpoint: WebhookEndpoint = {
  id: '7', url: 'https://erp.example.com/hooks', description: 'ERP', eventTypes: ['PAYMENT_COLLECTED', 'DEAL_WON'], enabled: true,
  disabledReason: '', previousSecretUntil: null, createdAt: '2026-12-01T00:00:00+00:00',
};

describe('webhook drafts', () => {
  it('sends a new endpoint with its client id and URL, types in the page order', () => {
    const draft = { ...draftOf(null, 'c-1'), url: ' https://a.example.com/h ', eventTypes: toggle<WebhookEventType>(['DEAL_WON'], 'BADGE_EARNED', true) };
    expect(inputOf(draft, null)).toEqual({
      clientId: 'c-1', url: 'https://a.example.com/h', description: '', eventTypes: ['DEAL_WON', 'BADGE_EARNED'], enabled: true,
    });
  });

  it('leaves an unchanged URL out of an edit', () => {
    const draft = draftOf(endpoint, 'c-2');
    expect(inputOf(draft, endpoint)).toEqual({ id: '7', description: 'ERP', eventTypes: ['DEAL_WON', 'PAYMENT_COLLECTED'], enabled: true });
    expect(inputOf({ ...draft, url: 'https://b.example.com' }, endpoint).url).toBe('https://b.example.com');
  });
});

describe('webhook states', () => {
  const delivery = { state: 'FAILED' } as WebhookDelivery;

  it('names the wire types it knows', () => {
    expect(typeOfWire('payment.refunded')).toBe('PAYMENT_REFUNDED');
    expect(typeOfWire('webhook.test')).toBeNull();
  });

  it('replays finished deliveries of enabled endpoints only', () => {
    expect(canReplay(delivery, endpoint)).toBe(true);
    expect(canReplay({ ...delivery, state: 'PENDING' }, endpoint)).toBe(false);
    expect(canReplay(delivery, { ...endpoint, enabled: false })).toBe(false);
  });

  it('tells a 410 from an admin switching it off', () => {
    expect(endpointState({ ...endpoint, enabled: false, disabledReason: 'GONE' })).toBe('gone');
    expect(endpointState({ ...endpoint, enabled: false })).toBe('off');
    expect(endpointState(endpoint)).toBe('on');
  });
});
