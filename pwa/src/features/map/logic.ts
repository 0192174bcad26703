// The map's pure parts: days in the org's zone, a colour per person, marker styles by
// status, bounds, and flags in words. No Leaflet and no DOM here (tested under node).
import type { MapVisit, PlanStop, VisitFlag, VisitPerson, VisitStatus } from '@/features/map/documents';
import type { MessageKey, Params } from '@/i18n';

// ---------------------------------------------------------------- days

const DAY_RE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A real calendar day "YYYY-MM-DD" (2026-02-30 is not). */
export function isDayKey(key: string | null | undefined): key is string {
  const match = key ? DAY_RE.exec(key) : null;
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.getUTCDate() === Number(match[3]);
}

/** The day `date` falls on in `zone` (the org's): visits are grouped by it. */
export function dayIn(date: Date, zone: string | undefined): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Calendar arithmetic on a day key; no zone can move it (a day is a day, DST or not). */
export function shiftDay(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- colours

/**
 * One colour per person on the manager's map: readable under white initials, far enough
 * apart to tell people apart, and none of them the status colours (green, amber, red).
 */
export const PERSON_PALETTE: readonly string[] = [
  '#475569', // slate
  '#0e7490', // cyan
  '#9333ea', // purple
  '#1e293b', // ink
  '#0f766e', // teal
  '#be185d', // pink
  '#1d4ed8', // blue
  '#4d7c0f', // olive
  '#7c2d12', // brown
  '#6d28d9', // violet
  '#0369a1', // sky
  '#a21caf', // fuchsia
];

/** FNV-1a: a person's id always lands on the same slot, whoever else is on the map. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    value ^= text.charCodeAt(i);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

export function personColor(personId: string): string {
  return PERSON_PALETTE[hash(personId) % PERSON_PALETTE.length]!;
}

/**
 * Colours for the people on one map: each keeps their own colour unless someone
 * earlier (by id) already has it, then takes the next free one; the same people
 * always get the same colours, in whatever order their visits arrive.
 */
export function personColors(personIds: Iterable<string>): Map<string, string> {
  const ids = [...new Set(personIds)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const taken = new Set<number>();
  const colors = new Map<string, string>();
  for (const id of ids) {
    let slot = hash(id) % PERSON_PALETTE.length;
    if (taken.size < PERSON_PALETTE.length) {
      while (taken.has(slot)) slot = (slot + 1) % PERSON_PALETTE.length;
    }
    taken.add(slot);
    colors.set(id, PERSON_PALETTE[slot]!);
  }
  return colors;
}

/** The people who appear in these visits, by name. */
export function peopleOf(visits: readonly Pick<MapVisit, 'person'>[]): VisitPerson[] {
  const people = new Map<string, VisitPerson>();
  for (const v of visits) people.set(v.person.id, v.person);
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
}

// ---------------------------------------------------------------- marker styles

/** What a visit's marker says at a glance; CSS draws each (`visit-marker is-<tone>`). */
export type VisitTone = 'ok' | 'flagged' | 'rejected' | 'open';

export function visitTone(visit: Pick<MapVisit, 'status' | 'checkedOutAt'>): VisitTone {
  if (visit.status === 'REJECTED') return 'rejected';
  if (visit.status === 'FLAGGED') return 'flagged';
  // Still on site: counted already, but not finished.
  if (visit.checkedOutAt === null) return 'open';
  return 'ok';
}

export const TONE_COLOR: Record<VisitTone, string> = {
  ok: '#059669',
  flagged: '#d97706',
  rejected: '#d1293d',
  open: '#4f46e5',
};

export const STATUS_KEY: Record<VisitStatus, MessageKey> = {
  VERIFIED: 'map.status.VERIFIED',
  APPROVED: 'map.status.APPROVED',
  FLAGGED: 'map.status.FLAGGED',
  REJECTED: 'map.status.REJECTED',
};

export type StopTone = 'visited' | 'at-risk' | 'planned';

export function stopTone(stop: Pick<PlanStop, 'atRisk' | 'visitedToday'>): StopTone {
  if (stop.visitedToday) return 'visited';
  return stop.atRisk ? 'at-risk' : 'planned';
}

// ---------------------------------------------------------------- geometry

export type LatLng = readonly [number, number];

/** Where a customer is, or null while it has no position (imported without one, not visited yet). */
export function placeOf(customer: { latitude: number | null; longitude: number | null }): LatLng | null {
  return customer.latitude !== null && customer.longitude !== null ? [customer.latitude, customer.longitude] : null;
}

export interface Bounds {
  south: number;
  west: number;
  north: number;
  east: number;
}

/**
 * The box around the points, or null without any. A single point (or all in one
 * place) gets a box of `minSpanDeg` around it, so fitting it doesn't zoom to the max.
 */
export function boundsOf(points: readonly LatLng[], minSpanDeg = 0.004): Bounds | null {
  const valid = points.filter(([lat, lng]) => Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180);
  if (valid.length === 0) return null;
  let south = Infinity;
  let west = Infinity;
  let north = -Infinity;
  let east = -Infinity;
  for (const [lat, lng] of valid) {
    south = Math.min(south, lat);
    north = Math.max(north, lat);
    west = Math.min(west, lng);
    east = Math.max(east, lng);
  }
  if (north - south < minSpanDeg) {
    const mid = (north + south) / 2;
    south = mid - minSpanDeg / 2;
    north = mid + minSpanDeg / 2;
  }
  if (east - west < minSpanDeg) {
    const mid = (east + west) / 2;
    west = mid - minSpanDeg / 2;
    east = mid + minSpanDeg / 2;
  }
  return { south, west, north, east };
}

const METERS_PER_DEGREE = 111_320;

/** The four points a circle of `radiusMeters` reaches (north, south, east, west), to fit it in view. */
export function circleBox([lat, lng]: LatLng, radiusMeters: number): LatLng[] {
  const dLat = radiusMeters / METERS_PER_DEGREE;
  const dLng = radiusMeters / (METERS_PER_DEGREE * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  return [
    [lat + dLat, lng],
    [lat - dLat, lng],
    [lat, lng + dLng],
    [lat, lng - dLng],
  ];
}

/** Visits in the order they happened (check-in time), for the line between them. */
export function inTimeOrder<T extends Pick<MapVisit, 'occurredAt' | 'id'>>(visits: readonly T[]): T[] {
  return [...visits].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.id.localeCompare(b.id));
}

/** Each person's visits in time order: one line per person on the manager's map. */
export function tracksByPerson<T extends Pick<MapVisit, 'occurredAt' | 'id' | 'person'>>(visits: readonly T[]): Map<string, T[]> {
  const tracks = new Map<string, T[]>();
  for (const v of inTimeOrder(visits)) {
    const track = tracks.get(v.person.id) ?? [];
    track.push(v);
    tracks.set(v.person.id, track);
  }
  return tracks;
}

// ---------------------------------------------------------------- words

export interface Explanation {
  flag: VisitFlag;
  key: MessageKey;
  params: Params;
}

export interface Formatters {
  distance: (meters: number) => string;
  number: (value: number) => string;
}

const FLAG_ORDER: readonly VisitFlag[] = ['OUTSIDE_GEOFENCE', 'POOR_ACCURACY', 'IMPOSSIBLE_SPEED', 'CLOCK_MISMATCH', 'NO_CUSTOMER_POSITION', 'LEFT_OPEN'];

/** Why a visit was flagged, one sentence per flag, with its figures (in a stable order). */
export function explainFlags(
  visit: Pick<MapVisit, 'flags' | 'distanceMeters' | 'accuracyMeters' | 'speedKmh' | 'customer' | 'autoClosed' | 'checkedOutAt'>,
  format: Formatters,
): Explanation[] {
  const flags = FLAG_ORDER.filter((f) => visit.flags.includes(f));
  return flags.map((flag): Explanation => {
    switch (flag) {
      case 'OUTSIDE_GEOFENCE':
        return {
          flag,
          key: 'map.flag.OUTSIDE_GEOFENCE',
          params: {
            distance: format.distance(visit.distanceMeters),
            radius: format.distance(visit.customer.geofenceRadiusMeters),
            customer: visit.customer.name,
          },
        };
      case 'POOR_ACCURACY':
        return { flag, key: 'map.flag.POOR_ACCURACY', params: { accuracy: format.distance(visit.accuracyMeters) } };
      case 'IMPOSSIBLE_SPEED':
        return visit.speedKmh === null
          ? { flag, key: 'map.flag.IMPOSSIBLE_SPEED_UNKNOWN', params: {} }
          : { flag, key: 'map.flag.IMPOSSIBLE_SPEED', params: { speed: format.number(Math.round(visit.speedKmh)) } };
      case 'CLOCK_MISMATCH':
        return { flag, key: 'map.flag.CLOCK_MISMATCH', params: {} };
      case 'NO_CUSTOMER_POSITION':
        return { flag, key: 'map.flag.NO_CUSTOMER_POSITION', params: { customer: visit.customer.name } };
      case 'LEFT_OPEN':
        return { flag, key: visit.checkedOutAt === null ? 'map.flag.LEFT_OPEN_STILL' : 'map.flag.LEFT_OPEN', params: {} };
    }
  });
}

/** "1 h 05 min" style parts: whole hours and minutes, for the duration line. */
export function durationParts(seconds: number): { hours: number; minutes: number } {
  const minutes = Math.max(0, Math.round(seconds / 60));
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}

/** The one map marker a list row stands for, and back (`v:<id>`, `c:<id>`). */
export function markerKey(kind: 'visit' | 'customer', id: string): string {
  return `${kind === 'visit' ? 'v' : 'c'}:${id}`;
}
