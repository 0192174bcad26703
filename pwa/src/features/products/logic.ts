// The product table's rules that need no DOM: search, filters, sort, the margin shown while
// typing, and the form checked before it is sent (the server checks it again).
import type { CatalogProduct, ProductInput } from '@/features/products/documents';
import { normalizeAmount } from '@/ui/money';

export type SortKey = 'sku' | 'name' | 'line' | 'listPrice' | 'unitCost' | 'margin';
export type ActiveFilter = 'all' | 'active' | 'inactive';

export interface Filters {
  search: string;
  line: string; // '' for every line
  active: ActiveFilter;
  sort: SortKey;
  descending: boolean;
}

const NUMERIC: ReadonlySet<SortKey> = new Set(['listPrice', 'unitCost', 'margin']);

/** The name to show first in this language (English when there is one, else the primary), then the other. */
export function namesIn(product: CatalogProduct['product'], locale: string): [string, string] {
  return locale === 'en' && product.nameEn ? [product.nameEn, product.nameZh] : [product.nameZh, product.nameEn];
}

function sortValue(item: CatalogProduct, key: SortKey, locale: string): string | number {
  switch (key) {
    case 'listPrice':
      return Number(item.product.listPrice);
    case 'unitCost':
      return Number(item.unitCost);
    case 'margin':
      return Number(item.margin);
    case 'name':
      return namesIn(item.product, locale)[0];
    default:
      return item.product[key];
  }
}

/** The rows shown: searched by SKU or either name, filtered by line and status, sorted (SKU breaks ties). */
export function visibleProducts(items: readonly CatalogProduct[], filters: Filters, locale: string): CatalogProduct[] {
  const needle = filters.search.trim().toLowerCase();
  const rows = items.filter((item) => {
    const p = item.product;
    if (filters.line && p.line !== filters.line) return false;
    if (filters.active === 'active' && !p.isActive) return false;
    if (filters.active === 'inactive' && p.isActive) return false;
    return !needle || [p.sku, p.nameZh, p.nameEn].some((text) => text.toLowerCase().includes(needle));
  });
  const collator = new Intl.Collator(locale, { numeric: true });
  const direction = filters.descending ? -1 : 1;
  return rows.sort((a, b) => {
    const x = sortValue(a, filters.sort, locale);
    const y = sortValue(b, filters.sort, locale);
    const order = NUMERIC.has(filters.sort) ? (x as number) - (y as number) : collator.compare(String(x), String(y));
    return order * direction || collator.compare(a.product.sku, b.product.sku);
  });
}

/** Margin and margin share from what is typed; null until both amounts read as money. */
export function marginOf(listPrice: string, unitCost: string): { amount: number; share: number | null } | null {
  const price = normalizeAmount(listPrice);
  const cost = normalizeAmount(unitCost);
  if (price === null || cost === null) return null;
  const amount = Math.round((Number(price) - Number(cost)) * 100) / 100;
  return { amount, share: Number(price) > 0 ? amount / Number(price) : null };
}

/** The sheet's fields as typed: the input's shape, amounts not yet checked. */
export type ProductForm = ProductInput;

export function formOf(item: CatalogProduct | null): ProductForm {
  if (!item) return { sku: '', nameZh: '', nameEn: '', line: '', listPrice: '', unitCost: '', isActive: true };
  const p = item.product;
  return { sku: p.sku, nameZh: p.nameZh, nameEn: p.nameEn, line: p.line, listPrice: p.listPrice, unitCost: item.unitCost, isActive: p.isActive };
}

export type FormProblem = { field: keyof ProductForm; code: 'REQUIRED' | 'INVALID' };

/** The input to send, or what is wrong with the form (amounts: at most two decimals, no sign). */
export function inputOf(form: ProductForm): { input: ProductInput } | { problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  if (!form.sku.trim()) problems.push({ field: 'sku', code: 'REQUIRED' });
  if (!form.nameZh.trim()) problems.push({ field: 'nameZh', code: 'REQUIRED' });
  const listPrice = normalizeAmount(form.listPrice);
  const unitCost = normalizeAmount(form.unitCost);
  if (listPrice === null) problems.push({ field: 'listPrice', code: form.listPrice.trim() ? 'INVALID' : 'REQUIRED' });
  if (unitCost === null) problems.push({ field: 'unitCost', code: form.unitCost.trim() ? 'INVALID' : 'REQUIRED' });
  if (problems.length || listPrice === null || unitCost === null) return { problems };
  return {
    input: {
      sku: form.sku.trim(), nameZh: form.nameZh.trim(), nameEn: form.nameEn.trim(), line: form.line.trim(),
      listPrice, unitCost, isActive: form.isActive,
    },
  };
}

/** Every line the org has, plus the ones typed into forms since (suggestions for the line field). */
export function lineSuggestions(lines: readonly string[], items: readonly CatalogProduct[]): string[] {
  return [...new Set([...lines, ...items.map((i) => i.product.line)].filter(Boolean))].sort();
}
