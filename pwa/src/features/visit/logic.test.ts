import { describe, expect, it } from 'vitest';
import {
  accuracyMeters,
  distanceMeters,
  fitWithin,
  formatElapsed,
  geofenceStatus,
  keepOriginal,
  locationProblem,
  matchesSearch,
  noteLength,
  visitSyncState,
} from '@/features/visit/logic';

describe('geofenceStatus', () => {
  it('is inside up to and including the radius', () => {
    expect(geofenceStatus({ distanceMeters: 199.9, geofenceRadiusMeters: 200 })).toBe('inside');
    expect(geofenceStatus({ distanceMeters: 200, geofenceRadiusMeters: 200 })).toBe('inside');
    expect(geofenceStatus({ distanceMeters: 200.1, geofenceRadiusMeters: 200 })).toBe('outside');
  });

  it('is unknown without a position', () => {
    expect(geofenceStatus({ distanceMeters: null, geofenceRadiusMeters: 200 })).toBe('unknown');
  });
});

describe('position display', () => {
  it('rounds accuracy to whole metres, at least 1', () => {
    expect(accuracyMeters(12.4)).toBe(12);
    expect(accuracyMeters(0.2)).toBe(1);
  });

  it('names the geolocation error codes', () => {
    expect(locationProblem(1)).toBe('denied');
    expect(locationProblem(2)).toBe('unavailable');
    expect(locationProblem(3)).toBe('timeout');
  });

  it('counts note characters as code points, like the server', () => {
    expect(noteLength('héllo')).toBe(5);
    expect(noteLength('拜访👍')).toBe(3);
  });
});

describe('distances on the phone', () => {
  it('measures a short distance to the metre', () => {
    // 0.0003° of latitude is about 33 m anywhere.
    const d = distanceMeters({ latitude: 31.23, longitude: 121.47 }, { latitude: 31.2303, longitude: 121.47 });
    expect(d).toBeGreaterThan(33);
    expect(d).toBeLessThan(34);
  });

  it('searches name and address, any case', () => {
    const c = { name: 'Acme Trading', address: '上海市 Nanjing Rd' };
    expect(matchesSearch(c, 'acme')).toBe(true);
    expect(matchesSearch(c, '上海')).toBe(true);
    expect(matchesSearch(c, 'NANJING')).toBe(true);
    expect(matchesSearch(c, 'zeta')).toBe(false);
    expect(matchesSearch(c, '  ')).toBe(true);
  });
});

describe('photos', () => {
  it('scales the long side down to the limit, never up', () => {
    expect(fitWithin(4032, 3024, 1600)).toEqual({ width: 1600, height: 1200 });
    expect(fitWithin(3024, 4032, 1600)).toEqual({ width: 1200, height: 1600 });
    expect(fitWithin(800, 600, 1600)).toEqual({ width: 800, height: 600 });
  });

  it('keeps a small picture as it is', () => {
    expect(keepOriginal({ size: 200_000, type: 'image/jpeg' }, 1200, 900)).toBe(true);
    expect(keepOriginal({ size: 2_000_000, type: 'image/jpeg' }, 1200, 900)).toBe(false);
    expect(keepOriginal({ size: 200_000, type: 'image/jpeg' }, 2000, 900)).toBe(false);
    expect(keepOriginal({ size: 200_000, type: 'image/heic' }, 1200, 900)).toBe(false);
  });
});

describe('formatElapsed', () => {
  it('shows minutes and seconds, then hours', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(245_000)).toBe('4:05');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
    expect(formatElapsed(-5)).toBe('0:00');
  });
});

describe('visitSyncState', () => {
  const item = (clientId: string, dependsOn: string | null, state: 'pending' | 'conflict' = 'pending') => ({ clientId, dependsOn, state });

  it('waits while any write of the visit is on the phone', () => {
    expect(visitSyncState('a', [item('p1', 'a'), item('b', null)])).toBe('waiting');
  });

  it('is a conflict when any of them was refused', () => {
    expect(visitSyncState('a', [item('a', null, 'conflict'), item('p1', 'a')])).toBe('conflict');
  });

  it('is synced when none is left', () => {
    expect(visitSyncState('a', [item('b', null, 'conflict')])).toBe('synced');
  });
});
