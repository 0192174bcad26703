// Money as the API sends it: decimal strings, summed in cents, never floats.
import type { UiLocale } from '@/i18n';


/** Decimal string → cents; the API sends at most two places for money. */
export function toCents(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.trim().replace('-', '').split('.');
  const cents = BigInt(whole || '0') * 100n + BigInt((fraction + '00').slice(0, 2));
  return amount.trim().startsWith('-') ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** Decimal strings summed in cents, so 0.1 + 0.2 stays 0.30. */
export function sumAmounts(deals: ReadonlyArray<{ amount: string }>): string {
  return fromCents(deals.reduce((sum, d) => sum + toCents(d.amount), 0n));
}

/** `numerator / divisor` rounded half to even, as the server's Decimal.quantize does. */
export function divideHalfEven(numerator: bigint, divisor: bigint): bigint {
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let q = n / divisor;
  const twice = (n % divisor) * 2n;
  if (twice > divisor || (twice === divisor && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/** Σ amount × probability %, rounded once at the end like the server's weightedAmount. */
export function weightedAmount(deals: ReadonlyArray<{ amount: string; probability: number }>): string {
  const hundredths = deals.reduce((sum, d) => sum + toCents(d.amount) * BigInt(d.probability), 0n);
  return fromCents(divideHalfEven(hundredths, 100n));
}

/**
 * What someone typed as an amount, as the API's Decimal ("12,000.5" → "12000.5");
 * null when it is not a plain non-negative number with at most two decimals.
 */
export function normalizeAmount(raw: string): string | null {
  const compact = raw.replace(/[\s,，_']/g, '');
  return /^\d{1,13}(\.\d{1,2})?$/.test(compact) ? compact : null;
}

/** A quantity (up to three decimals, more than zero), or null. */
export function normalizeQuantity(raw: string): string | null {
  const compact = raw.replace(/[\s,，]/g, '');
  return /^\d{1,9}(\.\d{1,3})?$/.test(compact) && Number(compact) > 0 ? compact : null;
}

/** Lines' total as the server computes it: each line rounded to the cent (half even), then summed. */
export function linesTotal(lines: ReadonlyArray<{ quantity: string; unitPrice: string }>): string {
  const thousandths = (q: string) => {
    const [whole = '0', fraction = ''] = q.split('.');
    return BigInt(whole || '0') * 1000n + BigInt((fraction + '000').slice(0, 3));
  };
  const cents = lines.reduce((sum, line) => sum + divideHalfEven(thousandths(line.quantity) * toCents(line.unitPrice), 1000n), 0n);
  return fromCents(cents);
}

/**
 * A currency amount in the UI language. Whole amounts drop the ".00" (cards stay
 * short); `compact` gives "¥1.2M" / "¥120万" for tight column headers.
 */
export function formatMoney(amount: string | number, currency: string, locale: UiLocale, compact = false): string {
  const value = typeof amount === 'number' ? amount : Number(amount);
  const whole = Number.isInteger(value);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    notation: compact ? 'compact' : 'standard',
    minimumFractionDigits: compact || whole ? 0 : 2,
    maximumFractionDigits: compact ? 1 : 2,
  }).format(value);
}
