import { describe, expect, it } from 'vitest';
import { diffRows, emptyFilters, exportHref, filterInput, valueText } from '@/features/audit/logic';

describe('audit filters', () => {
  it('leaves empty fields out and makes the last day inclusive', () => {
    const input = filterInput({ ...emptyFilters(), text: '  role ', from: '2026-12-01', to: '2026-12-07' });
    expect(input.text).toBe('role');
    expect(input.actor).toBeUndefined();
    expect(new Date(input.until!).getTime() - new Date(input.since!).getTime()).toBe(7 * 24 * 3600 * 1000);
  });

  it('builds the export link from the same filters', () => {
    const href = exportHref({ ...emptyFilters(), action: 'person_changed' }, 'xlsx');
    expect(href).toBe('/api/audit/export?format=xlsx&action=person_changed');
  });
});

describe('audit diff', () => {
  it('puts changed fields first and shows detail fields after', () => {
    const rows = diffRows({ role: 'rep', team: 3 }, { role: 'manager', team: 3, by: 1 });
    expect(rows).toEqual([
      { key: 'role', before: 'rep', after: 'manager', changed: true },
      { key: 'team', before: '3', after: '3', changed: false },
      { key: 'by', before: '', after: '1', changed: false },
    ]);
  });

  it('shows null and nested values readably', () => {
    expect(valueText(null)).toBe('∅');
    expect(valueText(['a', 1])).toBe('["a",1]');
  });
});
