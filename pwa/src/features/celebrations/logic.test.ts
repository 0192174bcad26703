import { describe, expect, it } from 'vitest';
import { CelebrationQueue, celebrationText, mergeCelebrations } from '@/features/celebrations/logic';
import type { Celebration, User } from '@/graphql/types';

const ann: User = { id: 'u1', name: 'Ann', initials: 'AN', role: 'REP', team: null, avatarColor: '#4f46e5' };
const bob: User = { ...ann, id: 'u2', name: 'Bob', initials: 'BO' };

function celebration(id: string, createdAt: string, overrides: Partial<Celebration> = {}): Celebration {
  return { id, kind: 'MILESTONE', user: ann, otherUser: null, threshold: 100, points: 120, createdAt, message: `m${id}`, subject: '', ...overrides };
}

describe('CelebrationQueue', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');

  it('shows each celebration once, in arrival order', () => {
    const queue = new CelebrationQueue();
    expect(queue.push(celebration('1', '2026-11-22T09:59:00Z'), now)).toBe(true);
    expect(queue.push(celebration('2', '2026-11-22T09:59:30Z'), now)).toBe(true);
    expect(queue.push(celebration('1', '2026-11-22T09:59:00Z'), now)).toBe(false);
    expect(queue.shift()?.id).toBe('1');
    expect(queue.push(celebration('1', '2026-11-22T09:59:00Z'), now)).toBe(false);
    expect(queue.shift()?.id).toBe('2');
    expect(queue.shift()).toBeUndefined();
  });

  it('skips celebrations caught up long after they happened', () => {
    const queue = new CelebrationQueue(10 * 60_000);
    expect(queue.push(celebration('old', '2026-11-22T08:00:00Z'), now)).toBe(false);
    expect(queue.size).toBe(0);
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const queue = new CelebrationQueue(Infinity, 2);
    for (const id of ['a', 'b', 'c']) queue.push(celebration(id, '2026-11-22T09:59:00Z'), now);
    expect([queue.shift()?.id, queue.shift()?.id]).toEqual(['b', 'c']);
  });
});

describe('mergeCelebrations', () => {
  it('keeps the newest first, each once, up to the limit', () => {
    const merged = mergeCelebrations(
      [celebration('1', '2026-11-22T09:00:00Z'), celebration('2', '2026-11-22T09:30:00Z')],
      [celebration('3', '2026-11-22T09:45:00Z'), celebration('2', '2026-11-22T09:30:00Z')],
      2,
    );
    expect(merged.map((c) => c.id)).toEqual(['3', '2']);
  });
});

describe('celebrationText', () => {
  it('speaks the UI language for the kinds it knows, whatever the server said', () => {
    const overtake = celebration('1', '2026-11-22T09:00:00Z', { kind: 'OVERTAKE', otherUser: bob, message: 'Ann 超越了 Bob' });
    expect(celebrationText(overtake)).toBe('Ann overtook Bob');
    expect(celebrationText(celebration('2', '2026-11-22T09:00:00Z', { message: 'Ann 本月积分达到 100 分！' }))).toBe('Ann reached 100 points');
  });

  it('names the badge a person earned, as the server named it for the reader', () => {
    const badge = celebration('4', '2026-11-22T09:00:00Z', { kind: 'BADGE', subject: 'Early bird', message: 'Ann 获得了徽章「Early bird」！' });
    expect(celebrationText(badge)).toBe('Ann earned the badge “Early bird”!');
  });

  it('uses the server’s localized message for kinds this build does not know', () => {
    const future = celebration('3', '2026-11-22T09:00:00Z', { kind: 'STREAK' as Celebration['kind'], message: 'Ann 连续拜访 5 天！' });
    expect(celebrationText(future)).toBe('Ann 连续拜访 5 天！');
  });
});
