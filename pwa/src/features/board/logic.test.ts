import { describe, expect, it } from 'vitest';
import { BoardStream, boardKey, climbed, diffBoards, flipOffsets, formatRevenue } from '@/features/board/logic';
import type { Leaderboard, LeaderboardEntry } from '@/graphql/types';

function entry(id: string, rank: number, points: number): LeaderboardEntry {
  return {
    rank,
    points,
    amount: null,
    dealsWon: null,
    user: { id, name: id, initials: id.slice(0, 2).toUpperCase(), role: 'REP', team: null, avatarColor: '#4f46e5' },
  };
}

function frame(version: number, overrides: Partial<Leaderboard> = {}): Leaderboard {
  return {
    period: 'WEEK',
    scope: 'ORG',
    metric: 'POINTS',
    currency: 'CNY',
    team: null,
    periodKey: '2026-W47',
    startsAt: '2026-11-16T00:00:00+00:00',
    endsAt: '2026-11-23T00:00:00+00:00',
    version,
    entries: [],
    changedUserIds: [],
    ...overrides,
  };
}

describe('BoardStream', () => {
  it('shows newer versions and drops older or repeated ones', () => {
    const stream = new BoardStream();
    expect(stream.accept(frame(5), 1)).toBe(true);
    expect(stream.accept(frame(7), 1)).toBe(true);
    expect(stream.accept(frame(6), 1)).toBe(false);
    expect(stream.accept(frame(7), 1)).toBe(false);
    expect(stream.board?.version).toBe(7);
  });

  it('takes the snapshot of a new connection even when its version is lower', () => {
    const stream = new BoardStream();
    stream.accept(frame(40), 1);
    expect(stream.accept(frame(3), 2)).toBe(true);
    expect(stream.accept(frame(2), 2)).toBe(false);
    expect(stream.board?.version).toBe(3);
  });

  it('takes a new period (a new day) whatever its version', () => {
    const stream = new BoardStream();
    stream.accept(frame(9), 1);
    expect(stream.accept(frame(1, { periodKey: '2026-W48' }), 1)).toBe(true);
  });

  it('keys boards by metric, period, scope, team and period key', () => {
    expect(boardKey(frame(1))).toBe('POINTS:WEEK:ORG::2026-W47');
    expect(boardKey(frame(1, { scope: 'TEAM', team: { id: 't1', name: 'North' } }))).toBe('POINTS:WEEK:TEAM:t1:2026-W47');
  });

  it('takes the first frame of the other metric whatever its version', () => {
    const stream = new BoardStream();
    stream.accept(frame(9), 1);
    expect(stream.accept(frame(2, { metric: 'REVENUE' }), 1)).toBe(true);
  });
});

describe('formatRevenue', () => {
  it('shows cents only when there are any', () => {
    expect(formatRevenue('1235.00', 'CNY', 'zh-CN')).toBe('¥1,235');
    expect(formatRevenue('1235.00', 'CNY', 'en')).toBe('¥1,235');
    expect(formatRevenue('99.50', 'CNY', 'zh-CN')).toBe('¥99.50');
    expect(formatRevenue('0.00', 'USD', 'en')).toBe('$0');
    expect(formatRevenue('12345678.90', 'USD', 'en')).toBe('$12,345,678.90');
  });

  it('shortens large sums when compact, and only those', () => {
    expect(formatRevenue('910210.00', 'CNY', 'en', true)).toBe('¥910K');
    expect(formatRevenue('1565288.00', 'CNY', 'zh-CN', true)).toBe('¥157万');
    expect(formatRevenue('12345678.90', 'USD', 'en', true)).toBe('$12.3M');
    expect(formatRevenue('99999.99', 'USD', 'en', true)).toBe('$99,999.99');
  });
});

describe('diffBoards', () => {
  const before = [entry('ann', 1, 50), entry('bob', 2, 40), entry('cat', 3, 30)];
  const after = [entry('cat', 1, 60), entry('ann', 2, 50), entry('bob', 3, 40), entry('dan', 4, 10)];

  it('reports each row’s old and new rank, its points gain and whether it changed', () => {
    const diff = diffBoards(before, after, ['cat', 'dan']);
    expect(diff.rows).toEqual([
      { userId: 'cat', fromRank: 3, toRank: 1, pointsDelta: 30, changed: true },
      { userId: 'ann', fromRank: 1, toRank: 2, pointsDelta: 0, changed: false },
      { userId: 'bob', fromRank: 2, toRank: 3, pointsDelta: 0, changed: false },
      { userId: 'dan', fromRank: null, toRank: 4, pointsDelta: 0, changed: true },
    ]);
    expect(diff.removed).toEqual([]);
    expect(diff.rows.filter(climbed).map((r) => r.userId)).toEqual(['cat']);
  });

  it('reports rows that left the board', () => {
    expect(diffBoards(after, before).removed).toEqual(['dan']);
  });

  it('treats a first board as all new', () => {
    const diff = diffBoards(null, before);
    expect(diff.rows.every((r) => r.fromRank === null && !climbed(r))).toBe(true);
  });
});

describe('flipOffsets', () => {
  it('shifts moved rows back by how far they moved, and leaves the rest alone', () => {
    const before = new Map([['ann', 0], ['bob', 64], ['cat', 128]]);
    const after = new Map([['cat', 0], ['ann', 64], ['bob', 128], ['dan', 192]]);
    expect([...flipOffsets(before, after)]).toEqual([
      ['cat', 128],
      ['ann', -64],
      ['bob', -64],
    ]);
  });

  it('ignores sub-pixel jitter', () => {
    expect(flipOffsets(new Map([['a', 10.2]]), new Map([['a', 10]])).size).toBe(0);
  });
});
