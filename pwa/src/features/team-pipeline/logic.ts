// The team pipeline's pure parts: its filters kept in the URL, the GraphQL filter they make,
// and the table's sort keys in the API's words. No DOM: vitest runs it in node.
import type { SortState } from '@/ui/table';
import type { DealStatus, LeadSource, TeamSort } from '@/features/team-pipeline/documents';

export type Mode = 'board' | 'table';

export interface Filters {
  teamId: string;
  ownerIds: string[];
  stageIds: string[];
  leadSources: LeadSource[];
  statuses: DealStatus[];
  closeFrom: string;
  closeTo: string;
  amountMin: string;
  amountMax: string;
  search: string;
}

export const PAGE_SIZE = 50;
export const PER_STAGE = 20;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;
const STATUSES: readonly DealStatus[] = ['OPEN', 'WON', 'LOST', 'REVERSED'];
export const LEAD_SOURCES: readonly LeadSource[] = ['WEB', 'EVENT', 'REFERRAL', 'OUTBOUND', 'PARTNER', 'INBOUND_CALL', 'EXISTING_CUSTOMER'];

export function emptyFilters(): Filters {
  return {
    teamId: '', ownerIds: [], stageIds: [], leadSources: [], statuses: ['OPEN'],
    closeFrom: '', closeTo: '', amountMin: '', amountMax: '', search: '',
  };
}

/** Table column → the API's sort. */
export const SORT_OF: Record<string, TeamSort> = {
  owner: 'OWNER',
  stage: 'STAGE',
  amount: 'AMOUNT',
  close: 'EXPECTED_CLOSE',
  days: 'DAYS_IN_STAGE',
  updated: 'UPDATED',
};

const list = (params: URLSearchParams, key: string): string[] =>
  (params.get(key) ?? '').split(',').map((s) => s.trim()).filter((s) => /^\d{1,18}$/.test(s));

/** Filters, view and sort from the query string; anything unreadable is left out. */
export function readParams(params: URLSearchParams): { filters: Filters; mode: Mode; sort: SortState } {
  const f = emptyFilters();
  const team = params.get('team') ?? '';
  f.teamId = /^\d{1,18}$/.test(team) ? team : '';
  f.ownerIds = list(params, 'owners');
  f.stageIds = list(params, 'stages');
  f.leadSources = (params.get('sources') ?? '').split(',').filter((s): s is LeadSource => (LEAD_SOURCES as readonly string[]).includes(s));
  const statuses = (params.get('status') ?? '').split(',').filter((s): s is DealStatus => (STATUSES as readonly string[]).includes(s));
  if (statuses.length) f.statuses = statuses;
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  f.closeFrom = MONTH.test(from) ? from : '';
  f.closeTo = MONTH.test(to) ? to : '';
  const min = params.get('min') ?? '';
  const max = params.get('max') ?? '';
  f.amountMin = AMOUNT.test(min) ? min : '';
  f.amountMax = AMOUNT.test(max) ? max : '';
  f.search = (params.get('q') ?? '').slice(0, 200);
  const mode: Mode = params.get('view') === 'table' ? 'table' : 'board';
  const key = params.get('sort') ?? '';
  const sort: SortState = key in SORT_OF ? { key, dir: params.get('dir') === 'asc' ? 'asc' : 'desc' } : { key: 'amount', dir: 'desc' };
  return { filters: f, mode, sort };
}

export function writeParams(filters: Filters, mode: Mode, sort: SortState | null): URLSearchParams {
  const p = new URLSearchParams();
  if (mode === 'table') p.set('view', 'table');
  if (filters.teamId) p.set('team', filters.teamId);
  if (filters.ownerIds.length) p.set('owners', filters.ownerIds.join(','));
  if (filters.stageIds.length) p.set('stages', filters.stageIds.join(','));
  if (filters.leadSources.length) p.set('sources', filters.leadSources.join(','));
  if (filters.statuses.join(',') !== 'OPEN') p.set('status', filters.statuses.join(','));
  if (filters.closeFrom) p.set('from', filters.closeFrom);
  if (filters.closeTo) p.set('to', filters.closeTo);
  if (filters.amountMin) p.set('min', filters.amountMin);
  if (filters.amountMax) p.set('max', filters.amountMax);
  if (filters.search.trim()) p.set('q', filters.search.trim());
  if (sort && (sort.key !== 'amount' || sort.dir !== 'desc')) {
    p.set('sort', sort.key);
    p.set('dir', sort.dir);
  }
  return p;
}

/** The API's TeamDealsFilter: only what is set (an amount typed with commas is read as the number). */
export function filterVariable(f: Filters): Record<string, unknown> {
  const out: Record<string, unknown> = { statuses: f.statuses.length ? f.statuses : ['OPEN'] };
  if (f.teamId) out.teamId = f.teamId;
  if (f.ownerIds.length) out.ownerIds = f.ownerIds;
  if (f.stageIds.length) out.stageIds = f.stageIds;
  if (f.leadSources.length) out.leadSources = f.leadSources;
  if (f.closeFrom) out.closeFrom = f.closeFrom;
  if (f.closeTo) out.closeTo = f.closeTo;
  const min = f.amountMin.replace(/[\s,，]/g, '');
  const max = f.amountMax.replace(/[\s,，]/g, '');
  if (AMOUNT.test(min)) out.amountMin = min;
  if (AMOUNT.test(max)) out.amountMax = max;
  if (f.search.trim()) out.search = f.search.trim();
  return out;
}

/** How many filters narrow the list (the phone's "Filters (3)"); OPEN alone is the default, not a filter. */
export function activeCount(f: Filters): number {
  return [
    f.teamId !== '',
    f.ownerIds.length > 0,
    f.stageIds.length > 0,
    f.leadSources.length > 0,
    f.statuses.join(',') !== 'OPEN',
    f.closeFrom !== '' || f.closeTo !== '',
    f.amountMin !== '' || f.amountMax !== '',
    f.search.trim() !== '',
  ].filter(Boolean).length;
}

export function toggled<T>(values: readonly T[], value: T, on: boolean): T[] {
  const rest = values.filter((v) => v !== value);
  return on ? [...rest, value] : rest;
}

/** "51–100" of a page. */
export function pageRange(offset: number, shown: number): { from: number; to: number } {
  return { from: shown ? offset + 1 : 0, to: offset + shown };
}
