// Pure pieces of the customers screens: the list's query from its state, people and teams from the tree,
// and the typed position a form sends.
import type { CoordSystem, CustomerFilter, CustomerSort, TreeNode } from '@/features/customers/documents';

export const PAGE_SIZE = 50;
export const SYSTEMS: CoordSystem[] = ['WGS84', 'GCJ02', 'BD09'];

export interface ListState {
  search: string;
  ownerId: string;
  teamId: string;
  tier: string;
  city: string;
  industry: string;
  atRisk: boolean;
  openPipeline: boolean;
  notVisited30: boolean;
  // The open pool (customers without an owner) instead of my customers.
  pool: boolean;
  noPosition: boolean;
  sort: CustomerSort;
  descending: boolean;
  offset: number;
}

export const EMPTY_LIST: ListState = {
  search: '', ownerId: '', teamId: '', tier: '', city: '', industry: '',
  atRisk: false, openPipeline: false, notVisited30: false, pool: false, noPosition: false, sort: 'NAME', descending: false, offset: 0,
};

/** The filter the server takes; only what is set. */
export function filterOf(state: ListState, now: Date): CustomerFilter {
  const filter: CustomerFilter = {};
  if (state.search.trim()) filter.search = state.search.trim();
  if (state.ownerId) filter.ownerIds = [state.ownerId];
  if (state.teamId) filter.teamId = state.teamId;
  if (state.tier) filter.tiers = [state.tier];
  if (state.city) filter.city = state.city;
  if (state.industry) filter.industry = state.industry;
  if (state.atRisk) filter.atRisk = true;
  if (state.openPipeline) filter.hasOpenPipeline = true;
  if (state.pool) filter.pool = true;
  if (state.noPosition) filter.hasPosition = false;
  if (state.notVisited30) filter.lastVisitBefore = new Date(now.getTime() - 30 * 86_400_000).toISOString();
  return filter;
}

export function people(tree: TreeNode[]): Array<{ id: string; name: string }> {
  return tree.filter((e) => e.node.kind === 'USER').map((e) => ({ id: e.node.id, name: e.node.name }));
}

export function teams(tree: TreeNode[]): Array<{ id: string; name: string; depth: number }> {
  return tree.filter((e) => e.node.kind === 'TEAM').map((e) => ({ id: e.node.id, name: e.node.name, depth: e.depth }));
}

/** A typed coordinate, or null when it is not a number in range. */
export function parseCoordinate(raw: string, limit: 90 | 180): number | null {
  const text = raw.trim().replace('，', ',');
  if (!/^-?\d{1,3}(\.\d+)?$/.test(text)) return null;
  const value = Number(text);
  return Math.abs(value) <= limit ? value : null;
}

/** "31.2304, 121.4737" pasted from a map app into the latitude field: both at once. */
export function splitPair(raw: string): [string, string] | null {
  const parts = raw.split(/[,，\s]+/).filter(Boolean);
  return parts.length === 2 ? [parts[0]!, parts[1]!] : null;
}
