// The pure part of points: a rule in words, a ledger entry in words (with its link), the
// rule form and its SavePointRuleInput, and an adjustment's number. Covered by logic.test.ts.
import type { PointRule, PointsEntry, RuleKind, SavePointRuleInput } from '@/features/points/documents';
import { formatDay } from '@/ui/dates';
import { formatMoney } from '@/ui/money';
import { normalizeDecimal, plainDecimal } from '@/features/compensation/logic';
import { translate, type MessageKey, type UiLocale } from '@/i18n';

/** The rules an admin edits, in the order the API lists them. */
export const RULE_KINDS: readonly RuleKind[] = ['verified_visit', 'activity', 'new_customer', 'deal_won', 'payment_collected', 'target_reached'];
/** Rules that pay per unit of an amount (a won deal, a payment) rather than per event. */
export const AMOUNT_KINDS: ReadonlySet<string> = new Set<RuleKind>(['deal_won', 'payment_collected']);
/** The API's "no daily cap": a cap this high is not worth saying. */
export const NO_DAILY_CAP = 1_000_000;
export const REASON_MIN = 3;
export const REASON_MAX = 500;
export const MAX_ADJUSTMENT = 100_000;

export function isAmountKind(kind: string): boolean {
  return AMOUNT_KINDS.has(kind);
}

// ---------------------------------------------------------------- numbers and days

/** "1 point", "10 points" / "10 分". */
export function pointsText(points: number, locale: UiLocale): string {
  if (points === 1) return translate(locale, 'points.one');
  return translate(locale, 'points.many', { points: new Intl.NumberFormat(locale).format(points) });
}

/** "+20", "−15" (a true minus sign), "0". */
export function signedPoints(points: number, locale: UiLocale): string {
  const sign = points > 0 ? '+' : points < 0 ? '−' : '';
  return translate(locale, 'points.signed', { sign, points: new Intl.NumberFormat(locale).format(Math.abs(points)) });
}

/** "2", "1.5" in the UI language (the API may send "2.00" or "2E+0"). */
export function formatMultiplier(multiplier: string, locale: UiLocale): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(Number(plainDecimal(multiplier)));
}

/** The calendar day ("2026-12-01") `date` falls on in `zone` (the org's days decide what pays). */
export function dayIn(date: Date, zone: string | undefined): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

// ---------------------------------------------------------------- a rule in words

export type RuleState = 'on' | 'paused' | 'ended' | 'upcoming';

export interface RuleWords {
  /** "A verified visit: 10 points, at most 50 a day". */
  headline: string;
  /** "×2 from Dec 1 to Dec 7: 20 points each", or null at ×1. */
  boost: string | null;
  /** "Pays only from Dec 1 to Dec 7", or after a boost line "Outside these dates it pays nothing."; null: always. */
  window: string | null;
  state: RuleState;
  /** "Paused", "Ended", "Not started yet"; null while it pays. */
  stateText: string | null;
}

export function ruleState(rule: Pick<PointRule, 'active' | 'startsOn' | 'endsOn'>, today: string): RuleState {
  if (!rule.active) return 'paused';
  if (rule.endsOn && rule.endsOn < today) return 'ended';
  if (rule.startsOn && rule.startsOn > today) return 'upcoming';
  return 'on';
}

function windowText(rule: Pick<PointRule, 'startsOn' | 'endsOn'>, locale: UiLocale): string | null {
  const day = (d: string) => formatDay(d, locale);
  if (rule.startsOn && rule.endsOn) return translate(locale, 'points.rule.between', { start: day(rule.startsOn), end: day(rule.endsOn) });
  if (rule.startsOn) return translate(locale, 'points.rule.from', { start: day(rule.startsOn) });
  if (rule.endsOn) return translate(locale, 'points.rule.until', { end: day(rule.endsOn) });
  return null;
}

/** What a rule pays, said for everyone: base, limits, the boost and its window, whether it pays now. */
export function ruleInWords(rule: PointRule, opts: { locale: UiLocale; currency: string; today: string }): RuleWords {
  const { locale, currency, today } = opts;
  const kind = translate(locale, `points.kind.${rule.kind}` as MessageKey);
  const clauses: string[] = [];
  let head: string;
  if (isAmountKind(rule.kind) && rule.unitAmount) {
    head = translate(locale, 'points.rule.perUnit', {
      kind, points: pointsText(rule.points, locale), amount: formatMoney(plainDecimal(rule.unitAmount), currency, locale),
    });
    if (rule.minPoints !== null) clauses.push(translate(locale, 'points.rule.atLeast', { points: pointsText(rule.minPoints, locale) }));
    if (rule.maxPoints !== null) clauses.push(translate(locale, 'points.rule.atMost', { points: pointsText(rule.maxPoints, locale) }));
  } else {
    head = translate(locale, 'points.rule.each', { kind, points: pointsText(rule.points, locale) });
  }
  if (rule.dailyCap < NO_DAILY_CAP) clauses.push(translate(locale, 'points.rule.perDay', { points: formatCount(rule.dailyCap, locale) }));
  const comma = locale === 'zh-CN' ? '，' : ', ';
  const headline = [head, ...clauses].join(comma);

  const multiplier = Number(plainDecimal(rule.multiplier));
  const span = windowText(rule, locale);
  let boost: string | null = null;
  if (multiplier !== 1) {
    const times = translate(locale, 'points.rule.boost', { multiplier: formatMultiplier(rule.multiplier, locale) });
    // zh reads "12月1日至12月7日 ×2"; en "×2 from Dec 1 to Dec 7".
    const label = span ? (locale === 'zh-CN' ? `${span} ${times}` : `${times} ${span}`) : times;
    boost = isAmountKind(rule.kind)
      ? label
      : translate(locale, 'points.rule.boostEach', {
          boost: label, points: pointsText(Math.min(Math.round(rule.points * multiplier), rule.dailyCap), locale),
        });
  }
  const state = ruleState(rule, today);
  const stateKey: Record<RuleState, MessageKey | null> = {
    on: null, paused: 'points.rule.paused', ended: 'points.rule.ended', upcoming: 'points.rule.upcoming',
  };
  return {
    headline,
    boost,
    // Outside its window a rule pays nothing at all (not ×1): say so, whether or not a boost carries the dates.
    window: span ? (boost ? translate(locale, 'points.rule.outside') : translate(locale, 'points.rule.onlyBetween', { window: span })) : null,
    state,
    stateText: stateKey[state] ? translate(locale, stateKey[state]!) : null,
  };
}

function formatCount(n: number, locale: UiLocale): string {
  return new Intl.NumberFormat(locale).format(n);
}

// ---------------------------------------------------------------- a ledger entry in words

const ENTRY_KEYS: Record<string, MessageKey> = {
  verified_visit: 'points.entry.verified_visit',
  activity: 'points.entry.activity',
  deal_won: 'points.entry.deal_won',
  payment_collected: 'points.entry.payment_collected',
  new_customer: 'points.entry.new_customer',
  target_reached: 'points.entry.target_reached',
  contest: 'points.entry.contest',
};

/** "Verified visit", "Deal won", "Adjustment by Max Manager: Trade fair booth duty". */
export function entryInWords(entry: Pick<PointsEntry, 'ruleKind' | 'reason' | 'byName'>, locale: UiLocale): string {
  if (entry.ruleKind === 'adjustment') {
    const reason = entry.reason ?? '';
    return entry.byName
      ? translate(locale, 'points.entry.adjustment', { name: entry.byName, reason })
      : translate(locale, 'points.entry.adjustmentAnon', { reason });
  }
  const key = ENTRY_KEYS[entry.ruleKind];
  return translate(locale, key ?? 'points.entry.other');
}

/** Only a deal source names a deal (a payment's source id is the payment's, not its deal's). */
export function entryLink(entry: Pick<PointsEntry, 'sourceType' | 'sourceId'>): string | null {
  return entry.sourceType === 'deal' ? `/deals/${encodeURIComponent(entry.sourceId)}` : null;
}

/** My list with an entry put first (or left where it is, on a replay). */
export function withEntry(list: readonly PointsEntry[], entry: PointsEntry): PointsEntry[] {
  if (list.some((e) => e.id === entry.id)) return [...list];
  return [entry, ...list];
}

// ---------------------------------------------------------------- the rule form

export interface RuleForm {
  points: string;
  dailyCap: string;
  multiplier: string;
  active: boolean;
  startsOn: string;
  endsOn: string;
  unitAmount: string;
  minPoints: string;
  maxPoints: string;
}

export interface FormProblem {
  field: string;
  code: 'INVALID';
}

export function formFromRule(rule: PointRule): RuleForm {
  const text = (n: number | null) => (n === null ? '' : String(n));
  return {
    points: String(rule.points),
    dailyCap: rule.dailyCap >= NO_DAILY_CAP ? '' : String(rule.dailyCap),
    multiplier: plainDecimal(rule.multiplier),
    active: rule.active,
    startsOn: rule.startsOn ?? '',
    endsOn: rule.endsOn ?? '',
    unitAmount: rule.unitAmount ? plainDecimal(rule.unitAmount) : '',
    minPoints: text(rule.minPoints),
    maxPoints: text(rule.maxPoints),
  };
}

const WHOLE = /^-?\d{1,9}$/;

function whole(raw: string): number | null {
  const text = raw.replace(/[\s,，]/g, '');
  if (text === '') return null;
  return WHOLE.test(text) ? Number(text) : Number.NaN;
}

/**
 * The form as the API's input: empty dates are null (open window), an empty daily cap is no
 * cap, empty floor and ceiling are none. Only what cannot be sent at all (not a number) is
 * refused here; ranges and precision are the server's to judge, in the user's language.
 */
export function formToInput(kind: RuleKind, form: RuleForm): { input: SavePointRuleInput } | { problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const need = (field: string, value: number | null) => {
    if (value === null || Number.isNaN(value)) problems.push({ field, code: 'INVALID' });
    return value ?? 0;
  };
  const optional = (field: string, value: number | null) => {
    if (value !== null && Number.isNaN(value)) problems.push({ field, code: 'INVALID' });
    return value;
  };
  const points = need('points', whole(form.points));
  const cap = optional('dailyCap', whole(form.dailyCap));
  const multiplierText = form.multiplier.trim() === '' ? '1' : normalizeDecimal(form.multiplier);
  if (multiplierText === null) problems.push({ field: 'multiplier', code: 'INVALID' });
  const day = (raw: string) => (/^\d{4}-\d{2}-\d{2}$/.test(raw.trim()) ? raw.trim() : null);
  const input: SavePointRuleInput = {
    kind,
    points,
    dailyCap: cap ?? NO_DAILY_CAP,
    multiplier: multiplierText ?? '1',
    active: form.active,
    startsOn: day(form.startsOn),
    endsOn: day(form.endsOn),
  };
  if (isAmountKind(kind)) {
    const unit = normalizeDecimal(form.unitAmount);
    if (unit === null) problems.push({ field: 'unitAmount', code: 'INVALID' });
    input.unitAmount = unit;
    input.minPoints = optional('minPoints', whole(form.minPoints));
    input.maxPoints = optional('maxPoints', whole(form.maxPoints));
  }
  return problems.length ? { problems } : { input };
}

// ---------------------------------------------------------------- an adjustment

/** "+15", "-15", "−15", "15" → a whole number; NaN for anything else (zero is the server's to refuse). */
export function parseAdjustment(raw: string): number {
  const text = raw.replace(/[\s,，]/g, '').replace(/^[−–]/, '-').replace(/^\+/, '');
  return /^-?\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
}
