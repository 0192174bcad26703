// The rewards store's pure parts: what a balance affords, the form's numbers, and the
// one client id a redemption keeps across retries.
import type { Redemption, Reward, RewardsBalance } from '@/features/rewards/documents';

/** The API's limits, mirrored so the form refuses before sending. */
export const QUANTITY_MAX = 20;
export const NOTE_MAX = 500;
export const NAME_MAX = 80;
export const DESCRIPTION_MAX = 1000;

/** How many of a reward my balance and its stock allow now (0: none). */
export function affordable(reward: Pick<Reward, 'pointsPrice' | 'stock'>, available: number): number {
  if (reward.pointsPrice <= 0) return 0;
  const byPoints = Math.floor(Math.max(0, available) / reward.pointsPrice);
  const byStock = reward.stock === null ? QUANTITY_MAX : reward.stock;
  return Math.max(0, Math.min(byPoints, byStock, QUANTITY_MAX));
}

/** Points still missing for one unit (0 when affordable). */
export function shortfall(reward: Pick<Reward, 'pointsPrice'>, available: number): number {
  return Math.max(0, reward.pointsPrice - Math.max(0, available));
}

export function clampQuantity(value: number, max: number): number {
  if (!Number.isFinite(value)) return 1;
  return Math.min(Math.max(1, Math.round(value)), Math.max(1, max));
}

/** The balance once a new redemption is known (the server's answer is used when there is one). */
export function holdPoints(balance: RewardsBalance, points: number): RewardsBalance {
  return { ...balance, held: balance.held + points, available: balance.available - points };
}

/** My list with a redemption put first (or replaced where it was, on a replay). */
export function withRedemption(list: readonly Redemption[], redemption: Redemption): Redemption[] {
  const at = list.findIndex((r) => r.id === redemption.id);
  if (at >= 0) return list.map((r, i) => (i === at ? redemption : r));
  return [redemption, ...list];
}

/**
 * One id per redemption the rep means to make: kept while a send fails for lack of an
 * answer (the retry must be the same write), replaced once the server has answered.
 */
export class PendingWrite {
  private id: string | null = null;

  constructor(private readonly make: () => string = () => crypto.randomUUID()) {}

  get clientId(): string {
    this.id ??= this.make();
    return this.id;
  }

  /** The server answered (stored or refused): the next write is a new one. */
  settle(): void {
    this.id = null;
  }
}

/** A stock field: empty is unlimited (null); anything else a whole number or NaN. */
export function parseStock(raw: string): number | null {
  const text = raw.trim();
  if (text === '') return null;
  return /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
}

export function parsePrice(raw: string): number {
  const text = raw.trim();
  return /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
}

export interface RewardProblem {
  field: 'pointsPrice' | 'stock';
  code: 'INVALID';
}

/**
 * What cannot even be sent (not a whole number). Ranges, lengths and blanks are the
 * server's to judge: its typed errors name the limits in the user's language.
 */
export function unsendable(form: { price: number; stock: number | null }): RewardProblem[] {
  const problems: RewardProblem[] = [];
  if (Number.isNaN(form.price)) problems.push({ field: 'pointsPrice', code: 'INVALID' });
  if (form.stock !== null && Number.isNaN(form.stock)) problems.push({ field: 'stock', code: 'INVALID' });
  return problems;
}
