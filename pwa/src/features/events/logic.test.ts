import { describe, expect, it } from 'vitest';
import type { EventFailure } from '@/features/events/documents';
import {
  attemptsWords, eventWords, failedSteps, finished, isLongError, KNOWN_EVENTS, newestFirst, stateOf, stepWords, whenWords, withEvent,
} from '@/features/events/logic';
import { en } from '@/i18n/en';

const failure = (over: Partial<EventFailure> = {}): EventFailure => ({
  id: '7', name: 'points', createdAt: '2026-03-12T06:05:00Z', attempts: 12, givenUp: true,
  error: 'leaderboards.service.on_points_entered: ConnectionError: Error 111 connecting to redis:6379. Connection refused.', ...over,
});

describe('event names', () => {
  it('are said in words in both languages', () => {
    expect(eventWords('points', 'en')).toBe('Points entered');
    expect(eventWords('deal_won', 'zh-CN')).toBe('赢单');
    expect(eventWords('visit_reviewed', 'en')).toBe('Visit reviewed');
    expect(eventWords('redemption_decided', 'zh-CN')).toBe('兑换审批');
  });

  it('unknown to this version are shown as they are', () => {
    expect(eventWords('quota_reset', 'en')).toBe('quota_reset');
    expect(eventWords('quota_reset', 'zh-CN')).toBe('quota_reset');
  });

  it('every known name has its words in the catalog', () => {
    for (const name of KNOWN_EVENTS) expect(Object.keys(en), name).toContain(`events.name.${name}`);
  });
});

describe('failed steps', () => {
  it('name the capability whose handler failed, once each, live screens and unreadable events too', () => {
    const error = [
      'celebrations.service.on_points_entered: RuntimeError: deadlock detected',
      'DETAIL: Process 42 waits for ShareLock on transaction 7',
      'core.outbox.publish_live: ConnectionError: redis down',
      'celebrations.service.on_points_entered: RuntimeError: again',
    ].join('\n');
    expect(failedSteps(error)).toEqual(['celebrations', 'live']);
    expect(failedSteps("decode: KeyError: 'quota_reset'")).toEqual(['decode']);
    expect(failedSteps('tests.broken: RuntimeError: the board store is on fire')).toEqual(['tests.broken']);
    expect(failedSteps('')).toEqual([]);
    expect(['leaderboards', 'live', 'tests.broken'].map((s) => stepWords(s, 'zh-CN'))).toEqual(['排行榜', '实时大屏', 'tests.broken']);
  });
});

describe('when', () => {
  const now = new Date('2026-03-12T15:30:00Z'); // 23:30 in Shanghai

  it('is today or yesterday in the org’s zone, not the browser’s', () => {
    expect(whenWords('2026-03-12T06:05:00Z', now, 'en', 'Asia/Shanghai')).toBe('Today 2:05 PM');
    expect(whenWords('2026-03-12T06:05:00Z', now, 'zh-CN', 'Asia/Shanghai')).toBe('今天 14:05');
    // 00:30 on the 12th in Shanghai, still the 11th in UTC
    expect(whenWords('2026-03-11T16:30:00Z', now, 'zh-CN', 'Asia/Shanghai')).toBe('今天 00:30');
    expect(whenWords('2026-03-11T16:30:00Z', now, 'en', 'UTC')).toBe('Yesterday 4:30 PM');
    expect(whenWords('2026-03-11T01:00:00Z', now, 'zh-CN', 'Asia/Shanghai')).toBe('昨天 09:00');
  });

  it('is a date, with the year only when it is not this year', () => {
    expect(whenWords('2026-03-03T06:05:00Z', now, 'en', 'Asia/Shanghai')).toBe('Mar 3, 2:05 PM');
    expect(whenWords('2026-03-03T06:05:00Z', now, 'zh-CN', 'Asia/Shanghai')).toBe('3月3日 14:05');
    expect(whenWords('2025-12-31T17:00:00Z', now, 'en', 'UTC')).toBe('Dec 31, 2025, 5:00 PM');
    expect(whenWords('2025-12-31T17:00:00Z', now, 'zh-CN', 'Asia/Shanghai')).toBe('1月1日 01:00');
  });
});

describe('state and attempts', () => {
  it('tell stopped retries from retrying and from a retry not yet run', () => {
    expect(stateOf(failure())).toBe('givenUp');
    expect(stateOf(failure({ givenUp: false, attempts: 3 }))).toBe('retrying');
    expect(stateOf(failure({ givenUp: false, attempts: 0 }))).toBe('queued');
    expect(attemptsWords(12, 'en')).toBe('12 attempts');
    expect(attemptsWords(1, 'en')).toBe('1 attempt');
    expect(attemptsWords(0, 'zh-CN')).toBe('尚未执行');
    expect(attemptsWords(3, 'zh-CN')).toBe('尝试 3 次');
  });

  it('long errors are collapsed, short ones are not', () => {
    expect(isLongError(failure().error)).toBe(false);
    expect(isLongError('x'.repeat(400))).toBe(true);
    expect(isLongError('a\nb\nc\nd')).toBe(true);
  });
});

describe('the list', () => {
  it('is newest first and takes a retried event in place', () => {
    const older = failure({ id: '3', createdAt: '2026-03-10T00:00:00Z' });
    const newer = failure({ id: '9', createdAt: '2026-03-12T00:00:00Z' });
    expect(newestFirst([older, newer]).map((e) => e.id)).toEqual(['9', '3']);
    const retried = failure({ id: '3', createdAt: older.createdAt, attempts: 0, givenUp: false });
    expect(withEvent([newer, older], retried)).toEqual([newer, retried]);
  });

  it('knows which retried events a refresh no longer lists', () => {
    expect(finished(new Set(['3', '9']), [failure({ id: '9' })])).toEqual(['3']);
  });
});
