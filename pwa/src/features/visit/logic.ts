import type { Customer, LogVisitInput } from '@/graphql/types';

// The pure part of logging a visit: geofence display, position errors, and the
// attempt that makes a retry safe.

export const NOTE_MAX = 2000;

export type GeofenceStatus = 'inside' | 'outside' | 'unknown';

/** Inside when the distance is within the radius (the server decides points the same way). */
export function geofenceStatus(customer: Pick<Customer, 'distanceMeters' | 'geofenceRadiusMeters'>): GeofenceStatus {
  if (customer.distanceMeters === null || customer.distanceMeters === undefined) return 'unknown';
  return customer.distanceMeters <= customer.geofenceRadiusMeters ? 'inside' : 'outside';
}

/** "±12 m": whole metres, never "±0". */
export function accuracyMeters(accuracy: number): number {
  return Math.max(1, Math.round(accuracy));
}

export type LocationProblem = 'denied' | 'unavailable' | 'timeout' | 'unsupported';

/** GeolocationPositionError codes: 1 denied, 2 unavailable, 3 timeout. */
export function locationProblem(code: number): LocationProblem {
  if (code === 1) return 'denied';
  if (code === 3) return 'timeout';
  return 'unavailable';
}

/** Characters as the server counts them (code points, so an emoji is one). */
export function noteLength(note: string): number {
  return [...note].length;
}

export interface VisitForm {
  customerId: string;
  note: string;
}

export interface Fix {
  latitude: number;
  longitude: number;
  accuracy: number;
}

/**
 * One visit attempt: its input (clientId, time, position) is fixed on the first
 * submit and re-sent unchanged on every retry after a network failure, so the
 * server sees the same clientId and never records the visit twice. Editing the
 * form makes it a different visit; an answer from the server ends the attempt.
 */
export class VisitAttempt {
  private pending: LogVisitInput | null = null;

  constructor(
    private readonly newId: () => string = () => crypto.randomUUID(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The input to send for `form`: the pending one when this is a retry of it. */
  prepare(form: VisitForm, fix: Fix): LogVisitInput {
    const pending = this.pending;
    if (pending && pending.customerId === form.customerId && pending.note === form.note) return pending;
    this.pending = {
      clientId: this.newId(),
      customerId: form.customerId,
      latitude: fix.latitude,
      longitude: fix.longitude,
      accuracyMeters: fix.accuracy,
      occurredAt: this.now().toISOString(),
      note: form.note,
    };
    return this.pending;
  }

  /** Whether a send of `form` would be a retry of the unanswered attempt. */
  isRetry(form: VisitForm): boolean {
    return this.pending !== null && this.pending.customerId === form.customerId && this.pending.note === form.note;
  }

  /** The server answered (saved, or rejected the input): the next submit is a new visit. */
  settle(): void {
    this.pending = null;
  }
}
