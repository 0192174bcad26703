// The pipeline's writes in the outbox: which deal each is for, what it waits for, and
// what the server's answer changes in the writes queued behind it. A deal's writes go
// in recorded order anyway; each also depends on the rep's previous write of the same
// deal, so a refused one holds the rest (they were based on it) until the rep decides.
import type { DealSuccess } from '@/graphql/types';
import type { DealRef, OutboxItem, Tx } from '@/offline/db';

export type DealWriteKind = 'createDeal' | 'moveDeal' | 'updateDeal' | 'logActivity';
export type DealWrite = Extract<OutboxItem, { kind: DealWriteKind }>;
/** The writes that change the deal itself (and so its version). */
const VERSIONED = new Set<OutboxItem['kind']>(['createDeal', 'moveDeal', 'updateDeal']);

export function isDealWrite(item: OutboxItem): item is DealWrite {
  return item.kind === 'createDeal' || item.kind === 'moveDeal' || item.kind === 'updateDeal' || item.kind === 'logActivity';
}

/** The deal `item` is about; a createDeal names the deal it opens (no server id yet). */
export function dealRefOf(item: OutboxItem): DealRef | null {
  if (item.kind === 'createDeal') return { dealId: null, dealClientId: item.clientId };
  if (item.kind === 'moveDeal' || item.kind === 'updateDeal' || item.kind === 'logActivity') {
    return { dealId: item.payload.dealId, dealClientId: item.payload.dealClientId };
  }
  return null;
}

/** Same deal: the same server id, or opened by the same createDeal. */
export function sameDeal(a: DealRef, b: DealRef): boolean {
  return (a.dealId !== null && a.dealId === b.dealId) || (a.dealClientId !== null && a.dealClientId === b.dealClientId);
}

/** The writes queued for `ref` (pending or refused), in order. */
export function writesFor(items: readonly OutboxItem[], ref: DealRef): DealWrite[] {
  return items.filter((i): i is DealWrite => isDealWrite(i) && sameDeal(dealRefOf(i)!, ref)).sort((a, b) => a.seq - b.seq);
}

/**
 * What a new write of `ref` depends on: the rep's latest queued change of that deal
 * (its create, move or edit). An activity depends only on the deal's create, when the
 * deal is not yet on the server: it is not based on the deal's fields.
 */
export function dependencyFor(items: readonly OutboxItem[], ref: DealRef, kind: DealWriteKind): string | null {
  const queued = writesFor(items, ref).filter((i) => VERSIONED.has(i.kind));
  if (kind === 'logActivity') return queued.find((i) => i.kind === 'createDeal')?.clientId ?? null;
  return queued[queued.length - 1]?.clientId ?? null;
}

/** The version the server gave the deal by accepting `item` (a replay made the same change once). */
function producedVersion(item: DealWrite, result: DealSuccess): number {
  if (!result.replayed) return result.deal.version;
  if (item.kind === 'createDeal') return 1;
  if (item.kind === 'moveDeal' || item.kind === 'updateDeal') return item.payload.version + 1;
  return result.deal.version;
}

/**
 * Written in the transaction that takes an accepted deal write out of the outbox:
 * writes of a deal opened on the phone learn its server id, and the change queued
 * right behind this one is rebased on the version this one produced (it was recorded
 * on top of it, so that is the version it means).
 */
export async function applyDealResultIn(tx: Tx, item: OutboxItem, result: unknown): Promise<void> {
  if (!isDealWrite(item) || item.kind === 'logActivity') return;
  const success = result as DealSuccess;
  const ref = dealRefOf(item)!;
  const version = producedVersion(item, success);
  const store = tx.store('outbox');
  for (const other of await store.getAllFrom('userId', item.userId)) {
    if (other.seq === item.seq || !isDealWrite(other) || other.kind === 'createDeal') continue;
    if (!sameDeal(dealRefOf(other)!, ref)) continue;
    let payload = other.payload;
    if (payload.dealId === null) payload = { ...payload, dealId: success.deal.id };
    if (other.dependsOn === item.clientId && (other.kind === 'moveDeal' || other.kind === 'updateDeal')) {
      payload = { ...payload, version } as typeof payload;
    }
    if (payload !== other.payload) await store.put({ ...other, payload } as OutboxItem);
  }
}

/** A refusal the rep can answer with "apply mine again": the deal changed or moved meanwhile. */
export function isStale(item: OutboxItem): boolean {
  return (item.kind === 'moveDeal' || item.kind === 'updateDeal') && item.state === 'conflict' && item.errors.some((e) => e.code === 'CONFLICT');
}
