import type { Leaderboard, LeaderboardEntry } from '@/graphql/types';

// The pure part of live boards: which frames to show, and how rows moved.

/** Identifies one board; a frame of another board (or period, or metric) is never "stale". */
export function boardKey(board: Pick<Leaderboard, 'period' | 'scope' | 'team' | 'periodKey' | 'metric'>): string {
  return `${board.metric}:${board.period}:${board.scope}:${board.team?.id ?? ''}:${board.periodKey}`;
}

/** Revenues from this size up are shortened on narrow rows (¥1.57M, ¥157万). */
const COMPACT_FROM = 100_000;

/**
 * Revenue in the org's currency: cents only when there are any (so a column of
 * round amounts stays short), compact where space is short and the sum is large.
 * Every amount of a board is in the org's one currency, so the narrow symbol
 * (¥, not CN¥) is unambiguous.
 */
export function formatRevenue(amount: string, currency: string, locale: string, compact = false): string {
  const value = Number(amount);
  const options: Intl.NumberFormatOptions =
    compact && Math.abs(value) >= COMPACT_FROM
      ? { notation: 'compact', maximumSignificantDigits: 3 }
      : Number.isInteger(value)
        ? { minimumFractionDigits: 0, maximumFractionDigits: 0 }
        : {};
  return new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol', ...options }).format(value);
}

/**
 * Keeps the newest frame of one subscription. Frames can arrive out of order
 * (coalescing, a snapshot racing a change), so an older version is dropped. A
 * new connection restarts the count: the server re-sends a full snapshot whose
 * version may be lower (restarted server), and that snapshot is the truth.
 */
export class BoardStream {
  private shown: { key: string; version: number; epoch: number } | null = null;
  board: Leaderboard | null = null;

  /** True when `frame` should replace what is shown. */
  accept(frame: Leaderboard, epoch: number): boolean {
    const key = boardKey(frame);
    const shown = this.shown;
    if (shown && shown.epoch === epoch && shown.key === key && frame.version <= shown.version) {
      return false;
    }
    this.shown = { key, version: frame.version, epoch };
    this.board = frame;
    return true;
  }
}

export interface RowChange {
  userId: string;
  /** Null when the user was not on the previous board (or within its limit). */
  fromRank: number | null;
  toRank: number;
  pointsDelta: number;
  /** The server says this user's points changed in this frame. */
  changed: boolean;
}

export interface BoardDiff {
  rows: RowChange[];
  removed: string[];
}

/** What happened to each row between two boards, keyed by user id. */
export function diffBoards(
  previous: readonly LeaderboardEntry[] | null,
  next: readonly LeaderboardEntry[],
  changedUserIds: readonly string[] = [],
): BoardDiff {
  const before = new Map((previous ?? []).map((e) => [e.user.id, e]));
  const changed = new Set(changedUserIds);
  const rows = next.map((entry) => {
    const old = before.get(entry.user.id);
    return {
      userId: entry.user.id,
      fromRank: old?.rank ?? null,
      toRank: entry.rank,
      pointsDelta: old ? entry.points - old.points : 0,
      changed: changed.has(entry.user.id),
    };
  });
  const nextIds = new Set(next.map((e) => e.user.id));
  const removed = [...before.keys()].filter((id) => !nextIds.has(id));
  return { rows, removed };
}

/** Rows that climbed, for the ▲ marker. */
export function climbed(change: RowChange): boolean {
  return change.fromRank !== null && change.toRank < change.fromRank;
}

/**
 * FLIP: how far each row must be shifted back to where it was, so it can then
 * glide to its new place. Rows that did not move, or are new, get nothing.
 */
export function flipOffsets(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Map<string, number> {
  const offsets = new Map<string, number>();
  for (const [id, top] of after) {
    const old = before.get(id);
    if (old === undefined) continue;
    const delta = Math.round(old - top);
    if (delta !== 0) offsets.set(id, delta);
  }
  return offsets;
}
