import { describe, expect, it } from 'vitest';
import type { MapVisit } from '@/features/map/documents';
import {
  boundsOf,
  circleBox,
  dayIn,
  durationParts,
  explainFlags,
  inTimeOrder,
  isDayKey,
  markerKey,
  peopleOf,
  PERSON_PALETTE,
  personColor,
  personColors,
  shiftDay,
  stopTone,
  TONE_COLOR,
  tracksByPerson,
  visitTone,
} from '@/features/map/logic';

const format = { distance: (m: number) => `${Math.round(m)} m`, number: (n: number) => String(n) };

function visit(over: Partial<MapVisit> = {}): MapVisit {
  return {
    id: '1',
    clientId: 'c1',
    customer: { id: '7', name: 'Acme <b>Tea</b>', address: '', latitude: 31.23, longitude: 121.47, geofenceRadiusMeters: 150 },
    person: { id: '5', name: 'Li Na', initials: 'LN' },
    latitude: 31.24,
    longitude: 121.48,
    accuracyMeters: 12,
    occurredAt: '2026-03-02T01:30:00Z',
    note: '',
    distanceMeters: 40,
    withinGeofence: true,
    pointsAwarded: 10,
    status: 'VERIFIED',
    flags: [],
    speedKmh: null,
    checkedOutAt: '2026-03-02T02:10:00Z',
    checkOutLatitude: null,
    checkOutLongitude: null,
    checkOutAccuracyMeters: null,
    durationSeconds: 2400,
    autoClosed: false,
    photos: [],
    reviewNote: null,
    reviewedAt: null,
    ...over,
  };
}

describe('days in the org zone', () => {
  it('takes the day where the org is, not where the browser is', () => {
    // 20:00 UTC on 31 Jan is already 1 Feb in Shanghai, still 31 Jan in New York.
    const instant = new Date('2026-01-31T20:00:00Z');
    expect(dayIn(instant, 'Asia/Shanghai')).toBe('2026-02-01');
    expect(dayIn(instant, 'America/New_York')).toBe('2026-01-31');
    expect(dayIn(instant, 'UTC')).toBe('2026-01-31');
  });

  it('steps across month and year ends, and leap days', () => {
    expect(shiftDay('2026-01-31', 1)).toBe('2026-02-01');
    expect(shiftDay('2026-03-01', -1)).toBe('2026-02-28');
    expect(shiftDay('2028-03-01', -1)).toBe('2028-02-29');
    expect(shiftDay('2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftDay('2027-01-01', -1)).toBe('2026-12-31');
    expect(shiftDay('2026-04-30', 1)).toBe('2026-05-01');
  });

  it('is not moved by a daylight-saving change (a day is a day)', () => {
    // Europe's clocks change on 29 March 2026 and 25 October 2026.
    expect(shiftDay('2026-03-28', 1)).toBe('2026-03-29');
    expect(shiftDay('2026-03-29', 1)).toBe('2026-03-30');
    expect(shiftDay('2026-10-26', -1)).toBe('2026-10-25');
    expect(dayIn(new Date('2026-03-29T00:30:00Z'), 'Europe/Paris')).toBe('2026-03-29');
  });

  it('accepts only real days', () => {
    expect(isDayKey('2026-02-28')).toBe(true);
    expect(isDayKey('2028-02-29')).toBe(true);
    expect(isDayKey('2026-02-29')).toBe(false);
    expect(isDayKey('2026-13-01')).toBe(false);
    expect(isDayKey('2026-1-01')).toBe(false);
    expect(isDayKey('yesterday')).toBe(false);
    expect(isDayKey(null)).toBe(false);
  });
});

describe('a colour per person', () => {
  it('is the same for the same person, every time', () => {
    expect(personColor('42')).toBe(personColor('42'));
    expect(PERSON_PALETTE).toContain(personColor('42'));
  });

  it('does not depend on who else is on the map or in which order visits come', () => {
    const a = personColors(['3', '11', '7', '3']);
    const b = personColors(['7', '3', '11']);
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
  });

  it('gives different people different colours while the palette lasts', () => {
    const ids = Array.from({ length: PERSON_PALETTE.length }, (_, i) => String(i + 1));
    const colors = personColors(ids);
    expect(new Set(colors.values()).size).toBe(PERSON_PALETTE.length);
    // Beyond the palette colours repeat, but everyone still has one.
    const many = personColors([...ids, '100', '101']);
    expect(many.size).toBe(ids.length + 2);
  });

  it('never uses a status colour for a person', () => {
    for (const tone of Object.values(TONE_COLOR)) expect(PERSON_PALETTE).not.toContain(tone);
  });

  it('lists the people of a day once each, by name', () => {
    const people = peopleOf([
      visit({ person: { id: '2', name: 'Zhou Wei', initials: 'ZW' } }),
      visit({ person: { id: '1', name: 'Ann Lee', initials: 'AL' } }),
      visit({ person: { id: '2', name: 'Zhou Wei', initials: 'ZW' } }),
    ]);
    expect(people.map((p) => p.id)).toEqual(['1', '2']);
  });
});

describe('marker styles', () => {
  it('follow the status, an open visit being distinct', () => {
    expect(visitTone(visit({ status: 'VERIFIED' }))).toBe('ok');
    expect(visitTone(visit({ status: 'APPROVED' }))).toBe('ok');
    expect(visitTone(visit({ status: 'FLAGGED' }))).toBe('flagged');
    expect(visitTone(visit({ status: 'REJECTED' }))).toBe('rejected');
    expect(visitTone(visit({ status: 'VERIFIED', checkedOutAt: null }))).toBe('open');
    // A flag or a rejection says more than "still there".
    expect(visitTone(visit({ status: 'FLAGGED', checkedOutAt: null }))).toBe('flagged');
    expect(visitTone(visit({ status: 'REJECTED', checkedOutAt: null }))).toBe('rejected');
  });

  it('mark plan stops visited, at risk or planned', () => {
    expect(stopTone({ atRisk: true, visitedToday: true })).toBe('visited');
    expect(stopTone({ atRisk: true, visitedToday: false })).toBe('at-risk');
    expect(stopTone({ atRisk: false, visitedToday: false })).toBe('planned');
  });

  it('key markers by kind and id', () => {
    expect(markerKey('visit', '3')).toBe('v:3');
    expect(markerKey('customer', '3')).toBe('c:3');
  });
});

describe('bounds', () => {
  it('box all the points', () => {
    expect(boundsOf([[31.2, 121.4], [31.3, 121.5], [31.25, 121.3]])).toEqual({ south: 31.2, west: 121.3, north: 31.3, east: 121.5 });
  });

  it('are null without points, and skip impossible ones', () => {
    expect(boundsOf([])).toBeNull();
    expect(boundsOf([[NaN, 1], [91, 0]])).toBeNull();
    expect(boundsOf([[10, 10], [NaN, 3]])).not.toBeNull();
  });

  it('give a single point some room instead of the maximum zoom', () => {
    const box = boundsOf([[31.2, 121.4]], 0.01)!;
    expect(box.north - box.south).toBeCloseTo(0.01);
    expect(box.east - box.west).toBeCloseTo(0.01);
    expect((box.north + box.south) / 2).toBeCloseTo(31.2);
  });

  it('of a circle reach its radius in every direction', () => {
    const [north, south, east, west] = circleBox([0, 0], 111_320);
    expect(north![0]).toBeCloseTo(1);
    expect(south![0]).toBeCloseTo(-1);
    expect(east![1]).toBeCloseTo(1);
    expect(west![1]).toBeCloseTo(-1);
    // Degrees of longitude shrink towards the poles: the same metres span more of them.
    expect(circleBox([60, 0], 111_320)[2]![1]).toBeCloseTo(2);
  });
});

describe('order', () => {
  it('puts visits in check-in order and splits them per person', () => {
    const visits = [
      visit({ id: 'b', occurredAt: '2026-03-02T03:00:00Z', person: { id: '1', name: 'A', initials: 'A' } }),
      visit({ id: 'a', occurredAt: '2026-03-02T01:00:00+00:00', person: { id: '2', name: 'B', initials: 'B' } }),
      visit({ id: 'c', occurredAt: '2026-03-02T09:30:00+08:00', person: { id: '1', name: 'A', initials: 'A' } }),
    ];
    expect(inTimeOrder(visits).map((v) => v.id)).toEqual(['a', 'c', 'b']);
    const tracks = tracksByPerson(visits);
    expect(tracks.get('1')!.map((v) => v.id)).toEqual(['c', 'b']);
    expect(tracks.get('2')!.map((v) => v.id)).toEqual(['a']);
  });
});

describe('flags in words', () => {
  it('explain each flag with its figures, in a stable order', () => {
    const explained = explainFlags(
      visit({
        status: 'FLAGGED',
        flags: ['LEFT_OPEN', 'IMPOSSIBLE_SPEED', 'OUTSIDE_GEOFENCE', 'POOR_ACCURACY', 'CLOCK_MISMATCH'],
        distanceMeters: 2400,
        accuracyMeters: 350,
        speedKmh: 412.6,
        autoClosed: true,
      }),
      format,
    );
    expect(explained.map((e) => e.flag)).toEqual(['OUTSIDE_GEOFENCE', 'POOR_ACCURACY', 'IMPOSSIBLE_SPEED', 'CLOCK_MISMATCH', 'LEFT_OPEN']);
    expect(explained[0]).toEqual({
      flag: 'OUTSIDE_GEOFENCE',
      key: 'map.flag.OUTSIDE_GEOFENCE',
      params: { distance: '2400 m', radius: '150 m', customer: 'Acme <b>Tea</b>' },
    });
    expect(explained[1]!.params).toEqual({ accuracy: '350 m' });
    expect(explained[2]).toMatchObject({ key: 'map.flag.IMPOSSIBLE_SPEED', params: { speed: '413' } });
    expect(explained[3]!.key).toBe('map.flag.CLOCK_MISMATCH');
    expect(explained[4]!.key).toBe('map.flag.LEFT_OPEN');
  });

  it('say so when the speed is not known, and when a visit is still open', () => {
    const explained = explainFlags(visit({ flags: ['IMPOSSIBLE_SPEED', 'LEFT_OPEN'], speedKmh: null, checkedOutAt: null }), format);
    expect(explained.map((e) => e.key)).toEqual(['map.flag.IMPOSSIBLE_SPEED_UNKNOWN', 'map.flag.LEFT_OPEN_STILL']);
  });

  it('are empty for a clean visit', () => {
    expect(explainFlags(visit(), format)).toEqual([]);
  });
});

describe('durations', () => {
  it('round to whole minutes', () => {
    expect(durationParts(2400)).toEqual({ hours: 0, minutes: 40 });
    expect(durationParts(3_929)).toEqual({ hours: 1, minutes: 5 });
    expect(durationParts(29)).toEqual({ hours: 0, minutes: 0 });
    expect(durationParts(-5)).toEqual({ hours: 0, minutes: 0 });
  });
});
