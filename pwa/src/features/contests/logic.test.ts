import { describe, expect, it } from 'vitest';
import type { Contest, ContestEntry } from '@/features/contests/documents';
import {
  ContestStream,
  durationWords,
  errorSlot,
  formatValue,
  groupContests,
  growthText,
  headToHeadShare,
  leader,
  myKey,
  presetPrizes,
  prizeTracks,
  rankLabel,
  tiedRanks,
  timeLeftText,
  weekEnd,
  dayIn,
} from '@/features/contests/logic';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function entry(rank: number, key: string, value: string | null, extra: Partial<ContestEntry> = {}): ContestEntry {
  return { rank, key, name: key, initials: 'X', color: '#000', value, lastYear: null, members: 1, ...extra };
}

function contest(extra: Partial<Contest> = {}): Contest {
  return {
    id: '1', name: 'Sprint', description: '', metric: 'POINTS', mode: 'INDIVIDUAL', status: 'RUNNING',
    startsOn: '2026-03-02', endsOn: '2026-03-08', startsAt: '2026-03-01T16:00:00Z', endsAt: '2026-03-08T16:00:00Z',
    currency: 'CNY', prizes: [], participants: 3, standings: [], winners: [], version: 1, createdBy: 'Max', ...extra,
  };
}

describe('time left in words', () => {
  it('says the two largest units', () => {
    expect(durationWords(3 * DAY + 4 * HOUR + 10 * MIN, 'en')).toBe('3 days 4 hours');
    expect(durationWords(1 * DAY + 30 * MIN, 'en')).toBe('1 day');
    expect(durationWords(5 * HOUR + 20 * MIN, 'en')).toBe('5 hours 20 minutes');
    expect(durationWords(1 * HOUR, 'en')).toBe('1 hour');
    expect(durationWords(12 * MIN, 'en')).toBe('12 minutes');
  });

  it('rounds what is under a minute up, and speaks Chinese', () => {
    expect(durationWords(5_000, 'en')).toBe('1 minute');
    expect(durationWords(2 * DAY + 3 * HOUR, 'zh-CN')).toBe('2 天3 小时');
  });

  it('words the time by status', () => {
    const now = Date.parse('2026-03-05T12:00:00Z');
    expect(timeLeftText(contest(), now, 'en')).toBe('3 days 4 hours left');
    expect(timeLeftText(contest(), now, 'zh-CN')).toBe('还剩 3 天4 小时');
    expect(timeLeftText(contest({ endsAt: '2026-03-05T11:00:00Z' }), now, 'en')).toBe('Ending now');
    expect(timeLeftText(contest({ status: 'UPCOMING', startsAt: '2026-03-07T12:00:00Z' }), now, 'en')).toBe('Starts in 2 days');
    expect(timeLeftText(contest({ status: 'ENDED' }), now, 'en')).toBe('Ended Mar 8');
  });
});

describe('metric values', () => {
  it('formats points, counts and money', () => {
    expect(formatValue('POINTS', entry(1, 'a', '1250'), 'CNY', 'en')).toEqual(['1,250', 'pts']);
    expect(formatValue('VERIFIED_VISITS', entry(1, 'a', '1'), 'CNY', 'en')).toEqual(['1', 'visit']);
    expect(formatValue('DEALS_WON', entry(1, 'a', '3'), 'CNY', 'en')).toEqual(['3', 'deals']);
    expect(formatValue('NEW_CUSTOMERS', entry(1, 'a', '2'), 'CNY', 'zh-CN')).toEqual(['2', '个客户']);
    expect(formatValue('REVENUE_WON', entry(1, 'a', '128000.00'), 'CNY', 'en')).toEqual(['¥128,000', '']);
    expect(formatValue('REVENUE_WON', entry(1, 'a', '1280000'), 'CNY', 'en', true)[0]).toBe('¥1.28M');
  });

  it('shows growth as the change, with last year as its unit', () => {
    expect(growthText('1.25', 'en')).toBe('+25%');
    expect(growthText('0.9', 'en')).toBe('-10%');
    expect(growthText('1', 'en')).toBe('0%');
    expect(growthText('1.034', 'en')).toBe('+3.4%');
    expect(growthText(null, 'en')).toBe('—');
    expect(formatValue('GROWTH', entry(1, 'a', '1.5', { lastYear: '20000' }), 'CNY', 'en')).toEqual(['+50%', 'vs ¥20,000 last year']);
    expect(formatValue('GROWTH', entry(1, 'a', null), 'CNY', 'en')).toEqual(['—', 'no sales last year']);
  });
});

describe('prizes on track', () => {
  const prizes = [
    { rank: 2, title: 'Runner-up', points: 50 },
    { rank: 1, title: 'Champion', points: 100 },
    { rank: 3, title: 'Third', points: 25 },
  ];

  it('maps each prize to who holds its rank now, ties sharing it, zeros winning nothing', () => {
    const standings = [entry(1, 'user:1', '30'), entry(2, 'user:2', '20'), entry(2, 'user:3', '20'), entry(4, 'user:4', '0')];
    const tracks = prizeTracks(contest({ prizes, standings }));
    expect(tracks.map((t) => [t.prize.rank, t.entries.map((e) => e.key)])).toEqual([
      [1, ['user:1']],
      [2, ['user:2', 'user:3']],
      [3, []],
    ]);
    const level = prizeTracks(contest({ prizes, standings: [entry(1, 'user:1', '0'), entry(1, 'user:2', '0')] }));
    expect(level[0]!.entries).toEqual([]);
  });

  it('takes the fixed winners once ended', () => {
    const winners = [entry(1, 'team:7', '5')];
    const tracks = prizeTracks(contest({ status: 'ENDED', prizes, standings: [entry(1, 'team:8', '9')], winners }));
    expect(tracks[0]!.entries.map((e) => e.key)).toEqual(['team:7']);
  });

  it('offers presets', () => {
    expect(presetPrizes('top3', (r) => `#${r}`, 'x')).toEqual([
      { rank: 1, title: '#1', points: 100 },
      { rank: 2, title: '#2', points: 50 },
      { rank: 3, title: '#3', points: 25 },
    ]);
    expect(presetPrizes('growth', String, 'Growth champion')).toEqual([{ rank: 1, title: 'Growth champion', points: 100 }]);
  });
});

describe('ranks', () => {
  it('marks shared ranks', () => {
    const standings = [entry(1, 'a', '5'), entry(2, 'b', '3'), entry(2, 'c', '3'), entry(4, 'd', '1')];
    const tied = tiedRanks(standings);
    expect([...tied]).toEqual([2]);
    expect(standings.map((e) => rankLabel(e.rank, tied, 'en'))).toEqual(['1', '=2', '=2', '4']);
  });

  it('finds my row and the leader', () => {
    expect(myKey({ mode: 'INDIVIDUAL' }, '4', '9')).toBe('user:4');
    expect(myKey({ mode: 'HEAD_TO_HEAD' }, '4', '9')).toBe('team:9');
    expect(myKey({ mode: 'TEAM' }, '4', null)).toBeNull();
    expect(leader(contest({ standings: [entry(1, 'a', '0')] }))).toBeNull();
    expect(leader(contest({ standings: [entry(1, 'a', '2')] }))?.key).toBe('a');
  });

  it('splits a head-to-head bar', () => {
    expect(headToHeadShare(entry(1, 'a', '30'), entry(2, 'b', '10'))).toBe(0.75);
    expect(headToHeadShare(entry(1, 'a', '0'), entry(1, 'b', '0'))).toBe(0.5);
    expect(headToHeadShare(entry(1, 'a', null), entry(1, 'b', '4'))).toBe(0);
  });

  it('groups and orders the list', () => {
    const groups = groupContests([
      contest({ id: 'late', endsAt: '2026-03-20T00:00:00Z' }),
      contest({ id: 'soon', endsAt: '2026-03-09T00:00:00Z' }),
      contest({ id: 'old', status: 'ENDED', endsAt: '2026-01-01T00:00:00Z' }),
      contest({ id: 'new', status: 'ENDED', endsAt: '2026-02-01T00:00:00Z' }),
    ]);
    expect(groups.RUNNING.map((c) => c.id)).toEqual(['soon', 'late']);
    expect(groups.ENDED.map((c) => c.id)).toEqual(['new', 'old']);
    expect(groups.UPCOMING).toEqual([]);
  });
});

describe('the stream of frames', () => {
  it('drops an older frame within one connection, takes a new connection’s snapshot', () => {
    const stream = new ContestStream();
    expect(stream.accept(contest({ version: 3 }), 1)).toBe(true);
    expect(stream.accept(contest({ version: 2 }), 1)).toBe(false);
    expect(stream.accept(contest({ version: 4 }), 1)).toBe(true);
    expect(stream.accept(contest({ version: 1 }), 2)).toBe(true);
    expect(stream.accept(contest({ version: 1, status: 'ENDED' }), 2)).toBe(true);
  });
});

describe('the form', () => {
  it('routes server errors to their input', () => {
    expect(errorSlot('input.name')).toEqual({ field: 'name' });
    expect(errorSlot('endsOn')).toEqual({ field: 'endsOn' });
    expect(errorSlot('prizes.1.points')).toEqual({ prize: 1, field: 'points' });
    expect(errorSlot('input.prizes.0.title')).toEqual({ prize: 0, field: 'title' });
    expect(errorSlot(null)).toBeNull();
  });

  it('knows the days of this week in the org zone', () => {
    expect(dayIn(new Date('2026-03-04T18:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-05');
    expect(weekEnd('2026-03-05')).toBe('2026-03-08');
    expect(weekEnd('2026-03-08')).toBe('2026-03-08');
    expect(weekEnd('2026-03-02')).toBe('2026-03-08');
  });
});
