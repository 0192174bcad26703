import type { VisitFlag } from '@/features/visit/documents';
import type { Customer } from '@/graphql/types';
import type { MessageKey } from '@/i18n';
import type { OutboxItem } from '@/offline/db';

// The pure part of a field visit: geofence display, position errors, distances
// computed on the phone (so chips work offline), photo sizes, the visit's sync state.

export const NOTE_MAX = 2000;
/** Long side of a picture as uploaded; larger ones are scaled down on the phone. */
export const PHOTO_MAX_SIDE = 1600;
export const PHOTO_QUALITY = 0.82;
/** A picture already this small (and within PHOTO_MAX_SIDE) is sent as it is. */
export const PHOTO_KEEP_BYTES = 600_000;
export const THUMB_SIDE = 240;
/** Beyond this, accuracy is poor (the server flags POOR_ACCURACY by its own setting). */
export const POOR_ACCURACY_METERS = 100;

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

export interface Fix {
  latitude: number;
  longitude: number;
  accuracy: number;
  /** The fix's own time (GeolocationPosition.timestamp), ms since epoch. */
  at?: number;
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine), like the server's. */
export function distanceMeters(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Metres from `at` to the customer; null while the customer has no position (its first check-in sets it). */
export function distanceTo(at: { latitude: number; longitude: number }, customer: { latitude: number | null; longitude: number | null }): number | null {
  if (customer.latitude === null || customer.longitude === null) return null;
  return distanceMeters(at, { latitude: customer.latitude, longitude: customer.longitude });
}

/** The customer with its distance from `fix` (null without a fix, or without a customer position). */
export function withDistance<C extends { latitude: number | null; longitude: number | null }>(
  customer: C,
  fix: Fix | null,
): C & { distanceMeters: number | null } {
  return { ...customer, distanceMeters: fix ? distanceTo(fix, customer) : null };
}

/** Customers whose name or address contains `term` (any case), for searching the cached list offline. */
export function matchesSearch(customer: { name: string; address: string }, term: string): boolean {
  const needle = term.trim().toLocaleLowerCase();
  if (!needle) return true;
  return customer.name.toLocaleLowerCase().includes(needle) || customer.address.toLocaleLowerCase().includes(needle);
}

/** The size to draw a `width`×`height` picture at so its long side is at most `max`; never enlarged. */
export function fitWithin(width: number, height: number, max: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= max) return { width, height };
  const scale = max / long;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Whether a picture can be sent as it is: small in pixels and bytes, and a type the server takes. */
export function keepOriginal(file: { size: number; type: string }, width: number, height: number): boolean {
  return (
    Math.max(width, height) <= PHOTO_MAX_SIDE &&
    file.size <= PHOTO_KEEP_BYTES &&
    ['image/jpeg', 'image/png', 'image/webp'].includes(file.type)
  );
}

/** "4:05", "1:02:03": time in the visit so far. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}

export const FLAG_TEXT: Record<VisitFlag, MessageKey> = {
  OUTSIDE_GEOFENCE: 'field.flag.OUTSIDE_GEOFENCE',
  POOR_ACCURACY: 'field.flag.POOR_ACCURACY',
  IMPOSSIBLE_SPEED: 'field.flag.IMPOSSIBLE_SPEED',
  CLOCK_MISMATCH: 'field.flag.CLOCK_MISMATCH',
  NO_CUSTOMER_POSITION: 'field.flag.NO_CUSTOMER_POSITION',
  LEFT_OPEN: 'field.flag.LEFT_OPEN',
};

export type VisitSyncState = 'waiting' | 'conflict' | 'synced';

/**
 * Where a visit stands: a conflict when any of its writes was refused; waiting
 * while any is still on the phone; synced once all of them were accepted.
 */
export function visitSyncState(visitClientId: string, items: Pick<OutboxItem, 'clientId' | 'dependsOn' | 'state'>[]): VisitSyncState {
  const mine = items.filter((i) => i.clientId === visitClientId || i.dependsOn === visitClientId);
  if (mine.some((i) => i.state === 'conflict')) return 'conflict';
  return mine.length > 0 ? 'waiting' : 'synced';
}
