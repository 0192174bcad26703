import { describe, expect, it } from 'vitest';
import type { Redemption } from '@/features/rewards/documents';
import {
  affordable,
  clampQuantity,
  holdPoints,
  parsePrice,
  parseStock,
  PendingWrite,
  QUANTITY_MAX,
  shortfall,
  unsendable,
  withRedemption,
} from '@/features/rewards/logic';

describe('what a balance affords', () => {
  it('is limited by points, stock and the per-request cap', () => {
    expect(affordable({ pointsPrice: 300, stock: null }, 1000)).toBe(3);
    expect(affordable({ pointsPrice: 300, stock: 2 }, 1000)).toBe(2);
    expect(affordable({ pointsPrice: 300, stock: 0 }, 1000)).toBe(0);
    expect(affordable({ pointsPrice: 1, stock: null }, 10_000)).toBe(QUANTITY_MAX);
    expect(affordable({ pointsPrice: 300, stock: null }, -50)).toBe(0);
  });

  it('names what is missing', () => {
    expect(shortfall({ pointsPrice: 800 }, 650)).toBe(150);
    expect(shortfall({ pointsPrice: 800 }, 900)).toBe(0);
  });

  it('keeps a quantity within 1 and the maximum', () => {
    expect(clampQuantity(0, 3)).toBe(1);
    expect(clampQuantity(7, 3)).toBe(3);
    expect(clampQuantity(Number.NaN, 3)).toBe(1);
    expect(clampQuantity(2, 0)).toBe(1);
  });

  it('holds the points of a new redemption', () => {
    expect(holdPoints({ earned: 1000, held: 0, spent: 200, available: 800 }, 300)).toEqual({ earned: 1000, held: 300, spent: 200, available: 500 });
  });
});

describe('a redemption’s client id', () => {
  it('stays the same across retries and changes once answered', () => {
    let n = 0;
    const write = new PendingWrite(() => `id-${++n}`);
    expect(write.clientId).toBe('id-1');
    expect(write.clientId).toBe('id-1'); // a retry after no answer sends the same write
    write.settle();
    expect(write.clientId).toBe('id-2');
  });
});

describe('my redemptions', () => {
  const r = (id: string, status: Redemption['status'] = 'PENDING') => ({ id, status }) as Redemption;

  it('put a new one first and replace a replayed one in place', () => {
    expect(withRedemption([r('1'), r('2')], r('3')).map((x) => x.id)).toEqual(['3', '1', '2']);
    expect(withRedemption([r('1'), r('2')], r('2', 'APPROVED')).map((x) => x.status)).toEqual(['PENDING', 'APPROVED']);
  });
});

describe('the catalog form', () => {
  it('reads stock and price as whole numbers, empty stock as unlimited', () => {
    expect(parseStock('')).toBeNull();
    expect(parseStock(' 5 ')).toBe(5);
    expect(parseStock('2.5')).toBeNaN();
    expect(parsePrice('-100')).toBe(-100);
    expect(parsePrice('abc')).toBeNaN();
  });

  it('refuses only what cannot be sent; the server judges the rest', () => {
    expect(unsendable({ price: Number.NaN, stock: Number.NaN }).map((p) => p.field)).toEqual(['pointsPrice', 'stock']);
    expect(unsendable({ price: -100, stock: null })).toEqual([]);
  });
});
