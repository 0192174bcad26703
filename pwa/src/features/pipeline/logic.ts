// Pure pipeline logic: optimistic moves with rollback, money and dwell-time formatting.
import type { Deal, PipelineColumn, Stage } from '@/graphql/types';
import { translate, type UiLocale } from '@/i18n';

export interface PendingMove {
  dealId: string;
  fromStageId: string;
  toStageId: string;
}

/** The board after moving a deal (a new array; the input is left alone so it can be restored). */
export function applyMove(columns: PipelineColumn[], dealId: string, toStage: Stage): PipelineColumn[] {
  const deal = columns.flatMap((c) => c.deals).find((d) => d.id === dealId);
  if (!deal) return columns;
  const moved: Deal = { ...deal, stage: toStage };
  return columns.map((column) => {
    const without = column.deals.filter((d) => d.id !== dealId);
    const deals = column.stage.id === toStage.id ? [moved, ...without] : without;
    if (deals === column.deals || (deals.length === column.deals.length && column.stage.id !== toStage.id)) return column;
    return { ...column, deals, count: deals.length, amount: sumAmounts(deals) };
  });
}

/** Puts the server's copy of a deal in place (it carries the new version and status). */
export function settleDeal(columns: PipelineColumn[], deal: Deal): PipelineColumn[] {
  return columns.map((column) =>
    column.deals.some((d) => d.id === deal.id) ? { ...column, deals: column.deals.map((d) => (d.id === deal.id ? deal : d)) } : column,
  );
}

/** Decimal strings summed in cents, so 0.1 + 0.2 stays 0.30. */
export function sumAmounts(deals: Array<Pick<Deal, 'amount'>>): string {
  const cents = deals.reduce((sum, d) => sum + toCents(d.amount), 0n);
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

export function toCents(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.replace('-', '').split('.');
  const cents = BigInt(whole || '0') * 100n + BigInt((fraction + '00').slice(0, 2));
  return amount.startsWith('-') ? -cents : cents;
}

export function needsReason(stage: Pick<Stage, 'outcome'>): boolean {
  return stage.outcome !== 'OPEN';
}

export function formatMoney(amount: string | number, currency: string, locale: UiLocale, compact = false): string {
  const value = typeof amount === 'number' ? amount : Number(amount);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    notation: compact ? 'compact' : 'standard',
    maximumFractionDigits: compact ? 1 : 2,
  }).format(value);
}

/** "3 d 4 h", "5 h 12 min", "40 s" — the two largest units, in the UI language. */
export function formatDwell(seconds: number, locale: UiLocale): string {
  const units: Array<[number, 'pipeline.unitDay' | 'pipeline.unitHour' | 'pipeline.unitMinute' | 'pipeline.unitSecond']> = [
    [86400, 'pipeline.unitDay'],
    [3600, 'pipeline.unitHour'],
    [60, 'pipeline.unitMinute'],
    [1, 'pipeline.unitSecond'],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(seconds));
  for (const [size, key] of units) {
    const count = Math.floor(rest / size);
    if (count > 0 || (size === 1 && parts.length === 0)) {
      parts.push(translate(locale, key, { n: count }));
      rest -= count * size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(locale === 'en' ? ' ' : '');
}

/** A fresh id for one write; kept by the caller while that write is retried. */
export function newClientId(): string {
  return crypto.randomUUID();
}
