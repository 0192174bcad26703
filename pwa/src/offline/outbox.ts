// The outbox: every write a rep records is stored here first, with its clientId,
// and leaves only when the server has answered it (sync.ts sends). Nothing in it
// expires: a write the server refuses stays as a conflict until the rep retries,
// edits or discards it.
import {
  transaction,
  type OutboxItem,
  type OutboxItemOfKind,
  type OutboxKind,
  type OutboxPayloads,
  type Tx,
} from '@/offline/db';
import { forgetVisitIn, type CheckInSuccess, type CheckOutSuccess } from '@/offline/visits';
import type { AddCustomerResult, PhotoUploadResult } from '@/features/visit/documents';
import type { ActivitySuccess } from '@/features/pipeline/sync-documents';
import type { DealSuccess } from '@/graphql/types';

export type { OutboxItem, OutboxKind } from '@/offline/db';

export interface NewOutboxItem<K extends OutboxKind> {
  kind: K;
  clientId: string;
  userId: string;
  dependsOn?: string | null;
  payload: OutboxPayloads[K];
  label?: string;
  recordedAt?: string;
}

export interface OutboxSummary {
  /** Everything not yet accepted by the server: the badge's count. */
  total: number;
  /** Waiting their turn (including those held behind a conflict). */
  pending: number;
  /** Refused by the server, waiting for the rep. */
  conflicts: number;
  /** Pending items that wait for a conflict to be resolved. */
  held: number;
}

type Listener = (summary: OutboxSummary) => void;

let owner: string | null = null;
const changeListeners = new Set<Listener>();
const writeListeners = new Set<() => void>();

/** Whose writes the summary counts and the sync sends (the signed-in user). */
export function setOutboxOwner(userId: string | null): void {
  owner = userId;
  void notifyChange();
}

export function outboxOwner(): string | null {
  return owner;
}

// ---------------------------------------------------------------- pure rules

/**
 * Items in order, with their fate this round: the first `send` is the one to send
 * now; `held` ones wait behind a conflict they depend on (directly or through a
 * held one); the rest wait their turn. Conflicts hold only what depends on them.
 */
export function planSync(items: OutboxItem[]): { next: OutboxItem | null; held: Set<number> } {
  const blocked = new Set<string>();
  const held = new Set<number>();
  let next: OutboxItem | null = null;
  for (const item of [...items].sort((a, b) => a.seq - b.seq)) {
    if (item.state === 'conflict') {
      blocked.add(item.clientId);
    } else if (item.dependsOn !== null && blocked.has(item.dependsOn)) {
      blocked.add(item.clientId);
      held.add(item.seq);
    } else {
      next ??= item;
    }
  }
  return { next, held };
}

export function summarize(items: OutboxItem[]): OutboxSummary {
  const { held } = planSync(items);
  const conflicts = items.filter((i) => i.state === 'conflict').length;
  return { total: items.length, pending: items.length - conflicts, conflicts, held: held.size };
}

/** The items that go with `item` when it is discarded: those depending on it, transitively. */
export function dependentsOf(item: OutboxItem, items: OutboxItem[]): OutboxItem[] {
  const gone = new Set([item.clientId]);
  const out: OutboxItem[] = [];
  for (const other of [...items].sort((a, b) => a.seq - b.seq)) {
    if (other.seq !== item.seq && other.dependsOn !== null && gone.has(other.dependsOn)) {
      gone.add(other.clientId);
      out.push(other);
    }
  }
  return out;
}

// ---------------------------------------------------------------- reading

export async function listOutbox(userId: string | null = owner): Promise<OutboxItem[]> {
  if (userId === null) return [];
  const items = await transaction(['outbox'], 'readonly', (tx) => tx.store('outbox').getAllFrom('userId', userId));
  return items.sort((a, b) => a.seq - b.seq);
}

export async function outboxSummary(userId: string | null = owner): Promise<OutboxSummary> {
  return summarize(await listOutbox(userId));
}

/** Whether the write with this clientId is still on the phone (not yet accepted by the server). */
export async function isQueued(clientId: string): Promise<boolean> {
  const item = await transaction(['outbox'], 'readonly', (tx) => tx.store('outbox').getFrom('clientId', clientId));
  return item !== undefined;
}

/** Called now with the current summary, then after every change. */
export function onOutboxChange(fn: Listener): () => void {
  changeListeners.add(fn);
  void outboxSummary().then(
    (summary) => changeListeners.has(fn) && fn(summary),
    () => undefined,
  );
  return () => changeListeners.delete(fn);
}

/** For the sync loop: something was written that may be sendable now. */
export function onOutboxWrite(fn: () => void): () => void {
  writeListeners.add(fn);
  return () => writeListeners.delete(fn);
}

export async function notifyChange(): Promise<void> {
  if (changeListeners.size === 0) return;
  let summary: OutboxSummary;
  try {
    summary = await outboxSummary();
  } catch {
    return;
  }
  changeListeners.forEach((fn) => fn(summary));
}

function written(): void {
  void notifyChange();
  writeListeners.forEach((fn) => fn());
}

// ---------------------------------------------------------------- writing

/**
 * Stores a write, then lets the sync send it. `alongside` runs in the same
 * transaction (the visit record of a check-in), so the two exist together or not at all.
 */
export async function enqueue<K extends OutboxKind>(
  entry: NewOutboxItem<K>,
  alongside?: (tx: Tx) => Promise<void>,
): Promise<OutboxItemOfKind<K>> {
  const item = {
    kind: entry.kind,
    clientId: entry.clientId,
    userId: entry.userId,
    dependsOn: entry.dependsOn ?? null,
    payload: entry.payload,
    label: entry.label ?? '',
    recordedAt: entry.recordedAt ?? new Date().toISOString(),
    state: 'pending' as const,
    errors: [],
    attempts: 0,
    lastAttemptAt: null,
  };
  const seq = await transaction(['outbox', 'visits', 'cache'], 'readwrite', async (tx) => {
    const key = await tx.store('outbox').add(item as Omit<OutboxItem, 'seq'>);
    if (alongside) await alongside(tx);
    return key;
  });
  written();
  return { ...item, seq } as OutboxItemOfKind<K>;
}

async function change(seq: number, edit: (item: OutboxItem) => OutboxItem): Promise<OutboxItem | null> {
  const updated = await transaction(['outbox'], 'readwrite', async (tx) => {
    const store = tx.store('outbox');
    const item = await store.get(seq);
    if (!item) return null;
    const next = edit(item);
    await store.put(next);
    return next;
  });
  written();
  return updated;
}

/** Sends a conflict again as it is (the server may accept it now, e.g. after a fix there). */
export function retry(seq: number): Promise<OutboxItem | null> {
  return change(seq, (item) => ({ ...item, state: 'pending', errors: [], attempts: 0 }));
}

/** Resolves a conflict by editing what is sent (another customer, say); it is sent again, same clientId. */
export function updatePayload<K extends OutboxKind>(
  seq: number,
  payload: OutboxPayloads[K],
  label?: string,
): Promise<OutboxItem | null> {
  return change(seq, (item) => ({
    ...item,
    payload,
    label: label ?? item.label,
    state: 'pending',
    errors: [],
    attempts: 0,
  }) as OutboxItem);
}

/**
 * "Keep theirs": removes this one write only (a change the server refused as stale).
 * What was queued behind it now waits for what it waited for; it is sent as recorded,
 * so if it was stale too the server says so and the rep decides again.
 */
export async function dropOne(seq: number): Promise<OutboxItem | null> {
  const removed = await transaction(['outbox'], 'readwrite', async (tx) => {
    const store = tx.store('outbox');
    const item = await store.get(seq);
    if (!item) return null;
    for (const other of await store.getAllFrom('userId', item.userId)) {
      if (other.dependsOn === item.clientId) await store.put({ ...other, dependsOn: item.dependsOn });
    }
    await store.delete(seq);
    return item;
  });
  written();
  return removed;
}

/**
 * Removes a write and every write that depends on it (a check-in takes its photos
 * and check-out, and the phone's record of that visit). Returns what was removed.
 */
export async function discard(seq: number): Promise<OutboxItem[]> {
  const removed = await transaction(['outbox', 'visits'], 'readwrite', async (tx) => {
    const store = tx.store('outbox');
    const item = await store.get(seq);
    if (!item) return [];
    const all = await store.getAllFrom('userId', item.userId);
    const gone = [item, ...dependentsOf(item, all)];
    for (const each of gone) await store.delete(each.seq);
    if (item.kind === 'checkIn') await forgetVisitIn(tx, item.clientId);
    return gone;
  });
  written();
  return removed;
}

// ---------------------------------------------------------------- results

/** What the server answered for each kind, as sync.ts hands it over. */
export interface SyncedResults {
  checkIn: CheckInSuccess;
  photo: PhotoUploadResult;
  checkOut: CheckOutSuccess;
  createDeal: DealSuccess;
  moveDeal: DealSuccess;
  updateDeal: DealSuccess;
  logActivity: ActivitySuccess;
  addCustomer: Extract<AddCustomerResult, { __typename: 'AddCustomerSuccess' }>;
}

type SyncedListener<K extends OutboxKind> = (result: SyncedResults[K], item: OutboxItemOfKind<K>) => void;
const syncedListeners: { [K in OutboxKind]: Set<SyncedListener<K>> } = {
  checkIn: new Set(),
  photo: new Set(),
  checkOut: new Set(),
  createDeal: new Set(),
  moveDeal: new Set(),
  updateDeal: new Set(),
  logActivity: new Set(),
  addCustomer: new Set(),
};

/** The server's answer for each write of `kind` once it is accepted (a replay's answer is the first one). */
export function onSynced<K extends OutboxKind>(kind: K, fn: SyncedListener<K>): () => void {
  const set = syncedListeners[kind] as Set<SyncedListener<K>>;
  set.add(fn);
  return () => set.delete(fn);
}

export function emitSynced<K extends OutboxKind>(item: OutboxItemOfKind<K>, result: SyncedResults[K]): void {
  (syncedListeners[item.kind] as Set<SyncedListener<K>>).forEach((fn) => fn(result, item));
}

type RefusedListener = (item: OutboxItem) => void;
const refusedListeners = new Set<RefusedListener>();

/** A write the server refused (now a conflict on /sync), for the screen that recorded it to say so in place. */
export function onRefused(fn: RefusedListener): () => void {
  refusedListeners.add(fn);
  return () => refusedListeners.delete(fn);
}

export function emitRefused(item: OutboxItem): void {
  refusedListeners.forEach((fn) => fn(item));
}
