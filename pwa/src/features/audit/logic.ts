// Pure helpers of the audit page: filters to the API's input and the export link, and an entry's diff.
import type { AuditFilterInput, Json } from '@/features/audit/documents';

export const PAGE_SIZE = 50;

export interface Filters {
  text: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  /** yyyy-mm-dd, in the viewer's zone; empty for no bound. */
  from: string;
  to: string;
}

export const emptyFilters = (): Filters => ({ text: '', actor: '', action: '', subjectType: '', subjectId: '', from: '', to: '' });

/** Midnight starting `day` in the browser's zone, as an instant. */
function startOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!).toISOString();
}

/** The API's filter: empty fields left out, `to` inclusive (the API's `until` is exclusive: the next midnight). */
export function filterInput(f: Filters): AuditFilterInput {
  const input: AuditFilterInput = {};
  for (const key of ['text', 'actor', 'action', 'subjectType', 'subjectId'] as const) {
    const value = f[key].trim();
    if (value) input[key] = value;
  }
  if (f.from) input.since = startOf(f.from);
  if (f.to) {
    const [y, m, d] = f.to.split('-').map(Number);
    input.until = new Date(y!, m! - 1, d! + 1).toISOString();
  }
  return input;
}

/** The export's URL for the same filters. */
export function exportHref(f: Filters, format: 'csv' | 'xlsx'): string {
  const params = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(filterInput(f))) params.set(key, value);
  return `/api/audit/export?${params.toString()}`;
}

export interface DiffRow {
  key: string;
  before: string;
  after: string;
  changed: boolean;
}

export function valueText(value: Json | undefined): string {
  if (value === undefined) return '';
  if (value === null) return '∅';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Every field of before and after, changed ones first; a field only in `after` is detail, not a change. */
export function diffRows(before: Record<string, Json>, after: Record<string, Json>): DiffRow[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const rows = keys.map((key) => {
    const b = valueText(before[key]);
    const a = valueText(after[key]);
    return { key, before: b, after: a, changed: key in before && b !== a };
  });
  return [...rows.filter((r) => r.changed), ...rows.filter((r) => !r.changed)];
}
