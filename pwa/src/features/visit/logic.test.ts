import { describe, expect, it } from 'vitest';
import { accuracyMeters, geofenceStatus, locationProblem, noteLength, VisitAttempt } from '@/features/visit/logic';

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

describe('VisitAttempt', () => {
  const fix = { latitude: 31.23, longitude: 121.47, accuracy: 12 };
  const form = { customerId: 'c1', note: 'Met the buyer' };

  function attempt() {
    let n = 0;
    let clock = Date.parse('2026-11-22T08:30:00Z');
    return new VisitAttempt(
      () => `id-${++n}`,
      () => new Date((clock += 1000)),
    );
  }

  it('re-sends the very same input on a retry after a network failure', () => {
    const a = attempt();
    const first = a.prepare(form, fix);
    expect(first).toMatchObject({ clientId: 'id-1', customerId: 'c1', note: 'Met the buyer', accuracyMeters: 12 });
    expect(a.isRetry(form)).toBe(true);
    const retry = a.prepare({ ...form }, { latitude: 0, longitude: 0, accuracy: 99 });
    expect(retry).toEqual(first);
  });

  it('starts a new visit once the server has answered', () => {
    const a = attempt();
    a.prepare(form, fix);
    a.settle();
    expect(a.isRetry(form)).toBe(false);
    expect(a.prepare(form, fix).clientId).toBe('id-2');
  });

  it('treats an edited form as a different visit', () => {
    const a = attempt();
    a.prepare(form, fix);
    expect(a.prepare({ ...form, note: 'Changed' }, fix).clientId).toBe('id-2');
    expect(a.prepare({ ...form, customerId: 'c2', note: 'Changed' }, fix).clientId).toBe('id-3');
  });

  it('stamps the time of the first submit', () => {
    const a = attempt();
    const first = a.prepare(form, fix);
    expect(first.occurredAt).toBe('2026-11-22T08:30:01.000Z');
    expect(a.prepare(form, fix).occurredAt).toBe(first.occurredAt);
  });

  it('uses crypto.randomUUID by default', () => {
    const id = new VisitAttempt().prepare(form, fix).clientId;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
