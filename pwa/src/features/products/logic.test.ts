import { describe, expect, it } from 'vitest';
import type { CatalogProduct } from '@/features/products/documents';
import { filterProducts, formOf, inputOf, lineSuggestions, marginOf, namesIn } from '@/features/products/logic';

const item = (sku: string, name: string, line: string, price: string, cost: string, isActive = true): CatalogProduct => ({
  unitCost: cost,
  margin: (Number(price) - Number(cost)).toFixed(2),
  product: { id: sku, sku, name, nameZh: name, nameEn: `${name} EN`, line, listPrice: price, isActive },
});

const ITEMS = [item('FL-2', '叉车', 'Forklifts', '9000', '6000'), item('FL-10', '电动叉车', 'Forklifts', '12000', '8000', false), item('PL-1', '托盘', 'Pallets', '10', '4')];
describe('product table', () => {
  it('filters by line and status', () => {
    expect(filterProducts(ITEMS, 'Forklifts', 'active').map((i) => i.product.sku)).toEqual(['FL-2']);
    expect(filterProducts(ITEMS, '', 'inactive').map((i) => i.product.sku)).toEqual(['FL-10']);
    expect(filterProducts(ITEMS, '', 'all')).toHaveLength(3);
  });

  it('shows the English name first in English when there is one', () => {
    expect(namesIn(ITEMS[0]!.product, 'en')).toEqual(['叉车 EN', '叉车']);
    expect(namesIn(ITEMS[0]!.product, 'zh-CN')).toEqual(['叉车', '叉车 EN']);
    expect(namesIn({ ...ITEMS[0]!.product, nameEn: '' }, 'en')).toEqual(['叉车', '']);
  });

  it('shows the margin while typing', () => {
    expect(marginOf('12,000', '8000.50')).toEqual({ amount: 3999.5, share: 3999.5 / 12000 });
    expect(marginOf('0', '0')).toEqual({ amount: 0, share: null });
    expect(marginOf('12.345', '1')).toBeNull();
  });

  it('checks the form before sending', () => {
    expect(inputOf({ ...formOf(null), sku: ' ', listPrice: '-1', unitCost: '1.001' })).toEqual({
      problems: [{ field: 'sku', code: 'REQUIRED' }, { field: 'nameZh', code: 'REQUIRED' }, { field: 'listPrice', code: 'INVALID' }, { field: 'unitCost', code: 'INVALID' }],
    });
    expect(inputOf({ ...formOf(ITEMS[0]!), listPrice: '9 500' })).toEqual({
      input: { sku: 'FL-2', nameZh: '叉车', nameEn: '叉车 EN', line: 'Forklifts', listPrice: '9500', unitCost: '6000', isActive: true },
    });
    expect(lineSuggestions(['Tools'], ITEMS)).toEqual(['Forklifts', 'Pallets', 'Tools']);
  });
});
