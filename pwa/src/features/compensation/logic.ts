// The pure part of compensation: months, totals in cents, statement lines explained in
// words, the plan form and its CompPlanInput, where the server's error paths go, credit
// split sums and what is left to refund on a payment. Covered by logic.test.ts.
import type {
  CompBasis,
  CompComponentKind,
  CompPlan,
  CompPlanInput,
  CompStatement,
  Payout,
  PlanComponentInput,
  Rounding,
  SpiffTrigger,
  StatementLine,
  StatementLineKind,
  TierMode,
} from '@/features/compensation/documents';
import { formatMoney, fromCents, toCents } from '@/ui/money';
import type { FieldError } from '@/graphql/types';
import { t, translate, type MessageKey, type UiLocale } from '@/i18n';

export type Problem = Pick<FieldError, 'field' | 'code' | 'message'>;

export const LINE_KINDS: readonly StatementLineKind[] = [
  'COMMISSION', 'COLLECTION', 'RELEASE', 'CLAWBACK', 'SPIFF', 'ROLLUP', 'CAP', 'ADJUSTMENT', 'FLOOR', 'DRAW', 'RECOVERY',
];
export const COMPONENT_KINDS: readonly CompComponentKind[] = ['COMMISSION', 'SPIFF', 'ROLLUP'];
export const COMP_BASES: readonly CompBasis[] = ['REVENUE', 'MARGIN', 'COLLECTIONS'];
export const TIER_MODES: readonly TierMode[] = ['GRADUATED', 'RETROACTIVE'];
export const PAYOUTS: readonly Payout[] = ['BOOKING', 'COLLECTION'];
export const SPIFF_TRIGGERS: readonly SpiffTrigger[] = ['PRODUCT_LINE', 'NEW_CUSTOMER'];
export const ROUNDINGS: readonly Rounding[] = ['HALF_EVEN', 'HALF_UP', 'DOWN'];

// ---------------------------------------------------------------- months

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isMonthKey(key: string | null | undefined): key is string {
  return !!key && MONTH_RE.test(key);
}

/** "2026-11": the month `date` falls in, in the org's time zone (periods follow it). */
export function monthIn(date: Date, zone: string | undefined): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit' }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}`;
}

export function shiftMonth(key: string, months: number): string {
  const index = Number(key.slice(0, 4)) * 12 + Number(key.slice(5, 7)) - 1 + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** "October 2026" / "2026年10月". */
export function formatMonth(key: string, locale: UiLocale): string {
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${key}-01T00:00:00Z`));
}

// ---------------------------------------------------------------- numbers

/** The API's Decimals may come as "5E+1"; this is the plain "50" (the engine normalizes rates). */
export function plainDecimal(value: string): string {
  if (!/e/i.test(value)) return value;
  const n = Number(value);
  return Number.isFinite(n) ? String(n) : value;
}

/** A percentage ("2.5") in the UI language: "2.5%". */
export function formatPercent(percent: string | number, locale: UiLocale): string {
  const n = typeof percent === 'number' ? percent : Number(plainDecimal(percent));
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 4 }).format(n / 100);
}

export function formatDecimal(value: string, locale: UiLocale, digits = 4): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(Number(plainDecimal(value)));
}

/**
 * What someone typed as a decimal ("12,000.5", " 3.25 "), as the API's Decimal string;
 * null when it is not a plain number. Range and precision are the server's to judge.
 */
export function normalizeDecimal(raw: string, { negative = false } = {}): string | null {
  const compact = raw.replace(/[\s,，_']/g, '');
  const pattern = negative ? /^-?\d{1,15}(\.\d{1,8})?$/ : /^\d{1,15}(\.\d{1,8})?$/;
  return pattern.test(compact) ? compact : null;
}

/** Money strings summed exactly (in cents). */
export function sumMoney(values: readonly string[]): string {
  return fromCents(values.reduce((sum, v) => sum + toCents(v), 0n));
}

function negate(amount: string): string {
  return fromCents(-toCents(amount));
}

// ---------------------------------------------------------------- statements

export interface StatementTotals {
  revenue: string;
  earned: string;
  payable: string;
  approved: number;
  open: number;
  disputes: number;
}

export function statementTotals(rows: ReadonlyArray<Pick<CompStatement, 'revenue' | 'earned' | 'payable' | 'status' | 'openDisputes'>>): StatementTotals {
  return {
    revenue: sumMoney(rows.map((r) => r.revenue)),
    earned: sumMoney(rows.map((r) => r.earned)),
    payable: sumMoney(rows.map((r) => r.payable)),
    approved: rows.filter((r) => r.status === 'APPROVED').length,
    open: rows.filter((r) => r.status === 'OPEN').length,
    disputes: rows.reduce((sum, r) => sum + r.openDisputes, 0),
  };
}

export function lineKindLabel(kind: StatementLineKind, locale: UiLocale): string {
  return translate(locale, `comp.kind.${kind}`);
}

/** A SPIFF on a deal pays per unit (basis = units, rate = per unit) or a fixed sum at the credit share (basis = share %). */
export function spiffPaysPerUnit(line: Pick<StatementLine, 'basis' | 'rate' | 'amount'>): boolean {
  if (line.rate === null) return false;
  const perUnit = Number(line.basis) * Number(plainDecimal(line.rate));
  return Math.abs(perUnit - Number(line.amount)) < 0.01 + Math.abs(Number(line.amount)) * 1e-9;
}

/**
 * A statement line in words, from its own fields only: what it applied to, at which rate,
 * tier and accelerator (one part per portion when a boundary splits it), and why earned and
 * payable differ. The deal it belongs to is shown (and linked) by the screen.
 */
export function explainLine(line: StatementLine, currency: string, locale: UiLocale): string[] {
  const tr = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
  const money = (amount: string) => formatMoney(amount, currency, locale);
  const abs = (amount: string) => money(toCents(amount) < 0n ? negate(amount) : amount);
  const portions = () => {
    const parts = line.portions.length
      ? line.portions
      : line.rate !== null ? [{ basis: line.basis, rate: line.rate, multiplier: line.multiplier ?? '1', tier: 0 }] : [];
    return parts
      .map((p) => {
        let text = tr('comp.explain.portion', { basis: money(p.basis), rate: formatPercent(p.rate, locale) });
        if (p.tier > 0) text += tr('comp.explain.tier', { tier: p.tier });
        if (Number(plainDecimal(p.multiplier)) !== 1) text += tr('comp.explain.multiplier', { multiplier: formatDecimal(p.multiplier, locale) });
        return text;
      })
      .join(tr('comp.explain.and'));
  };
  const out: string[] = [];
  switch (line.kind) {
    case 'COMMISSION':
    case 'ROLLUP': {
      const key = line.kind === 'ROLLUP' ? 'comp.explain.rollup' : 'comp.explain.commission';
      out.push(tr(key, { basis: money(line.basis), portions: portions() }));
      if (line.portions.length > 1) out.push(tr('comp.explain.boundary', { count: line.portions.length }));
      if (line.kind === 'COMMISSION' && toCents(line.payable) === 0n && toCents(line.amount) !== 0n) out.push(tr('comp.explain.held'));
      break;
    }
    case 'COLLECTION':
      out.push(tr('comp.explain.collection', { basis: money(line.basis), rate: formatPercent(line.rate ?? '0', locale) }));
      break;
    case 'RELEASE':
      out.push(tr('comp.explain.release', { basis: money(line.basis), payable: money(line.payable) }));
      break;
    case 'CLAWBACK':
      out.push(tr('comp.explain.clawback', { basis: abs(line.basis), amount: abs(line.payable) }));
      break;
    case 'SPIFF': {
      const rate = money(plainDecimal(line.rate ?? '0'));
      if (line.ref.startsWith('customer:')) out.push(tr('comp.explain.spiffCustomer', { amount: rate, customer: line.label }));
      else if (spiffPaysPerUnit(line)) out.push(tr('comp.explain.spiffUnits', { units: formatDecimal(line.basis, locale, 3), rate }));
      else if (Number(line.basis) === 100) out.push(tr('comp.explain.spiffFixed', { amount: rate }));
      else out.push(tr('comp.explain.spiffShare', { amount: rate, share: formatPercent(line.basis, locale) }));
      break;
    }
    case 'CAP':
      out.push(tr('comp.explain.cap', { basis: money(line.basis), cap: money(sumMoney([line.basis, line.amount])), amount: abs(line.amount) }));
      break;
    case 'ADJUSTMENT':
      out.push(tr('comp.explain.adjustment', {
        period: isMonthKey(line.note) ? formatMonth(line.note, locale) : line.note,
        kind: lineKindLabel(line.corrects ?? 'COMMISSION', locale),
      }));
      if (line.amount !== line.payable) out.push(tr('comp.explain.adjustmentSplit', { amount: money(line.amount), payable: money(line.payable) }));
      break;
    case 'FLOOR':
      out.push(tr('comp.explain.floor', { basis: money(line.basis), amount: money(line.amount) }));
      break;
    case 'DRAW':
      out.push(tr('comp.explain.draw', { basis: money(line.basis), payable: money(line.payable) }));
      break;
    case 'RECOVERY':
      out.push(tr('comp.explain.recovery', { amount: abs(line.payable) }));
      break;
  }
  if (line.note === 'cap_per_deal') out.push(tr('comp.explain.capPerDeal'));
  if (line.note === 'line_rate') out.push(tr('comp.explain.lineRate'));
  return out;
}

/** Why an approval was refused: a moved figure means reload; the rest is said as the server put it. */
export function approveRefusal(errors: readonly Problem[]): { reload: boolean; codes: string[] } {
  const codes = errors.map((e) => e.code);
  return { reload: codes.includes('STALE'), codes };
}

// ---------------------------------------------------------------- the plan form

export type Guarantee = 'NONE' | 'FLOOR' | 'DRAW';
export type SpiffAmount = 'PER_UNIT' | 'FIXED';

export interface ComponentForm {
  /** The stored key; '' for a new component (made from its name when saved). */
  key: string;
  name: string;
  kind: CompComponentKind;
  basis: CompBasis;
  rate: string;
  lineRates: Array<{ productLine: string; rate: string }>;
  tiers: Array<{ from: string; rate: string }>;
  tierMode: TierMode;
  accelerators: Array<{ from: string; multiplier: string }>;
  capPerDeal: string;
  capPerPeriod: string;
  payout: Payout;
  trigger: SpiffTrigger;
  startsOn: string;
  endsOn: string;
  productLine: string;
  teamId: string;
  spiffAmount: SpiffAmount;
  amount: string;
}

export interface PlanForm {
  planId: string | null;
  name: string;
  effectiveFrom: string;
  note: string;
  guarantee: Guarantee;
  guaranteeAmount: string;
  rounding: Rounding;
  components: ComponentForm[];
}

export function newComponent(kind: CompComponentKind, name = ''): ComponentForm {
  return {
    key: '', name, kind, basis: 'REVENUE', rate: '', lineRates: [], tiers: [], tierMode: 'GRADUATED', accelerators: [],
    capPerDeal: '', capPerPeriod: '', payout: 'BOOKING', trigger: 'PRODUCT_LINE', startsOn: '', endsOn: '',
    productLine: '', teamId: '', spiffAmount: 'FIXED', amount: '',
  };
}

export function newPlanForm(effectiveFrom: string, componentName: string): PlanForm {
  return {
    planId: null, name: '', effectiveFrom, note: '', guarantee: 'NONE', guaranteeAmount: '', rounding: 'HALF_EVEN',
    components: [newComponent('COMMISSION', componentName)],
  };
}

const opt = (value: string | null) => (value === null ? '' : plainDecimal(value));

/** The form for a new version of `plan`, starting from its current one. */
export function planToForm(plan: CompPlan, effectiveFrom = plan.effectiveFrom): PlanForm {
  return {
    planId: plan.id,
    name: plan.name,
    effectiveFrom,
    note: '',
    guarantee: plan.floor !== null ? 'FLOOR' : plan.draw !== null ? 'DRAW' : 'NONE',
    guaranteeAmount: opt(plan.floor ?? plan.draw),
    rounding: plan.rounding,
    components: plan.components.map((c) => ({
      key: c.key,
      name: c.name,
      kind: c.kind,
      basis: c.basis,
      rate: Number(plainDecimal(c.rate)) === 0 ? '' : plainDecimal(c.rate),
      lineRates: c.lineRates.map((r) => ({ productLine: r.productLine, rate: plainDecimal(r.rate) })),
      tiers: c.tiers.map((r) => ({ from: plainDecimal(r.from), rate: plainDecimal(r.rate) })),
      tierMode: c.tierMode,
      accelerators: c.accelerators.map((r) => ({ from: plainDecimal(r.from), multiplier: plainDecimal(r.multiplier) })),
      capPerDeal: opt(c.capPerDeal),
      capPerPeriod: opt(c.capPerPeriod),
      payout: c.payout,
      trigger: c.trigger ?? 'PRODUCT_LINE',
      startsOn: c.startsOn ?? '',
      endsOn: c.endsOn ?? '',
      productLine: c.productLine,
      teamId: c.teamId ?? '',
      spiffAmount: c.perUnit !== null ? 'PER_UNIT' : 'FIXED',
      amount: opt(c.perUnit ?? c.fixed),
    })),
  };
}

/** A key for a new component: its name in ASCII ("Q4 bonus" → "q4-bonus"), else its kind; unique in the plan. */
export function componentKey(name: string, kind: CompComponentKind, taken: ReadonlySet<string>): string {
  const base = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32) || kind.toLowerCase();
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}-${n}`;
  return key;
}

/**
 * The form as the API's CompPlanInput, or the problems in it, each named by the path the
 * server would use (components.1.tiers.0.rate), so both show up the same way. Only what a
 * component's kind uses is sent.
 */
export function formToInput(form: PlanForm): { input: CompPlanInput; problems: [] } | { input: null; problems: Problem[] } {
  const problems: Problem[] = [];
  const invalid = (field: string) => problems.push({ field, code: 'INVALID', message: t('error.INVALID') });
  const missing = (field: string) => problems.push({ field, code: 'REQUIRED', message: t('error.REQUIRED') });
  /** A required decimal. */
  const need = (raw: string, field: string): string => {
    if (!raw.trim()) {
      missing(field);
      return '0';
    }
    const value = normalizeDecimal(raw);
    if (value === null) invalid(field);
    return value ?? '0';
  };
  /** An optional decimal: blank is null (or `blank`). */
  const maybe = (raw: string, field: string, blank: string | null = null): string | null => {
    if (!raw.trim()) return blank;
    const value = normalizeDecimal(raw);
    if (value === null) invalid(field);
    return value;
  };

  const guarantee = form.guarantee === 'NONE' ? null : need(form.guaranteeAmount, 'guarantee');
  const taken = new Set(form.components.map((c) => c.key).filter(Boolean));
  const components = form.components.map((c, i): PlanComponentInput => {
    const path = `components.${i}`;
    let key = c.key;
    if (!key) {
      key = componentKey(c.name, c.kind, taken);
      taken.add(key);
    }
    const base: PlanComponentInput = {
      key, name: c.name.trim(), kind: c.kind, basis: 'REVENUE', rate: '0', lineRates: [], tiers: [], tierMode: 'GRADUATED',
      accelerators: [], capPerDeal: null, capPerPeriod: null, payout: 'BOOKING', trigger: null, startsOn: null, endsOn: null,
      productLine: '', teamId: null, perUnit: null, fixed: null,
    };
    if (c.kind === 'SPIFF') {
      const amount = need(c.amount, `${path}.spiffAmount`);
      const perUnit = c.trigger === 'PRODUCT_LINE' && c.spiffAmount === 'PER_UNIT';
      return {
        ...base,
        trigger: c.trigger,
        startsOn: c.startsOn || null,
        endsOn: c.endsOn || null,
        productLine: c.trigger === 'PRODUCT_LINE' ? c.productLine.trim() : '',
        teamId: c.teamId || null,
        perUnit: perUnit ? amount : null,
        fixed: perUnit ? null : amount,
      };
    }
    const common = {
      ...base,
      basis: c.basis,
      rate: maybe(c.rate, `${path}.rate`, '0') ?? '0',
      capPerDeal: maybe(c.capPerDeal, `${path}.capPerDeal`),
      capPerPeriod: maybe(c.capPerPeriod, `${path}.capPerPeriod`),
    };
    if (c.kind === 'ROLLUP') return common;
    c.lineRates.forEach((r, j) => {
      if (!r.productLine.trim()) missing(`${path}.lineRates.${j}.productLine`);
    });
    return {
      ...common,
      payout: c.payout,
      tierMode: c.tierMode,
      lineRates: c.lineRates.map((r, j) => ({ productLine: r.productLine.trim(), rate: need(r.rate, `${path}.lineRates.${j}.rate`) })),
      tiers: c.tiers.map((r, j) => ({ from: need(r.from, `${path}.tiers.${j}.from`), rate: need(r.rate, `${path}.tiers.${j}.rate`) })),
      accelerators: c.accelerators.map((r, j) => ({
        from: need(r.from, `${path}.accelerators.${j}.from`),
        multiplier: need(r.multiplier, `${path}.accelerators.${j}.multiplier`),
      })),
    };
  });
  if (problems.length) return { input: null, problems };
  return {
    input: {
      planId: form.planId,
      name: form.name.trim(),
      effectiveFrom: form.effectiveFrom,
      note: form.note.trim(),
      floor: form.guarantee === 'FLOOR' ? guarantee : null,
      draw: form.guarantee === 'DRAW' ? guarantee : null,
      rounding: form.rounding,
      components,
    },
    problems: [],
  };
}

/**
 * The form's name for a field the server names: `input.` goes, floor and draw share one
 * amount, a SPIFF's perUnit and fixed share one, and a product line's rate (named by the
 * line: components.0.lineRates.Service) becomes its row (components.0.lineRates.2.rate).
 */
export function planErrorField(field: string | null, form: PlanForm): string | null {
  if (field === null) return null;
  const path = field.replace(/^input\./, '');
  if (path === 'floor' || path === 'draw') return 'guarantee';
  const parts = path.split('.');
  if (parts[0] !== 'components' || parts.length < 3) return path;
  const i = Number(parts[1]);
  const prefix = `components.${parts[1]}`;
  if (parts[2] === 'perUnit' || parts[2] === 'fixed') return `${prefix}.spiffAmount`;
  if (parts[2] === 'lineRates' && parts.length > 3 && !/^\d+$/.test(parts[3]!)) {
    const line = parts.slice(3).join('.');
    const j = form.components[i]?.lineRates.findIndex((r) => r.productLine.trim() === line) ?? -1;
    return j >= 0 ? `${prefix}.lineRates.${j}.rate` : `${prefix}.lineRates`;
  }
  return path;
}

/** Moves a list item up or down by one; the same list when it cannot move. */
export function moveItem<T>(items: readonly T[], index: number, by: -1 | 1): T[] {
  const target = index + by;
  if (index < 0 || index >= items.length || target < 0 || target >= items.length) return [...items];
  const next = [...items];
  [next[index], next[target]] = [next[target]!, next[index]!];
  return next;
}

// ---------------------------------------------------------------- credit splits

export interface SplitRow {
  userId: string;
  percent: string;
}

/** The typed percentages' sum ("100.00"); unreadable ones count as zero. */
export function splitTotal(rows: readonly SplitRow[]): string {
  return fromCents(rows.reduce((sum, r) => {
    const value = normalizeDecimal(r.percent);
    return sum + (value === null ? 0n : toCents(value));
  }, 0n));
}

export function splitState(rows: readonly SplitRow[]): 'EXACT' | 'UNDER' | 'OVER' {
  const total = toCents(splitTotal(rows));
  return total === 10000n ? 'EXACT' : total < 10000n ? 'UNDER' : 'OVER';
}

/** What the sheet can tell before sending: a person per row, once each, and a readable percentage. */
export function splitProblems(rows: readonly SplitRow[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (!r.userId) problems.push({ field: `splits.${i}.userId`, code: 'REQUIRED', message: t('error.REQUIRED') });
    else if (seen.has(r.userId)) problems.push({ field: `splits.${i}.userId`, code: 'INVALID', message: t('comp.split.duplicate') });
    seen.add(r.userId);
    if (!r.percent.trim()) problems.push({ field: `splits.${i}.percent`, code: 'REQUIRED', message: t('error.REQUIRED') });
    else if (normalizeDecimal(r.percent) === null) problems.push({ field: `splits.${i}.percent`, code: 'INVALID', message: t('error.INVALID') });
  });
  return problems;
}

export function splitInput(rows: readonly SplitRow[]): Array<{ userId: string; percent: string }> {
  return rows.map((r) => ({ userId: r.userId, percent: normalizeDecimal(r.percent) ?? r.percent }));
}

// ---------------------------------------------------------------- refunds

export interface PaymentLike {
  id: string;
  amount: string;
  refundOfId: string | null;
}

/** A refund gives money back: a negative amount, or one that names the payment it refunds. */
export function isRefund(payment: Pick<PaymentLike, 'amount' | 'refundOfId'>): boolean {
  return payment.refundOfId !== null || toCents(payment.amount) < 0n;
}

/** What a payment can still give back: its amount less the refunds already made on it. */
export function refundLeft(payment: PaymentLike, all: readonly PaymentLike[]): string {
  const refunded = all.filter((p) => p.refundOfId === payment.id).reduce((sum, p) => sum + toCents(p.amount), 0n);
  const left = toCents(payment.amount) + refunded;
  return fromCents(left > 0n ? left : 0n);
}

/** The amount to refund, or the problem with it (the server checks again); `shown` is `left` formatted. */
export function refundAmount(raw: string, left: string, shown = left): string | Problem {
  if (!raw.trim()) return { field: 'amount', code: 'REQUIRED', message: t('error.REQUIRED') };
  const value = normalizeDecimal(raw);
  if (value === null || !/^\d+(\.\d{1,2})?$/.test(value) || toCents(value) <= 0n) return { field: 'amount', code: 'INVALID', message: t('error.INVALID') };
  if (toCents(value) > toCents(left)) return { field: 'amount', code: 'OUT_OF_RANGE', message: t('comp.refund.tooMuch', { left: shown }) };
  return value;
}

// ---------------------------------------------------------------- the rep's earnings

/** The what-if slider's top: twice the quota, or what is left to it and as much again; never below 100,000. */
export function whatIfMax(quota: string | null, revenue: string): number {
  const q = quota === null ? 0 : Number(quota);
  const r = Number(revenue);
  const top = q > 0 ? Math.max(q * 2 - r, q) : Math.max(r, 1_000_000);
  return Math.max(100_000, roundUp(top));
}

/** Slider steps of a "nice" size: about a hundred of them over the range. */
export function whatIfStep(max: number): number {
  const raw = max / 100;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
}

function roundUp(value: number): number {
  const power = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(value, 1))) - 1);
  return Math.ceil(value / power) * power;
}

/** The next tier or accelerator in words: how much more revenue, and what it brings. */
export function nextStepText(
  step: { kind: string; at: string; distance: string; rate: string | null; multiplier: string | null } | null,
  currency: string,
  locale: UiLocale,
): string {
  if (step === null) return translate(locale, 'earnings.topReached');
  const money = (amount: string) => formatMoney(amount, currency, locale);
  if (step.kind === 'accelerator' && step.multiplier !== null) {
    return translate(locale, 'earnings.nextAccelerator', {
      distance: money(step.distance), multiplier: formatDecimal(step.multiplier, locale), at: money(step.at),
    });
  }
  return translate(locale, 'earnings.nextTier', {
    distance: money(step.distance), rate: formatPercent(step.rate ?? '0', locale), at: money(step.at),
  });
}

/** "+¥800.00" / "−¥1,200.00": a change with its sign. */
export function signedMoney(amount: string, currency: string, locale: UiLocale): string {
  const cents = toCents(amount);
  const shown = formatMoney(cents < 0n ? negate(amount) : amount, currency, locale);
  return cents < 0n ? `−${shown}` : cents > 0n ? `+${shown}` : shown;
}
