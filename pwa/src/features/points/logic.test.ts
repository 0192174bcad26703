import { describe, expect, it } from 'vitest';
import type { PointRule, PointsEntry } from '@/features/points/documents';
import {
  dayIn, entryInWords, entryLink, formFromRule, formToInput, NO_DAILY_CAP, parseAdjustment, ruleInWords, ruleState,
  signedPoints, withEntry, type RuleForm,
} from '@/features/points/logic';

const visit: PointRule = {
  kind: 'verified_visit', points: 10, dailyCap: 50, multiplier: '1', active: true, startsOn: null, endsOn: null,
  unitAmount: null, minPoints: null, maxPoints: null, updatedAt: null,
};
const deal: PointRule = {
  ...visit, kind: 'deal_won', points: 1, dailyCap: NO_DAILY_CAP, unitAmount: '1000', minPoints: 10, maxPoints: 200,
};
const opts = (locale: 'en' | 'zh-CN') => ({ locale, currency: 'CNY', today: '2026-12-03' });

describe('a rule in words', () => {
  it('says a per-event rule with its daily cap', () => {
    expect(ruleInWords(visit, opts('en')).headline).toBe('A verified visit: 10 points, at most 50 a day');
    expect(ruleInWords(visit, opts('zh-CN')).headline).toBe('有效拜访：10 分，每天最多 50 分');
    expect(ruleInWords({ ...visit, kind: 'activity', points: 1 }, opts('en')).headline).toBe('A logged activity: 1 point, at most 50 a day');
  });

  it('says an amount rule per unit in the org currency, with its floor and ceiling, and no cap when there is none', () => {
    expect(ruleInWords(deal, opts('en')).headline).toBe('A won deal: 1 point per CN¥1,000, at least 10 points, at most 200 points');
    expect(ruleInWords(deal, opts('zh-CN')).headline).toBe('赢单：每 ¥1,000 得 1 分，至少 10 分，最多 200 分');
    expect(ruleInWords({ ...deal, minPoints: null, maxPoints: null }, opts('en')).headline).toBe('A won deal: 1 point per CN¥1,000');
  });

  it('says a boost with its window, and what one visit then earns within the cap', () => {
    const week = { ...visit, multiplier: '2.00', startsOn: '2026-12-01', endsOn: '2026-12-07' };
    const words = ruleInWords(week, opts('en'));
    expect(words.boost).toBe('×2 from Dec 1 to Dec 7: 20 points each');
    expect(words.window).toBe('Outside these dates it pays nothing.');
    expect(ruleInWords({ ...visit, multiplier: '2' }, opts('en')).window).toBeNull();
    expect(words.state).toBe('on');
    expect(ruleInWords(week, opts('zh-CN')).boost).toBe('12月1日至12月7日 ×2：每次 20 分');
    expect(ruleInWords({ ...week, multiplier: '10' }, opts('en')).boost).toBe('×10 from Dec 1 to Dec 7: 50 points each');
  });

  it('says a window alone pays only inside it, and whether the rule pays today', () => {
    const words = ruleInWords({ ...visit, startsOn: '2026-12-05', endsOn: null }, opts('en'));
    expect(words.window).toBe('Pays only from Dec 5');
    expect(words.state).toBe('upcoming');
    expect(words.stateText).toBe('Not started yet');
    expect(ruleInWords({ ...visit, active: false }, opts('en')).stateText).toBe('Paused');
    expect(ruleInWords({ ...visit, active: false }, opts('zh-CN')).stateText).toBe('已暂停');
    expect(ruleState({ active: true, startsOn: null, endsOn: '2026-12-02' }, '2026-12-03')).toBe('ended');
    expect(ruleState({ active: true, startsOn: null, endsOn: '2026-12-03' }, '2026-12-03')).toBe('on');
  });
});

describe('a ledger entry in words', () => {
  const entry = (e: Partial<PointsEntry>): PointsEntry => ({
    id: '1', points: 10, ruleKind: 'verified_visit', sourceType: 'visit', sourceId: '7', occurredAt: '2026-12-03T02:00:00Z', reason: null, byName: null, ...e,
  });

  it('names its rule, or the adjustment with its author and reason', () => {
    expect(entryInWords(entry({}), 'en')).toBe('Verified visit');
    expect(entryInWords(entry({ ruleKind: 'activity' }), 'en')).toBe('Activity logged');
    expect(entryInWords(entry({ ruleKind: 'deal_won' }), 'zh-CN')).toBe('赢单');
    expect(entryInWords(entry({ ruleKind: 'payment_collected' }), 'en')).toBe('Payment collected');
    const adjustment = entry({ ruleKind: 'adjustment', sourceType: 'adjustment', reason: 'Trade fair booth duty', byName: 'Max Manager' });
    expect(entryInWords(adjustment, 'en')).toBe('Adjustment by Max Manager: Trade fair booth duty');
    expect(entryInWords(adjustment, 'zh-CN')).toBe('Max Manager 调整：Trade fair booth duty');
    expect(entryInWords(entry({ ruleKind: 'contest_bonus' }), 'en')).toBe('Points');
  });

  it('links deals only: a payment source is the payment, not its deal', () => {
    expect(entryLink(entry({ sourceType: 'deal', sourceId: '42' }))).toBe('/deals/42');
    expect(entryLink(entry({ sourceType: 'payment', sourceId: '42' }))).toBeNull();
    expect(entryLink(entry({}))).toBeNull();
  });

  it('signs its points with a true minus', () => {
    expect(signedPoints(15, 'en')).toBe('+15');
    expect(signedPoints(-1500, 'en')).toBe('−1,500');
  });

  it('goes first once, however often the answer is replayed', () => {
    const a = entry({ id: 'a' });
    const b = entry({ id: 'b' });
    expect(withEntry([a], b).map((e) => e.id)).toEqual(['b', 'a']);
    expect(withEntry([b, a], b).map((e) => e.id)).toEqual(['b', 'a']);
  });
});

describe('the rule form', () => {
  const form = (f: Partial<RuleForm>): RuleForm => ({ ...formFromRule(visit), ...f });

  it('becomes the input, with empty dates as null and an empty cap as no cap', () => {
    expect(formToInput('verified_visit', form({ multiplier: '2', startsOn: '2026-12-01', endsOn: '' }))).toEqual({
      input: { kind: 'verified_visit', points: 10, dailyCap: 50, multiplier: '2', active: true, startsOn: '2026-12-01', endsOn: null },
    });
    const open = formToInput('verified_visit', form({ dailyCap: '', multiplier: '' }));
    expect(open).toMatchObject({ input: { dailyCap: NO_DAILY_CAP, multiplier: '1', startsOn: null, endsOn: null } });
  });

  it('round-trips an amount rule, empty floor and ceiling being none', () => {
    const f = formFromRule(deal);
    expect(f).toMatchObject({ dailyCap: '', unitAmount: '1000', minPoints: '10', maxPoints: '200' });
    expect(formToInput('deal_won', { ...f, unitAmount: '2,000', minPoints: '', maxPoints: '300' })).toEqual({
      input: {
        kind: 'deal_won', points: 1, dailyCap: NO_DAILY_CAP, multiplier: '1', active: true, startsOn: null, endsOn: null,
        unitAmount: '2000', minPoints: null, maxPoints: 300,
      },
    });
  });

  it('refuses only what cannot be sent; ranges and precision are the server’s', () => {
    expect(formToInput('verified_visit', form({ points: 'ten', multiplier: 'x2' }))).toEqual({
      problems: [{ field: 'points', code: 'INVALID' }, { field: 'multiplier', code: 'INVALID' }],
    });
    expect(formToInput('verified_visit', form({ multiplier: '0.333', points: '-1' }))).toMatchObject({ input: { multiplier: '0.333', points: -1 } });
    expect(formToInput('deal_won', { ...formFromRule(deal), unitAmount: '' })).toEqual({ problems: [{ field: 'unitAmount', code: 'INVALID' }] });
  });
});

describe('an adjustment', () => {
  it('reads a signed whole number', () => {
    expect(parseAdjustment('+15')).toBe(15);
    expect(parseAdjustment('−20')).toBe(-20);
    expect(parseAdjustment(' -5 ')).toBe(-5);
    expect(parseAdjustment('1.5')).toBeNaN();
    expect(parseAdjustment('')).toBeNaN();
  });

  it('finds the org’s calendar day', () => {
    expect(dayIn(new Date('2026-12-03T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-04');
    expect(dayIn(new Date('2026-12-03T17:00:00Z'), 'Europe/Berlin')).toBe('2026-12-03');
  });
});
