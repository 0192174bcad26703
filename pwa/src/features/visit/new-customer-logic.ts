// The pure part of adding a customer in the field: the server's limits mirrored on the
// phone (so an offline save is refused here, not hours later), the form turned into the
// outbox payload, and which queued customers the plan shows as waiting to sync.
import type { AddCustomerInput, VisitCustomer } from '@/features/visit/documents';
import type { Fix } from '@/features/visit/logic';
import type { FieldError } from '@/graphql/types';
import type { OutboxItem, OutboxItemOfKind } from '@/offline/db';

/** backend/podium/customers/service.py: NAME_MAX, ADDRESS_MAX, TIERS, MIN/MAX_GEOFENCE_M. */
export const NAME_MAX = 200;
export const ADDRESS_MAX = 400;
export const TIERS = ['A', 'B', 'C'] as const;
export type Tier = (typeof TIERS)[number];
export const DEFAULT_TIER: Tier = 'C';
export const RADIUS_CHOICES = [100, 300, 500, 1000] as const;
export const DEFAULT_RADIUS = 300;
export const MIN_RADIUS = 50;
export const MAX_RADIUS = 5000;

export type CustomerField = 'name' | 'address' | 'tier' | 'geofenceRadiusMeters' | 'position';

export interface CustomerForm {
  name: string;
  address: string;
  tier: string;
  radius: number;
}

export type FormProblem =
  | { field: 'name'; code: 'REQUIRED' }
  | { field: 'name' | 'address'; code: 'TOO_LONG'; count: number; max: number }
  | { field: 'tier'; code: 'INVALID' }
  | { field: 'geofenceRadiusMeters'; code: 'OUT_OF_RANGE' }
  | { field: 'position'; code: 'REQUIRED' };

export type NewCustomerPayload = Omit<AddCustomerInput, 'clientId'>;

/** Runs of whitespace as one space, trimmed: the server's `" ".join(name.split())`. */
export function normalizeName(name: string): string {
  return name.split(/\s+/u).filter(Boolean).join(' ');
}

/** Characters as Python counts them (code points, so an emoji is one). */
export function charCount(text: string): number {
  return [...text].length;
}

/** The payload to queue, or every reason it can't be (all at once, in the form's order). */
export function customerInput(form: CustomerForm, fix: Fix | null): { ok: true; payload: NewCustomerPayload } | { ok: false; problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const name = normalizeName(form.name);
  const address = form.address.trim();
  if (!name) problems.push({ field: 'name', code: 'REQUIRED' });
  else if (charCount(name) > NAME_MAX) problems.push({ field: 'name', code: 'TOO_LONG', count: charCount(name), max: NAME_MAX });
  if (charCount(address) > ADDRESS_MAX) problems.push({ field: 'address', code: 'TOO_LONG', count: charCount(address), max: ADDRESS_MAX });
  if (!(TIERS as readonly string[]).includes(form.tier)) problems.push({ field: 'tier', code: 'INVALID' });
  if (!Number.isInteger(form.radius) || form.radius < MIN_RADIUS || form.radius > MAX_RADIUS) {
    problems.push({ field: 'geofenceRadiusMeters', code: 'OUT_OF_RANGE' });
  }
  const placed = fix !== null && Math.abs(fix.latitude) <= 90 && Math.abs(fix.longitude) <= 180;
  if (!placed) problems.push({ field: 'position', code: 'REQUIRED' });
  if (problems.length || !fix) return { ok: false, problems };
  return {
    ok: true,
    payload: {
      name,
      address,
      tier: form.tier as Tier,
      geofenceRadiusMeters: form.radius,
      latitude: fix.latitude,
      longitude: fix.longitude,
    },
  };
}

/** The form's field a server error belongs to (`input.name` and `name` alike); coordinates are the position. */
export function fieldOf(error: Pick<FieldError, 'field'>): CustomerField | null {
  const last = (error.field ?? '').split('.').pop() ?? '';
  if (last === 'latitude' || last === 'longitude') return 'position';
  if (last === 'name' || last === 'address' || last === 'tier' || last === 'geofenceRadiusMeters') return last;
  return null;
}

export type QueuedCustomer = OutboxItemOfKind<'addCustomer'>;

/** Customers recorded on this phone and not yet accepted, oldest first (the plan shows them on top). */
export function queuedCustomers(items: readonly OutboxItem[]): QueuedCustomer[] {
  return items.filter((i): i is QueuedCustomer => i.kind === 'addCustomer').sort((a, b) => a.seq - b.seq);
}

/** The server's customer as the visit screen keeps it (a check-in needs this id). */
export function asVisitCustomer(customer: VisitCustomer): VisitCustomer {
  const { id, name, address, latitude, longitude, geofenceRadiusMeters } = customer;
  return { id, name, address, latitude, longitude, geofenceRadiusMeters };
}
