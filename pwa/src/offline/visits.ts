// The phone's record of the rep's visits: the open one survives a reload, and the
// server's outcome (points, flags) is written here in the same transaction that
// takes the write out of the outbox, so it is never lost between the two.
import type { CheckInResult, CheckOutResult, PhotoUploadResult } from '@/features/visit/documents';
import { transaction, type LocalVisit, type OutboxItem, type Tx } from '@/offline/db';

export type { LocalVisit, LocalPhoto, LocalFix } from '@/offline/db';
export type CheckInSuccess = Extract<CheckInResult, { __typename: 'CheckInSuccess' }>;
export type CheckOutSuccess = Extract<CheckOutResult, { __typename: 'CheckOutSuccess' }>;

/** Closed visits the server has seen are kept this long for the screen, then let go. */
const KEEP_CLOSED_MS = 7 * 24 * 3600_000;

const listeners = new Set<(visit: LocalVisit | null, clientId: string) => void>();

/** A visit record changed (recorded, outcome arrived, discarded: then `visit` is null). */
export function onVisitChange(fn: (visit: LocalVisit | null, clientId: string) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function visitChanged(visit: LocalVisit | null, clientId: string): void {
  listeners.forEach((fn) => fn(visit, clientId));
}

export async function putVisitIn(tx: Tx, visit: LocalVisit): Promise<void> {
  await tx.store('visits').put(visit);
}

export async function forgetVisitIn(tx: Tx, clientId: string): Promise<void> {
  await tx.store('visits').delete(clientId);
  queueMicrotask(() => visitChanged(null, clientId));
}

export async function getVisit(clientId: string): Promise<LocalVisit | null> {
  return (await transaction(['visits'], 'readonly', (tx) => tx.store('visits').get(clientId))) ?? null;
}

export async function saveVisit(visit: LocalVisit): Promise<void> {
  await transaction(['visits'], 'readwrite', (tx) => putVisitIn(tx, visit));
  visitChanged(visit, visit.clientId);
}

/** Edits a stored visit (the note as it is typed, say); nothing when it is gone. */
export async function updateVisit(clientId: string, edit: (visit: LocalVisit) => LocalVisit): Promise<LocalVisit | null> {
  const next = await transaction(['visits'], 'readwrite', async (tx) => {
    const visit = await tx.store('visits').get(clientId);
    if (!visit) return null;
    const updated = edit(visit);
    await tx.store('visits').put(updated);
    return updated;
  });
  if (next) visitChanged(next, clientId);
  return next;
}

export async function userVisits(userId: string): Promise<LocalVisit[]> {
  const visits = await transaction(['visits'], 'readonly', (tx) => tx.store('visits').getAllFrom('userId', userId));
  return visits.sort((a, b) => a.checkedInAt.localeCompare(b.checkedInAt));
}

/** The visit checked in on this phone and not yet out, if any (the latest, should there be two). */
export async function openVisit(userId: string): Promise<LocalVisit | null> {
  const open = (await userVisits(userId)).filter((v) => v.checkedOutAt === null);
  return open[open.length - 1] ?? null;
}

/** Lets go of closed visits the server answered more than a week ago. */
export async function pruneVisits(userId: string, now: Date = new Date()): Promise<void> {
  await transaction(['visits'], 'readwrite', async (tx) => {
    const store = tx.store('visits');
    for (const visit of await store.getAllFrom('userId', userId)) {
      const closedAt = visit.checkedOutAt ? Date.parse(visit.checkedOutAt) : NaN;
      if (visit.server?.checkedOutAt && now.getTime() - closedAt > KEEP_CLOSED_MS) await store.delete(visit.clientId);
    }
  });
}

/** Writes the server's answer for `item` into its visit (same transaction as the outbox delete). */
export async function applyResultIn(tx: Tx, item: OutboxItem, result: unknown): Promise<LocalVisit | null> {
  if (item.kind !== 'checkIn' && item.kind !== 'photo' && item.kind !== 'checkOut') return null;
  const visitClientId = item.kind === 'checkIn' ? item.clientId : item.dependsOn ?? visitOf(item);
  if (!visitClientId) return null;
  const store = tx.store('visits');
  const visit = await store.get(visitClientId);
  if (!visit) return null;
  let next: LocalVisit = visit;
  if (item.kind === 'checkIn') {
    const success = result as CheckInSuccess;
    next = { ...visit, server: success.visit, points: success.points };
  } else if (item.kind === 'checkOut') {
    const success = result as CheckOutSuccess;
    next = { ...visit, server: success.visit };
  } else {
    const { photo } = result as PhotoUploadResult;
    next = {
      ...visit,
      photos: visit.photos.map((p) => (p.clientId === photo.clientId ? { ...p, thumbUrl: photo.thumbUrl } : p)),
    };
  }
  await store.put(next);
  return next;
}

function visitOf(item: OutboxItem): string | null {
  if (item.kind === 'photo') return item.payload.visitClientId;
  if (item.kind === 'checkOut') return item.payload.visitClientId;
  return null;
}
