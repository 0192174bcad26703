// The data table's pure parts (ui/table.ts draws them): sorting, filtering and selection.
// No DOM here, so vitest runs it in node.

export type SortDir = 'asc' | 'desc';
export interface SortState {
  key: string;
  dir: SortDir;
}
/** What a column sorts by: text (collated as Chinese), a number, or a decimal string ("1234.50"). */
export type SortValue = string | number | null | undefined;

/** A table's own state, kept by the screen in its state (one state, one draw). */
export interface TableState {
  sort: SortState | null;
  query: string;
  selected: ReadonlySet<string>;
  /** The last row clicked without shift: the other end of a shift-click range. */
  anchor: string | null;
}

export function tableState(sort: SortState | null = null): TableState {
  return { sort, query: '', selected: new Set(), anchor: null };
}

// zh-CN orders Chinese by pinyin and Latin letters alphabetically; `numeric` puts "A2" before "A10".
let collator: Intl.Collator | null = null;
function textCollator(): Intl.Collator {
  collator ??= new Intl.Collator('zh-CN', { numeric: true, sensitivity: 'base' });
  return collator;
}

const DECIMAL = /^\s*([+-])?(\d*)(?:\.(\d*))?\s*$/;

/** A plain decimal string (money from the API): "-12", "1234.50", ".5". */
export function isDecimalString(value: string): boolean {
  const m = DECIMAL.exec(value);
  return m !== null && (Boolean(m[2]) || Boolean(m[3]));
}

/** Exact comparison of two decimal strings, whatever their length (no float rounding). */
export function compareDecimals(a: string, b: string): number {
  const [sa, ia, fa] = decimalParts(a);
  const [sb, ib, fb] = decimalParts(b);
  if (sa !== sb) return sa - sb;
  let magnitude = ia.length - ib.length || (ia < ib ? -1 : ia > ib ? 1 : 0);
  if (magnitude === 0) {
    const width = Math.max(fa.length, fb.length);
    const pa = fa.padEnd(width, '0');
    const pb = fb.padEnd(width, '0');
    magnitude = pa < pb ? -1 : pa > pb ? 1 : 0;
  }
  return sa < 0 ? -magnitude : magnitude;
}

function decimalParts(value: string): [number, string, string] {
  const m = DECIMAL.exec(value);
  const int = (m?.[2] ?? '').replace(/^0+/, '');
  const frac = (m?.[3] ?? '').replace(/0+$/, '');
  // -0 and 0 are the same number.
  const sign = !int && !frac ? 0 : m?.[1] === '-' ? -1 : 1;
  return [sign, int, frac];
}

function isEmpty(value: SortValue): value is null | undefined | '' {
  return value === null || value === undefined || value === '' || (typeof value === 'number' && Number.isNaN(value));
}

/**
 * Ascending order of two sort values: numbers numerically, decimal strings exactly,
 * other text by the zh-CN collation. Empty values compare equal here; sortRows puts them last.
 */
export function compareValues(a: SortValue, b: SortValue): number {
  if (isEmpty(a) || isEmpty(b)) return isEmpty(a) === isEmpty(b) ? 0 : isEmpty(a) ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  if (isDecimalString(sa) && isDecimalString(sb)) return compareDecimals(sa, sb);
  return textCollator().compare(sa, sb);
}

/** A stable sort; empty values stay last in both directions. */
export function sortRows<R>(rows: readonly R[], value: (row: R) => SortValue, dir: SortDir): R[] {
  const keyed = rows.map((row, index) => ({ row, index, v: value(row) }));
  keyed.sort((x, y) => {
    const ex = isEmpty(x.v);
    const ey = isEmpty(y.v);
    if (ex || ey) return ex === ey ? x.index - y.index : ex ? 1 : -1;
    const c = compareValues(x.v, y.v);
    return (dir === 'asc' ? c : -c) || x.index - y.index;
  });
  return keyed.map((k) => k.row);
}

/** A click on a header: a new column starts in its natural direction, the same one flips. */
export function nextSort(current: SortState | null, key: string, firstDir: SortDir = 'asc'): SortState {
  if (current?.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: firstDir };
}

/** Every whitespace-separated term must appear (case-insensitive) in the row's text. */
export function matchesQuery(text: string, query: string): boolean {
  const terms = query.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (!terms.length) return true;
  const hay = text.toLocaleLowerCase();
  return terms.every((term) => hay.includes(term));
}

export function filterRows<R>(rows: readonly R[], query: string, text: (row: R) => string): R[] {
  if (!query.trim()) return [...rows];
  return rows.filter((row) => matchesQuery(text(row), query));
}

/** The selected rows among those shown: the count and the bulk actions use only these. */
export function visibleSelection(selected: ReadonlySet<string>, visibleIds: readonly string[]): string[] {
  return visibleIds.filter((id) => selected.has(id));
}

export type AllState = 'none' | 'some' | 'all';

export function selectAllState(selected: ReadonlySet<string>, visibleIds: readonly string[]): AllState {
  const count = visibleSelection(selected, visibleIds).length;
  if (count === 0) return 'none';
  return count === visibleIds.length ? 'all' : 'some';
}

/** The header checkbox: all shown rows on, unless all already are (then all shown off). */
export function toggleAllVisible(selected: ReadonlySet<string>, visibleIds: readonly string[]): Set<string> {
  const next = new Set(selected);
  const on = selectAllState(selected, visibleIds) !== 'all';
  for (const id of visibleIds) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}

/**
 * A row's checkbox set to `on`. With shift and an anchor still shown, every row between
 * the anchor and this one (in the order shown) takes the same value, as in a file manager.
 */
export function toggleRow(
  state: Pick<TableState, 'selected' | 'anchor'>,
  visibleIds: readonly string[],
  id: string,
  on: boolean,
  shift = false,
): Pick<TableState, 'selected' | 'anchor'> {
  const next = new Set(state.selected);
  const from = shift && state.anchor !== null ? visibleIds.indexOf(state.anchor) : -1;
  const to = visibleIds.indexOf(id);
  const range = from >= 0 && to >= 0 ? visibleIds.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
  for (const each of range) {
    if (on) next.add(each);
    else next.delete(each);
  }
  return { selected: next, anchor: id };
}

export type ExportFormat = 'csv' | 'xlsx';
/** A list's filters as an export URL's query: set values only, lists as repeated keys. */
export type ExportParams = Record<string, string | number | boolean | readonly string[] | null | undefined>;

/** The export link of a list: `path?filters…&format=csv`, the same filters the list's query uses. */
export function exportHref(path: string, params: ExportParams, format: ExportFormat): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value)) for (const item of value) query.append(key, String(item));
    else query.set(key, String(value));
  }
  query.set('format', format);
  return `${path}?${query.toString()}`;
}
