import { describe, expect, it } from 'vitest';
import { activeCount, emptyFilters, filterVariable, readParams, writeParams } from '@/features/team-pipeline/logic';

describe('team pipeline filters in the URL', () => {
  it('round-trips every filter, the view and the sort', () => {
    const filters = {
      ...emptyFilters(), teamId: '7', ownerIds: ['3', '4'], stageIds: ['11'], leadSources: ['WEB' as const],
      statuses: ['OPEN' as const, 'WON' as const], closeFrom: '2026-01', closeTo: '2026-03', amountMin: '100', amountMax: '5000.5', search: 'crane',
    };
    const params = writeParams(filters, 'table', { key: 'owner', dir: 'asc' });
    const read = readParams(params);
    expect(read.filters).toEqual(filters);
    expect(read.mode).toBe('table');
    expect(read.sort).toEqual({ key: 'owner', dir: 'asc' });
  });

  it('drops what it cannot read and keeps the defaults out of the URL', () => {
    const read = readParams(new URLSearchParams('team=x&owners=1,abc&status=NOPE&from=2026-13&min=-5&sort=title'));
    expect(read.filters).toEqual({ ...emptyFilters(), ownerIds: ['1'] });
    expect(read.mode).toBe('board');
    expect(read.sort).toEqual({ key: 'amount', dir: 'desc' });
    expect(writeParams(emptyFilters(), 'board', { key: 'amount', dir: 'desc' }).toString()).toBe('');
  });

  it('sends only what is set, amounts typed with separators as numbers', () => {
    expect(filterVariable({ ...emptyFilters(), amountMin: '12,000', amountMax: 'lots', search: '  ' })).toEqual({ statuses: ['OPEN'], amountMin: '12000' });
  });

  it('counts the filters that narrow the list', () => {
    expect(activeCount(emptyFilters())).toBe(0);
    expect(activeCount({ ...emptyFilters(), closeFrom: '2026-01', closeTo: '2026-02', ownerIds: ['1'], statuses: ['WON'] })).toBe(3);
  });
});
