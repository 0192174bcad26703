import { describe, expect, it } from 'vitest';
import { EMPTY_LIST, filterOf, parseCoordinate, splitPair } from '@/features/customers/logic';

describe('customers list', () => {
  it('sends only the filters that are set', () => {
    const now = new Date('2026-12-07T00:00:00Z');
    expect(filterOf(EMPTY_LIST, now)).toEqual({});
    expect(filterOf({ ...EMPTY_LIST, search: ' 上海 ', tier: 'A', atRisk: true, notVisited30: true }, now)).toEqual({
      search: '上海', tiers: ['A'], atRisk: true, lastVisitBefore: '2026-11-07T00:00:00.000Z',
    });
  });
});

describe('typed coordinates', () => {
  it('accepts numbers in range only', () => {
    expect(parseCoordinate('39.90874539', 90)).toBe(39.90874539);
    expect(parseCoordinate('91', 90)).toBeNull();
    expect(parseCoordinate('abc', 180)).toBeNull();
    expect(splitPair('39.9087, 116.3971')).toEqual(['39.9087', '116.3971']);
    expect(splitPair('39.9087')).toBeNull();
  });
});
