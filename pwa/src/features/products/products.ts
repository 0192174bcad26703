// /settings/products: the catalog in the shared data table (ui/table.ts: sort by any column,
// search SKU or name, select rows to deactivate or reactivate them at once; filter by line and status); admins add and edit in a sheet with both names, the line (suggested
// from the org's lines), list price, cost and the margin they give, and the active switch.
// Managers read it. Deals offer the active products only; old deals keep theirs.
import '@/features/products/products.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Screen } from '@/app/screen';
import {
  CREATE_PRODUCT_MUTATION,
  PRODUCT_CATALOG_QUERY,
  SET_PRODUCT_ACTIVE_MUTATION,
  UPDATE_PRODUCT_MUTATION,
  type CatalogProduct,
  type ProductResult,
} from '@/features/products/documents';
import {
  filterProducts,
  formOf,
  inputOf,
  lineSuggestions,
  marginOf,
  namesIn,
  type ActiveFilter,
  type ProductForm,
} from '@/features/products/logic';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { getLocale, t, type MessageKey } from '@/i18n';
import { errorSlots } from '@/ui/form';
import { formatMoney } from '@/ui/money';
import { dataTable, tableState, type Column, type TableState } from '@/ui/table';
import { mount, type View } from '@/ui/view';

const FIELDS = ['sku', 'nameZh', 'nameEn', 'line', 'listPrice', 'unitCost', 'isActive'] as const;

interface Sheet {
  /** null: a new product. */
  editing: CatalogProduct | null;
  form: ProductForm;
  errors: Record<string, string>;
  summary: string | null;
  busy: boolean;
}

interface State {
  items: CatalogProduct[] | null;
  lines: string[];
  loadError: string | null;
  table: TableState;
  line: string; // '' for every line
  active: ActiveFilter;
  sheet: Sheet | null;
  /** Said again in the language of the moment (a switch redraws it). */
  notice: (() => string) | null;
  error: string | null;
}

export const productsScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const admin = me.user.role === 'ADMIN';
  const host = document.createElement('div');
  root.append(host);
  let alive = true;
  const money = (amount: string | number) => formatMoney(amount, me.org.currency, getLocale());

  const view = mount<State>(host, {
    items: null, lines: [], loadError: null, notice: null, error: null, sheet: null,
    table: tableState({ key: 'sku', dir: 'asc' }), line: '', active: 'all',
  }, draw);

  async function load(): Promise<void> {
    try {
      const data = await request<{ productCatalog: CatalogProduct[]; productLines: string[] }>(PRODUCT_CATALOG_QUERY);
      if (alive) view.update({ items: data.productCatalog, lines: data.productLines, loadError: null });
    } catch (failure) {
      if (alive) view.update({ loadError: failureMessage(failure) });
    }
  }

  function replaceItem(item: CatalogProduct): void {
    view.update((s) => {
      const items = s.items ?? [];
      const known = items.some((i) => i.product.id === item.product.id);
      return {
        items: known ? items.map((i) => (i.product.id === item.product.id ? item : i)) : [...items, item],
        lines: lineSuggestions(s.lines, [item]),
      };
    });
  }

  function openSheet(editing: CatalogProduct | null): void {
    view.update({ sheet: { editing, form: formOf(editing), errors: {}, summary: null, busy: false }, notice: null, error: null });
    queueMicrotask(() => host.querySelector<HTMLElement>('[data-autofocus]')?.focus());
  }

  const closeSheet = () => view.update({ sheet: null });

  function setForm(patch: Partial<ProductForm>, field: string): void {
    view.update((s) => {
      if (!s.sheet) return {};
      const errors = { ...s.sheet.errors };
      delete errors[field];
      return { sheet: { ...s.sheet, form: { ...s.sheet.form, ...patch }, errors } };
    });
  }

  async function save(event: Event): Promise<void> {
    event.preventDefault();
    const sheet = view.state.sheet;
    if (!sheet || sheet.busy) return;
    const built = inputOf(sheet.form);
    if ('problems' in built) {
      const errors: Record<string, string> = {};
      for (const p of built.problems) errors[p.field] = p.code === 'REQUIRED' ? t('error.REQUIRED') : t('products.notAmount');
      view.update({ sheet: { ...sheet, errors, summary: null } });
      return;
    }
    view.update({ sheet: { ...sheet, busy: true, errors: {}, summary: null } });
    try {
      const data = sheet.editing
        ? await request<{ updateProduct: ProductResult }>(UPDATE_PRODUCT_MUTATION, { id: sheet.editing.product.id, input: built.input })
        : await request<{ createProduct: ProductResult }>(CREATE_PRODUCT_MUTATION, { input: built.input });
      const result = 'updateProduct' in data ? data.updateProduct : data.createProduct;
      if (result.__typename === 'OperationError') {
        const { bySlot, rest } = errorSlots(result.errors, FIELDS);
        const errors = Object.fromEntries(Object.entries(bySlot).map(([k, v]) => [k, v.join(' ')]));
        view.update((s) => ({ sheet: s.sheet && { ...s.sheet, busy: false, errors, summary: rest.join(' ') || null } }));
        return;
      }
      replaceItem(result.item);
      view.update({ sheet: null, notice: () => t('products.saved', { sku: result.item.product.sku }) });
    } catch (failure) {
      // A create sent twice meets the SKU already taken (DUPLICATE), never a second product.
      view.update((s) => ({ sheet: s.sheet && { ...s.sheet, busy: false, summary: failureMessage(failure) } }));
    }
  }

  /** Deactivate or reactivate one product or a selection; each is its own write, all are sent. */
  async function setActive(items: CatalogProduct[], active: boolean): Promise<void> {
    const changing = items.filter((i) => i.product.isActive !== active);
    const problems: string[] = [];
    for (const item of changing) {
      try {
        const { setProductActive } = await request<{ setProductActive: ProductResult }>(SET_PRODUCT_ACTIVE_MUTATION, { id: item.product.id, active });
        if (setProductActive.__typename === 'OperationError') problems.push(...setProductActive.errors.map((e) => e.message));
        else replaceItem(setProductActive.item);
      } catch (failure) {
        problems.push(failureMessage(failure));
        break;
      }
    }
    const skus = changing.map((i) => i.product.sku).join(', ');
    view.update((s) => ({
      error: problems.length ? problems.join(' ') : null,
      notice: problems.length || !skus ? null : () => t('products.saved', { sku: skus }),
      table: { ...s.table, selected: new Set(), anchor: null },
    }));
  }

  function draw(state: State, v: View<State>): TemplateResult {
    return html`
      <section class="page products-page" data-testid="products-page">
        <header class="page-head products-head">
          <div>
            <h1 class="page-title">${t('products.title')}</h1>
            <p class="page-sub">${admin ? t('products.lead') : t('products.readOnly')}</p>
          </div>
          ${admin ? html`<button type="button" class="btn btn-primary" data-testid="product-add" @click=${() => openSheet(null)}>${t('products.add')}</button>` : nothing}
        </header>
        ${state.notice ? html`<p class="form-ok" role="status" data-testid="products-notice">${state.notice()}</p>` : nothing}
        ${state.error ? html`<p class="form-error" role="alert" data-testid="products-error">${state.error}</p>` : nothing}
        ${table(state)}
        ${state.sheet ? sheet(state, state.sheet, v) : nothing}
      </section>`;
  }

  function filters(state: State): TemplateResult {
    return html`
      <select class="input products-filter" data-testid="products-line-filter" aria-label=${t('products.col.line')}
        @change=${(e: Event) => view.update({ line: (e.target as HTMLSelectElement).value })}>
        <option value="" ?selected=${state.line === ''}>${t('products.allLines')}</option>
        ${state.lines.map((line) => html`<option value=${line} ?selected=${state.line === line}>${line}</option>`)}
      </select>
      <select class="input products-filter" data-testid="products-status-filter" aria-label=${t('products.col.active')}
        @change=${(e: Event) => view.update({ active: (e.target as HTMLSelectElement).value as ActiveFilter })}>
        ${(['all', 'active', 'inactive'] as const).map((a) => html`<option value=${a} ?selected=${state.active === a}>${t(`products.status.${a}` as MessageKey)}</option>`)}
      </select>`;
  }

  function columns(): Array<Column<CatalogProduct>> {
    const locale = getLocale();
    const list: Array<Column<CatalogProduct>> = [
      // On a phone the card's corner holds the checkbox: the SKU goes under the name instead.
      { key: 'sku', header: 'products.col.sku', phoneHidden: true, cell: (r) => html`<span class="products-sku">${r.product.sku}</span>`, sort: (r) => r.product.sku, width: '9rem' },
      {
        key: 'name', header: 'products.col.name', primary: true, sort: (r) => namesIn(r.product, locale)[0],
        cell: (r) => {
          const [name, other] = namesIn(r.product, locale);
          return html`<strong>${name}</strong>${other && other !== name ? html`<span class="products-other">${other}</span>` : nothing}
            <span class="products-sku products-sku-phone">${r.product.sku}</span>`;
        },
      },
      { key: 'line', header: 'products.col.line', sort: (r) => r.product.line, cell: (r) => (r.product.line ? html`<span class="chip products-line">${r.product.line}</span>` : '—') },
      { key: 'listPrice', header: 'products.col.price', numeric: true, firstDir: 'desc', sort: (r) => Number(r.product.listPrice), cell: (r) => money(r.product.listPrice) },
      { key: 'unitCost', header: 'products.col.cost', numeric: true, firstDir: 'desc', sort: (r) => Number(r.unitCost), cell: (r) => money(r.unitCost) },
      {
        key: 'margin', header: 'products.col.margin', numeric: true, firstDir: 'desc', sort: (r) => Number(r.margin),
        cell: (r) => {
          const share = Number(r.product.listPrice) > 0 ? Math.round((Number(r.margin) / Number(r.product.listPrice)) * 100) : null;
          return html`<span class=${Number(r.margin) < 0 ? 'is-negative' : ''}>${money(r.margin)}${share !== null ? html`<span class="products-share"> ${share}%</span>` : nothing}</span>`;
        },
      },
      {
        key: 'active', header: 'products.col.active', sort: (r) => (r.product.isActive ? 1 : 0),
        cell: (r) => html`<span class="chip ${r.product.isActive ? 'products-on' : 'products-off'}">${t(r.product.isActive ? 'products.status.active' : 'products.status.inactive')}</span>`,
      },
    ];
    if (admin) {
      list.push({
        key: 'actions', header: 'products.col.actions',
        cell: (r) => html`<span class="products-row-actions">
          <button type="button" class="btn btn-ghost btn-small" data-testid="product-edit" @click=${() => openSheet(r)}>${t('products.edit')}</button>
          <button type="button" class="btn btn-ghost btn-small" data-testid="product-toggle" @click=${() => void setActive([r], !r.product.isActive)}>
            ${t(r.product.isActive ? 'products.deactivate' : 'products.reactivate')}</button></span>`,
      });
    }
    return list;
  }

  function table(state: State): TemplateResult {
    if (state.loadError) {
      return html`<div class="card products-empty"><p class="form-error" role="alert">${t('products.loadFailed')} ${state.loadError}</p>
        <button type="button" class="btn btn-ghost" @click=${() => void load()}>↻</button></div>`;
    }
    if (!state.items) return html`<div class="card products-empty" aria-busy="true"><p class="empty-inline">…</p></div>`;
    const items = state.items;
    const bySku = (skus: string[]) => items.filter((i) => skus.includes(i.product.sku));
    return html`<div class="card products-card">${dataTable<CatalogProduct>({
      rows: filterProducts(items, state.line, state.active),
      columns: columns(),
      rowId: (r) => r.product.sku,
      label: t('products.title'),
      state: state.table,
      onChange: (table) => view.update({ table }),
      searchable: true,
      searchPlaceholder: t('products.search'),
      filterText: (r) => `${r.product.sku} ${r.product.nameZh} ${r.product.nameEn}`,
      selectable: admin,
      actions: admin
        ? [
            { id: 'deactivate', label: t('products.deactivate'), run: (skus) => void setActive(bySku(skus), false) },
            { id: 'reactivate', label: t('products.reactivate'), run: (skus) => void setActive(bySku(skus), true) },
          ]
        : [],
      toolbar: filters(state),
      empty: html`<p class="empty-inline" data-testid="products-none">${t('products.none')}</p>`,
      testId: 'products-table',
      rowTestId: 'product-row',
      rowData: (r) => ({ status: r.product.isActive ? 'active' : 'inactive' }),
    })}</div>`;
  }

  function sheet(state: State, s: Sheet, v: View<State>): TemplateResult {
    const f = s.form;
    const margin = marginOf(f.listPrice, f.unitCost);
    const field = (key: keyof ProductForm, label: string, control: TemplateResult, hint?: string) => html`
      <div class="field">
        <label class="label" for="product-${key}">${label}${hint ? html` <span class="products-optional">${hint}</span>` : nothing}</label>
        ${control}
        ${s.errors[key] ? html`<p class="field-error" data-testid="field-error" data-field=${key}>${s.errors[key]}</p>` : nothing}
      </div>`;
    const text = (key: 'sku' | 'nameZh' | 'nameEn' | 'line', max: number, extra: { list?: string; autofocus?: boolean } = {}) => html`
      <input id="product-${key}" class="input" data-testid="product-${key}" maxlength=${max} autocomplete="off" list=${extra.list ?? nothing}
        ?data-autofocus=${extra.autofocus ?? false} aria-invalid=${s.errors[key] ? 'true' : nothing} .value=${f[key]}
        @input=${(e: Event) => setForm({ [key]: (e.target as HTMLInputElement).value }, key)} />`;
    const amount = (key: 'listPrice' | 'unitCost') => html`
      <input id="product-${key}" class="input" data-testid="product-${key}" inputmode="decimal" autocomplete="off"
        aria-invalid=${s.errors[key] ? 'true' : nothing} .value=${f[key]}
        @input=${(e: Event) => setForm({ [key]: (e.target as HTMLInputElement).value }, key)} />`;
    return html`
      <div class="products-backdrop" @click=${closeSheet}></div>
      <aside class="products-sheet" role="dialog" aria-modal="true" aria-labelledby="product-sheet-title" data-testid="product-sheet"
        @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape') closeSheet(); }}>
        <form class="products-form" novalidate @submit=${(e: Event) => void save(e)}>
          <h2 id="product-sheet-title" class="products-sheet-title">
            ${s.editing ? t('products.editTitle', { sku: s.editing.product.sku }) : t('products.newTitle')}</h2>
          ${field('sku', t('products.field.sku'), text('sku', 40, { autofocus: true }))}
          ${field('nameZh', t('products.field.nameZh'), text('nameZh', 200))}
          ${field('nameEn', t('products.field.nameEn'), text('nameEn', 200), t('products.optional'))}
          ${field('line', t('products.field.line'), text('line', 80, { list: 'product-lines' }), t('products.optional'))}
          <datalist id="product-lines">${lineSuggestions(state.lines, state.items ?? []).map((line) => html`<option value=${line}></option>`)}</datalist>
          <div class="products-money">
            ${field('listPrice', t('products.field.listPrice', { currency: me.org.currency }), amount('listPrice'))}
            ${field('unitCost', t('products.field.unitCost', { currency: me.org.currency }), amount('unitCost'))}
          </div>
          <p class="products-margin ${margin && margin.amount < 0 ? 'is-negative' : ''}" data-testid="product-margin" aria-live="polite">
            ${margin
              ? t('products.margin', { amount: money(margin.amount), percent: margin.share === null ? '—' : `${Math.round(margin.share * 1000) / 10}%` })
              : t('products.marginUnknown')}</p>
          <label class="products-switch">
            <input type="checkbox" data-testid="product-active" .checked=${f.isActive}
              @change=${(e: Event) => setForm({ isActive: (e.target as HTMLInputElement).checked }, 'isActive')} />
            <span>${t('products.field.active')}</span>
          </label>
          ${s.summary ? html`<p class="form-error" role="alert" data-testid="product-sheet-error">${s.summary}</p>` : nothing}
          <div class="products-sheet-actions">
            <button type="submit" class="btn btn-primary" data-testid="product-save" ?disabled=${s.busy}>${t(s.busy ? 'products.saving' : 'products.save')}</button>
            <button type="button" class="btn btn-ghost" data-testid="product-cancel" @click=${closeSheet}>${t('products.cancel')}</button>
          </div>
        </form>
      </aside>`;
  }

  void load();
  return () => {
    alive = false;
    view.stop();
  };
};
