// The pipeline screens' side of the outbox: recording a move, an edit or an activity
// (saved on the phone first, sent by offline/sync.ts), and showing the rep's queued
// writes over what the server last said, so a card moves and a field changes at once.
import { placeDeal } from '@/features/pipeline/logic';
import type { ActivityKind, ActivityOutcome, Deal, DealDetail, PipelineColumn, Stage } from '@/graphql/types';
import type { DealChanges, DealRef, OutboxItem } from '@/offline/db';
import { dependencyFor, isDealWrite, sameDeal, writesFor, type DealWrite } from '@/offline/deals';
import { enqueue, listOutbox } from '@/offline/outbox';
import { newClientId } from '@/ui/ids';

export type SyncMark = 'waiting' | 'conflict';
type Activity = DealDetail['activities'][number];
/** An activity as the deal page lists it, with the clientId that ties it to its queued write. */
export type ShownActivity = Activity & { clientId?: string; sync?: SyncMark };

/** A deal known to the server: its id is its reference. */
export function refOf(deal: Pick<Deal, 'id'>): DealRef {
  return { dealId: deal.id, dealClientId: null };
}

// ---------------------------------------------------------------- pure: what the rep sees

/** `deal` with the rep's pending moves and edits applied, in the order recorded (refused ones are not applied). */
export function overlayDeal(deal: Deal, items: readonly OutboxItem[]): Deal {
  let shown = deal;
  for (const item of writesFor(items, refOf(deal))) {
    if (item.state !== 'pending') continue;
    if (item.kind === 'moveDeal') {
      const { stage, reason } = item.payload;
      const closed = stage.outcome !== 'OPEN';
      shown = {
        ...shown,
        stage: { ...stage },
        probability: stage.probability,
        status: stage.outcome,
        closeReason: closed ? reason : '',
        closedAt: closed ? item.recordedAt : null,
      };
    } else if (item.kind === 'updateDeal') {
      shown = { ...shown, ...item.payload.changes };
    }
  }
  return shown;
}

/** Whether the rep has something about this deal still on the phone: waiting, or refused (which wins). */
export function markOf(deal: Pick<Deal, 'id'>, items: readonly OutboxItem[]): SyncMark | null {
  const writes = writesFor(items, refOf(deal));
  if (writes.some((i) => i.state === 'conflict')) return 'conflict';
  return writes.length ? 'waiting' : null;
}

/** The board with every deal shown as the rep left it (moved cards in their new columns). */
export function overlayBoard(columns: readonly PipelineColumn[], items: readonly OutboxItem[]): PipelineColumn[] {
  const touched = new Set(items.filter(isDealWrite).map((i) => (i.kind === 'createDeal' ? null : i.payload.dealId)));
  let board = [...columns];
  for (const column of columns) {
    for (const deal of column.deals) {
      if (!touched.has(deal.id)) continue;
      const shown = overlayDeal(deal, items);
      // A stage the board does not show (retired meanwhile): the card stays where the server has it.
      if (shown !== deal && board.some((c) => c.stage.id === shown.stage.id)) board = placeDeal(board, shown);
    }
  }
  return board;
}

/** Activities logged on the phone and not yet accepted, newest first, above the server's. */
export function withQueuedActivities(activities: readonly Activity[], items: readonly OutboxItem[], deal: Pick<Deal, 'id'>, me: { name: string }): ShownActivity[] {
  const queued: ShownActivity[] = writesFor(items, refOf(deal))
    .filter((i): i is Extract<DealWrite, { kind: 'logActivity' }> => i.kind === 'logActivity')
    .map((i): ShownActivity => ({
      id: `local:${i.clientId}`,
      clientId: i.clientId,
      kind: i.payload.kind,
      outcome: i.payload.outcome,
      note: i.payload.note,
      occurredAt: i.payload.occurredAt,
      user: { name: me.name },
      sync: i.state === 'conflict' ? 'conflict' : 'waiting',
    }))
    .reverse();
  return [...queued, ...activities];
}

// ---------------------------------------------------------------- recording

/** Fields' changes as the rep typed them, in the words of the sync screen. */
export function changedFields(changes: DealChanges): string[] {
  return Object.keys(changes);
}

async function record<K extends 'moveDeal' | 'updateDeal' | 'logActivity'>(
  userId: string,
  kind: K,
  ref: DealRef,
  label: string,
  payload: (dependsOn: string | null) => Parameters<typeof enqueue<K>>[0]['payload'],
) {
  const items = await listOutbox(userId);
  const dependsOn = dependencyFor(items, ref, kind);
  const clientId = newClientId();
  return enqueue<K>({ kind, clientId, userId, dependsOn, label, payload: payload(dependsOn) });
}

/**
 * Queues a stage move. `deal.version` is the version on screen; when the rep's earlier
 * change of this deal is still queued, the sync rebases it on that change's outcome.
 */
export function recordMove(userId: string, deal: Pick<Deal, 'id' | 'version' | 'title'>, stage: Stage, reason: string) {
  const ref = refOf(deal);
  return record(userId, 'moveDeal', ref, deal.title, () => ({
    ...ref,
    version: deal.version,
    stage: { id: stage.id, key: stage.key, name: stage.name, probability: stage.probability, outcome: stage.outcome },
    reason,
  }));
}

export function recordEdit(userId: string, deal: Pick<Deal, 'id' | 'version' | 'title'>, changes: DealChanges) {
  const ref = refOf(deal);
  return record(userId, 'updateDeal', ref, deal.title, () => ({ ...ref, version: deal.version, changes }));
}

export function recordActivity(
  userId: string,
  deal: Pick<Deal, 'id' | 'title'>,
  activity: { kind: ActivityKind; outcome: ActivityOutcome; note: string },
  now: Date = new Date(),
) {
  const ref = refOf(deal);
  return record(userId, 'logActivity', ref, deal.title, () => ({ ...ref, ...activity, occurredAt: now.toISOString() }));
}

/** Whether a write of the outbox is about `deal` (for a screen's onSynced and onRefused listeners). */
export function isAbout(item: OutboxItem, deal: Pick<Deal, 'id'>): boolean {
  return isDealWrite(item) && item.kind !== 'createDeal' && sameDeal({ dealId: item.payload.dealId, dealClientId: item.payload.dealClientId }, refOf(deal));
}
