import { describe, expect, it } from 'vitest';
import type { BadgeDefinition, EarnedBadge, Streak } from '@/features/badges/documents';
import {
  badgeWall,
  calendarProblems,
  calendarSlot,
  dayIn,
  definitionInWords,
  earnedWords,
  howToEarn,
  medalName,
  mondayOf,
  parseThreshold,
  periodWords,
  streakWords,
} from '@/features/badges/logic';

const TODAY = '2026-12-02'; // a Wednesday

function earned(key: string, periodKey: string, awardedAt: string, name = key): EarnedBadge {
  return { key, name, periodKey, awardedAt };
}

function definition(id: string, over: Partial<BadgeDefinition> = {}): BadgeDefinition {
  return { id, name: 'Early bird', metric: 'points', period: 'day', threshold: 20, active: true, ...over };
}

describe('period keys in words', () => {
  it('says days relative to today, in both languages', () => {
    expect(periodWords('d2026-12-02', TODAY, 'en')).toBe('today');
    expect(periodWords('d2026-12-01', TODAY, 'en')).toBe('yesterday');
    expect(periodWords('d2026-11-28', TODAY, 'en')).toBe('Nov 28');
    expect(periodWords('d2025-11-28', TODAY, 'en')).toBe('Nov 28, 2025');
    expect(periodWords('d2026-12-02', TODAY, 'zh-CN')).toBe('今天');
    expect(periodWords('d2026-12-01', TODAY, 'zh-CN')).toBe('昨天');
    expect(periodWords('d2026-11-28', TODAY, 'zh-CN')).toBe('11月28日');
  });

  it('says weeks by their Monday', () => {
    expect(mondayOf(TODAY)).toBe('2026-11-30');
    expect(mondayOf('2026-11-30')).toBe('2026-11-30');
    expect(mondayOf('2026-12-06')).toBe('2026-11-30'); // a Sunday
    expect(periodWords('w2026-11-30', TODAY, 'en')).toBe('this week');
    expect(periodWords('w2026-11-23', TODAY, 'en')).toBe('last week');
    expect(periodWords('w2026-11-16', TODAY, 'en')).toBe('the week of Nov 16');
    expect(periodWords('w2026-11-30', TODAY, 'zh-CN')).toBe('本周');
    expect(periodWords('w2026-11-23', TODAY, 'zh-CN')).toBe('上周');
    expect(periodWords('w2026-11-16', TODAY, 'zh-CN')).toBe('11月16日 那一周');
  });

  it('says months by name, this one as "this month"', () => {
    expect(periodWords('m2026-12', TODAY, 'en')).toBe('this month');
    expect(periodWords('m2026-11', TODAY, 'en')).toBe('November 2026');
    expect(periodWords('m2026-12', TODAY, 'zh-CN')).toBe('本月');
    expect(periodWords('m2026-11', TODAY, 'zh-CN')).toBe('2026年11月');
  });

  it('has no words for a once-ever badge or an unknown key', () => {
    expect(periodWords('all', TODAY, 'en')).toBeNull();
    expect(periodWords('q2026-4', TODAY, 'en')).toBeNull();
  });

  it('takes today in the org’s zone', () => {
    // 22:55 UTC on Dec 1 is already Dec 2 in Shanghai.
    expect(dayIn(new Date('2026-12-01T22:55:00Z'), 'Asia/Shanghai')).toBe('2026-12-02');
    expect(dayIn(new Date('2026-12-01T22:55:00Z'), 'UTC')).toBe('2026-12-01');
  });
});

describe('the badge wall', () => {
  const definitions = [definition('7'), definition('8', { name: 'Paused never earned', active: false }), definition('9', { name: 'Paused but earned', active: false })];
  const list = [
    earned('streak', 'w2026-11-30', '2026-12-02T02:00:00Z'),
    earned('custom-7', 'd2026-12-02', '2026-12-02T01:00:00Z', 'Early bird'),
    earned('streak', 'w2026-11-16', '2026-11-20T02:00:00Z'),
    earned('custom-9', 'm2026-11', '2026-11-10T02:00:00Z', 'Paused but earned'),
    earned('custom-3', 'd2026-10-01', '2026-10-01T02:00:00Z', 'Removed one'),
    earned('first_deal', 'all', '2026-11-05T03:00:00Z'),
  ];
  const wall = badgeWall(list, definitions);

  it('shows every built-in badge, earned or not, then the company’s', () => {
    expect(wall.map((m) => m.key)).toEqual([
      'first_deal', 'visits_day', 'streak', 'target_month', 'top3_month', 'custom-7', 'custom-9', 'custom-3',
    ]);
  });

  it('counts each badge’s periods and keeps the newest', () => {
    const streak = wall.find((m) => m.key === 'streak')!;
    expect(streak.count).toBe(2);
    expect(streak.latest?.periodKey).toBe('w2026-11-30');
    expect(wall.find((m) => m.key === 'visits_day')!.count).toBe(0);
    expect(wall.find((m) => m.key === 'visits_day')!.latest).toBeNull();
  });

  it('names built-ins in the reader’s language and company badges by their name', () => {
    expect(medalName(wall[0]!, 'en')).toBe('First deal');
    expect(medalName(wall[0]!, 'zh-CN')).toBe('首单告捷');
    expect(medalName(wall.find((m) => m.key === 'custom-7')!, 'zh-CN')).toBe('Early bird');
    expect(medalName(wall.find((m) => m.key === 'custom-3')!, 'en')).toBe('Removed one');
  });

  it('says how each is earned', () => {
    const opts = { locale: 'en' as const, currency: 'CNY' };
    expect(howToEarn(wall.find((m) => m.key === 'visits_day')!, opts)).toBe('Make 5 verified visits in one day.');
    expect(howToEarn(wall.find((m) => m.key === 'streak')!, { ...opts, streakDays: 5 })).toBe('Be active 5 working days in a row.');
    expect(howToEarn(wall.find((m) => m.key === 'custom-7')!, opts)).toBe('Earn 20 points in one day.');
    expect(howToEarn(wall.find((m) => m.key === 'custom-3')!, opts)).toBeNull();
    expect(howToEarn(wall.find((m) => m.key === 'custom-7')!, { ...opts, locale: 'zh-CN' })).toBe('一天内获得 20 积分。');
    expect(definitionInWords({ metric: 'revenue_won', period: 'month', threshold: 100000 }, 'en', 'CNY')).toBe('Win CN¥100,000 of deals in one month.');
    expect(definitionInWords({ metric: 'deals_won', period: 'week', threshold: 3 }, 'zh-CN', 'CNY')).toBe('一周内赢单 3 个。');
  });

  it('says when it was earned', () => {
    const opts = { today: TODAY, zone: 'Asia/Shanghai' };
    expect(earnedWords(wall.find((m) => m.key === 'streak')!, { ...opts, locale: 'en' })).toBe('Earned 2× · latest: this week');
    expect(earnedWords(wall.find((m) => m.key === 'streak')!, { ...opts, locale: 'zh-CN' })).toBe('已获得 2 次 · 最近：本周');
    expect(earnedWords(wall.find((m) => m.key === 'custom-7')!, { ...opts, locale: 'en' })).toBe('Earned · today');
    expect(earnedWords(wall.find((m) => m.key === 'custom-9')!, { ...opts, locale: 'en' })).toBe('Earned · November 2026');
    expect(earnedWords(wall.find((m) => m.key === 'first_deal')!, { ...opts, locale: 'en' })).toBe('Earned · on Nov 5');
    expect(earnedWords(wall.find((m) => m.key === 'visits_day')!, { ...opts, locale: 'zh-CN' })).toBe('尚未获得');
  });
});

describe('a streak in words', () => {
  const streak = (over: Partial<Streak>): Streak => ({ current: 0, best: 0, lastActive: null, atRisk: false, badgeDays: 5, ...over });

  it('warns while today is still open', () => {
    const words = streakWords(streak({ current: 3, best: 12, atRisk: true }), 'en');
    expect(words.headline).toBe('3-day streak');
    expect(words.best).toBe('best 12');
    expect(words.note).toBe('Today is still open — log a visit or an activity to keep it.');
    expect(streakWords(streak({ current: 3, best: 12, atRisk: true }), 'zh-CN').note).toBe('今天还没有记录——拜访或记一条跟进即可保持。');
  });

  it('counts down to the badge, and says how to start', () => {
    expect(streakWords(streak({ current: 1, best: 1 }), 'en')).toMatchObject({ headline: '1-day streak', note: '4 more working days to the streak badge.' });
    expect(streakWords(streak({ current: 0, best: 4 }), 'zh-CN')).toMatchObject({ headline: '还没有连续记录', best: '最佳 4 天', note: '在工作日记录一次拜访或跟进即可开始。' });
    expect(streakWords(streak({ current: 6, best: 6 }), 'zh-CN')).toMatchObject({ headline: '连续 6 天', note: '已超过连续徽章所需的 5 天，继续保持。' });
  });
});

describe('forms', () => {
  it('reads a threshold as a whole number, leaving the range to the server', () => {
    expect(parseThreshold(' 20 ')).toBe(20);
    expect(parseThreshold('100,000')).toBe(100000);
    expect(parseThreshold('0')).toBe(0);
    expect(parseThreshold('2.5')).toBeNull();
    expect(parseThreshold('')).toBeNull();
  });

  it('checks a year’s days before sending them', () => {
    const rows = [
      { day: '2027-01-01', kind: 'holiday', name: '' },
      { day: '', kind: 'holiday', name: '' },
      { day: '2027-02-17', kind: 'holiday', name: '' },
      { day: '2027-02-17', kind: 'workday', name: '' },
      { day: '2028-01-01', kind: 'holiday', name: '' },
    ];
    expect(calendarProblems(rows, 2027, 'en').map((p) => [p.field, p.code])).toEqual([
      ['days.1.day', 'REQUIRED'], ['days.3.day', 'INVALID'], ['days.4.day', 'INVALID'],
    ]);
    expect(calendarProblems(rows, 2027, 'en')[2]!.message).toBe('Pick a day in 2027.');
  });

  it('finds the row a server error names', () => {
    expect(calendarSlot('days.3.day')).toEqual({ row: 3, part: 'day' });
    expect(calendarSlot('input.days.0.kind')).toEqual({ row: 0, part: 'kind' });
    expect(calendarSlot('year')).toBeNull();
    expect(calendarSlot(null)).toBeNull();
  });
});
