import { describe, expect, it } from 'vitest';
import {
  ADDRESS_MAX,
  asVisitCustomer,
  customerInput,
  fieldOf,
  NAME_MAX,
  normalizeName,
  queuedCustomers,
  type CustomerForm,
} from '@/features/visit/new-customer-logic';
import type { OutboxItem } from '@/offline/db';

const HERE = { latitude: 31.2304, longitude: 121.4737, accuracy: 12 };
const FORM: CustomerForm = { name: '徐汇新客户 Xuhui Prospect', address: ' 漕溪北路 88 号 ', tier: 'B', radius: 300 };

describe('customerInput', () => {
  it('turns the form and the fix into the payload, name and address tidied like the server', () => {
    const result = customerInput({ ...FORM, name: '  徐汇新客户 \n Xuhui   Prospect ' }, HERE);
    expect(result).toEqual({
      ok: true,
      payload: { name: '徐汇新客户 Xuhui Prospect', address: '漕溪北路 88 号', tier: 'B', geofenceRadiusMeters: 300, latitude: 31.2304, longitude: 121.4737 },
    });
  });

  it('refuses to save without a position', () => {
    expect(customerInput(FORM, null)).toEqual({ ok: false, problems: [{ field: 'position', code: 'REQUIRED' }] });
    expect(customerInput(FORM, { ...HERE, latitude: 95 })).toMatchObject({ ok: false, problems: [{ field: 'position' }] });
  });

  it('mirrors the server: name required and at most 200 characters (code points), address at most 400', () => {
    expect(customerInput({ ...FORM, name: '   ' }, HERE)).toEqual({ ok: false, problems: [{ field: 'name', code: 'REQUIRED' }] });
    expect(customerInput({ ...FORM, name: '客'.repeat(NAME_MAX) }, HERE).ok).toBe(true);
    expect(customerInput({ ...FORM, name: '😀'.repeat(NAME_MAX) }, HERE).ok).toBe(true); // 400 UTF-16 units, 200 characters
    expect(customerInput({ ...FORM, name: 'x'.repeat(NAME_MAX + 1) }, HERE)).toEqual({
      ok: false,
      problems: [{ field: 'name', code: 'TOO_LONG', count: NAME_MAX + 1, max: NAME_MAX }],
    });
    expect(customerInput({ ...FORM, address: 'a'.repeat(ADDRESS_MAX + 1) }, HERE)).toMatchObject({ ok: false, problems: [{ field: 'address', code: 'TOO_LONG' }] });
  });

  it('accepts only the tiers A, B, C and a radius from 50 to 5000 m, and reports every problem at once', () => {
    const result = customerInput({ name: '', address: '', tier: 'Z', radius: 10 }, null);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.field)).toEqual(['name', 'tier', 'geofenceRadiusMeters', 'position']);
    expect(customerInput({ ...FORM, radius: 50 }, HERE).ok).toBe(true);
    expect(customerInput({ ...FORM, radius: 5000 }, HERE).ok).toBe(true);
    expect(customerInput({ ...FORM, radius: 5001 }, HERE).ok).toBe(false);
    expect(customerInput({ ...FORM, radius: 300.5 }, HERE).ok).toBe(false);
  });
});

describe('fieldOf', () => {
  it('puts the server errors next to the form fields', () => {
    expect(fieldOf({ field: 'input.name' })).toBe('name');
    expect(fieldOf({ field: 'name' })).toBe('name');
    expect(fieldOf({ field: 'latitude' })).toBe('position');
    expect(fieldOf({ field: 'geofenceRadiusMeters' })).toBe('geofenceRadiusMeters');
    expect(fieldOf({ field: 'clientId' })).toBeNull();
    expect(fieldOf({ field: null })).toBeNull();
  });
});

describe('queuedCustomers', () => {
  it('lists the new customers waiting in the outbox, oldest first', () => {
    const item = (seq: number, kind: OutboxItem['kind']) => ({ seq, kind, clientId: `c${seq}` }) as OutboxItem;
    expect(queuedCustomers([item(3, 'addCustomer'), item(1, 'checkIn'), item(2, 'addCustomer')]).map((i) => i.seq)).toEqual([2, 3]);
  });
});

describe('asVisitCustomer', () => {
  it('keeps what the visit screen stores', () => {
    const server = { id: '9', name: 'N', address: 'A', latitude: 1, longitude: 2, geofenceRadiusMeters: 300, tier: 'B', distanceMeters: 4 };
    expect(asVisitCustomer(server)).toEqual({ id: '9', name: 'N', address: 'A', latitude: 1, longitude: 2, geofenceRadiusMeters: 300 });
  });
});
