// The product table's rules that need no DOM: which name first, the line and status filters, the margin shown while
// typing, and the form checked before it is sent (the server checks it again).
import type { CatalogProduct, ProductInput } from '@/features/products/documents';
import { normalizeAmount } from '@/ui/money';

export type ActiveFilter = 'all' | 'active' | 'inactive';

/** The name to show first in this language (English when there is one, else the primary), then the other. */
export function namesIn(product: CatalogProduct['product'], locale: string): [string, string] {
  return locale === 'en' && product.nameEn ? [product.nameEn, product.nameZh] : [product.nameZh, product.nameEn];
}

/** The screen's own filters (the table searches and sorts what is left): one line or all, active, inactive or both. */
export function filterProducts(items: readonly CatalogProduct[], line: string, active: ActiveFilter): CatalogProduct[] {
  return items.filter((item) => {
    const p = item.product;
    if (line && p.line !== line) return false;
    if (active === 'active') return p.isActive;
    return active === 'inactive' ? !p.isActive : true;
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
