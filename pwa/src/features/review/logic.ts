// The review queue's pure parts: where a refusal's messages go, and the queue after a decision.
import type { MapVisit, ReviewDecision } from '@/features/map/documents';
import type { FieldError } from '@/graphql/types';

/** How many flagged visits one load shows (the API caps the list; the oldest come first). */
export const QUEUE_SIZE = 50;

export interface PlacedErrors {
  /** Shown under the note field. */
  note: FieldError[];
  /** Shown above the buttons: the visit, the decision, or no field at all. */
  general: FieldError[];
}

/** `input.note` and `note` both belong to the note field; everything else to the whole item. */
export function placeErrors(errors: readonly FieldError[]): PlacedErrors {
  const placed: PlacedErrors = { note: [], general: [] };
  for (const error of errors) {
    const last = error.field?.split('.').pop();
    (last === 'note' ? placed.note : placed.general).push(error);
  }
  return placed;
}

/** The queue once a visit is decided: it leaves, the others keep their order. */
export function withoutVisit<T extends Pick<MapVisit, 'id'>>(queue: readonly T[], visitId: string): T[] {
  return queue.filter((v) => v.id !== visitId);
}

// DECIDED: the other decision was taken (by me elsewhere or another manager); NOT_FLAGGED: it is no
// longer waiting; NOT_FOUND: out of my reach now. CONFLICT as the contract first named it.
const STALE_CODES: ReadonlySet<string> = new Set(['DECIDED', 'NOT_FLAGGED', 'NOT_FOUND', 'CONFLICT']);

/** Whether a refusal means the visit is no longer mine to decide (the item is stale, not wrong). */
export function decidedElsewhere(errors: readonly FieldError[]): boolean {
  return errors.some((e) => STALE_CODES.has(e.code));
}

export function decisionStatus(decision: ReviewDecision): MapVisit['status'] {
  return decision === 'APPROVE' ? 'APPROVED' : 'REJECTED';
}
