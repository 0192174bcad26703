import type { Celebration } from '@/graphql/types';
import { formatNumber, t } from '@/i18n';

/**
 * Our own sentence for the kinds we know, so it follows the language switch at once;
 * the server's localized message for kinds this build does not know yet.
 */
export function celebrationText(c: Celebration): string {
  if (c.kind === 'OVERTAKE' && c.otherUser) {
    return t('celebration.overtake', { name: c.user.name, other: c.otherUser.name });
  }
  if (c.kind === 'BADGE' && c.subject) {
    return t('celebration.badge', { name: c.user.name, badge: c.subject });
  }
  if (c.kind === 'CONTEST' && c.subject) {
    return t('celebration.contest', { name: c.user.name, prize: c.subject });
  }
  if (c.kind === 'MILESTONE') {
    return t('celebration.milestone', { name: c.user.name, threshold: formatNumber(c.threshold ?? c.points) });
  }
  return c.message.trim() || t('celebration.milestone', { name: c.user.name, threshold: formatNumber(c.points) });
}

/** Newest first, each celebration once (a reconnect re-sends recent ones). */
export function mergeCelebrations(
  existing: readonly Celebration[],
  incoming: readonly Celebration[],
  limit: number,
): Celebration[] {
  const byId = new Map<string, Celebration>();
  for (const c of [...incoming, ...existing]) if (!byId.has(c.id)) byId.set(c.id, c);
  return [...byId.values()]
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
    .slice(0, limit);
}

/**
 * Celebrations waiting for the TV's full-screen overlay, shown one at a time in
 * arrival order. A celebration is shown once even if the server re-sends it
 * after a reconnect, and old ones (caught up after hours offline) are skipped:
 * a wall screen replaying yesterday's news would be noise.
 */
export class CelebrationQueue {
  private readonly seen = new Set<string>();
  private readonly waiting: Celebration[] = [];

  constructor(
    private readonly maxAgeMs = 10 * 60_000,
    private readonly capacity = 20,
    /** Ids remembered against re-sends; a TV runs for weeks, so the oldest are forgotten. */
    private readonly memory = 500,
  ) {}

  /** True when `c` was queued. */
  push(c: Celebration, now: number = Date.now()): boolean {
    if (this.seen.has(c.id)) return false;
    this.seen.add(c.id);
    // A Set iterates in insertion order: the first id is the oldest.
    if (this.seen.size > this.memory) this.seen.delete(this.seen.values().next().value as string);
    const created = Date.parse(c.createdAt);
    if (Number.isFinite(created) && now - created > this.maxAgeMs) return false;
    if (this.waiting.length >= this.capacity) this.waiting.shift();
    this.waiting.push(c);
    return true;
  }

  /** Already queued or shown (within memory). */
  has(id: string): boolean {
    return this.seen.has(id);
  }

  shift(): Celebration | undefined {
    return this.waiting.shift();
  }

  get size(): number {
    return this.waiting.length;
  }
}
