import { describe, expect, it } from 'vitest';
import {
  compareDecimals,
  compareValues,
  exportHref,
  filterRows,
  isDecimalString,
  nextSort,
  selectAllState,
  sortRows,
  tableState,
  toggleAllVisible,
  toggleRow,
  visibleSelection,
} from '@/ui/table-logic';

describe('sorting', () => {
  it('orders Chinese names by pinyin, Latin names alphabetically', () => {
    const names = ['王伟', '李娜', '张敏', '陈静', '阿强'];
    expect(sortRows(names, (n) => n, 'asc')).toEqual(['阿强', '陈静', '李娜', '王伟', '张敏']);
    expect(sortRows(['bob', 'Alice', 'carol'], (n) => n, 'asc')).toEqual(['Alice', 'bob', 'carol']);
  });

  it('puts digits inside text in numeric order', () => {
    expect(sortRows(['Team 10', 'Team 2', 'Team 1'], (n) => n, 'asc')).toEqual(['Team 1', 'Team 2', 'Team 10']);
  });

  it('compares numbers and decimal strings as numbers', () => {
    expect(sortRows([10, 9, 100, -1], (n) => n, 'asc')).toEqual([-1, 9, 10, 100]);
    expect(sortRows(['999.90', '1234.50', '80', '-5.25'], (n) => n, 'desc')).toEqual(['1234.50', '999.90', '80', '-5.25']);
  });

  it('compares long decimals exactly', () => {
    expect(compareDecimals('12345678901234567890.01', '12345678901234567890.02')).toBeLessThan(0);
    expect(compareDecimals('1.50', '1.5')).toBe(0);
    expect(compareDecimals('-0', '0.00')).toBe(0);
    expect(compareDecimals('-2', '-10')).toBeGreaterThan(0);
    expect(compareDecimals('0.1', '0.09')).toBeGreaterThan(0);
    expect(compareDecimals('007', '7')).toBe(0);
  });

  it('recognises decimal strings', () => {
    expect(['12', '-3.5', '.5', '+1.', '1234.50'].every(isDecimalString)).toBe(true);
    expect(['', '.', '-', '1,234', '1e5', 'abc', '12a'].some(isDecimalString)).toBe(false);
  });

  it('keeps empty values last in both directions and is stable', () => {
    const rows = [
      { id: 'a', v: 2 },
      { id: 'b', v: null },
      { id: 'c', v: 1 },
      { id: 'd', v: 2 },
      { id: 'e', v: undefined },
    ];
    expect(sortRows(rows, (r) => r.v, 'asc').map((r) => r.id)).toEqual(['c', 'a', 'd', 'b', 'e']);
    expect(sortRows(rows, (r) => r.v, 'desc').map((r) => r.id)).toEqual(['a', 'd', 'c', 'b', 'e']);
    expect(compareValues('', 'x')).toBeGreaterThan(0);
  });

  it('flips the direction on the same column, starts fresh on another', () => {
    expect(nextSort(null, 'name')).toEqual({ key: 'name', dir: 'asc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'desc' }, 'name')).toEqual({ key: 'name', dir: 'asc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, 'amount', 'desc')).toEqual({ key: 'amount', dir: 'desc' });
  });
});

describe('filtering', () => {
  it('needs every term, in any case', () => {
    const rows = ['Acme Shanghai 上海', 'Acme Beijing 北京', 'Zenith Shanghai'];
    expect(filterRows(rows, 'acme shang', (r) => r)).toEqual(['Acme Shanghai 上海']);
    expect(filterRows(rows, '北京', (r) => r)).toEqual(['Acme Beijing 北京']);
    expect(filterRows(rows, '   ', (r) => r)).toEqual(rows);
  });
});

describe('selection', () => {
  const shown = ['a', 'b', 'c', 'd', 'e'];

  it('selects all shown rows, then none; keeps hidden selections', () => {
    const some = new Set(['b', 'z']);
    expect(selectAllState(some, shown)).toBe('some');
    const all = toggleAllVisible(some, shown);
    expect([...all].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'z']);
    expect(selectAllState(all, shown)).toBe('all');
    expect([...toggleAllVisible(all, shown)]).toEqual(['z']);
    expect(selectAllState(new Set(), shown)).toBe('none');
    expect(selectAllState(new Set(), [])).toBe('none');
  });

  it('counts only the selected rows that are shown', () => {
    expect(visibleSelection(new Set(['e', 'a', 'z']), shown)).toEqual(['a', 'e']);
  });

  it('shift-click selects the range from the anchor, in the order shown', () => {
    let s = toggleRow(tableState(), shown, 'b', true);
    expect(s.anchor).toBe('b');
    s = toggleRow(s, shown, 'd', true, true);
    expect([...s.selected].sort()).toEqual(['b', 'c', 'd']);
    // upwards too, and clearing a range
    s = toggleRow(s, shown, 'c', false, true);
    expect([...s.selected].sort()).toEqual(['b']);
  });

  it('a shift-click without a shown anchor selects one row', () => {
    const s = toggleRow({ selected: new Set(), anchor: 'gone' }, shown, 'c', true, true);
    expect([...s.selected]).toEqual(['c']);
    const t = toggleRow({ selected: new Set(), anchor: null }, shown, 'c', true, true);
    expect([...t.selected]).toEqual(['c']);
  });
});

describe('exportHref', () => {
  it('carries the set filters, lists as repeated keys, and the format', () => {
    const href = exportHref('/api/deals/team/export', { statuses: ['OPEN', 'WON'], teamId: '7', search: 'a&b', amountMin: undefined, closeTo: '', descending: true }, 'xlsx');
    const url = new URL(href, 'http://x');
    expect(url.pathname).toBe('/api/deals/team/export');
    expect(url.searchParams.getAll('statuses')).toEqual(['OPEN', 'WON']);
    expect(url.searchParams.get('search')).toBe('a&b');
    expect(url.searchParams.get('descending')).toBe('true');
    expect(url.searchParams.has('amountMin') || url.searchParams.has('closeTo')).toBe(false);
    expect(url.searchParams.get('format')).toBe('xlsx');
  });
});
