// Opening a deal (/deals/new): customer, title, amount or product lines, lead source,
// expected close and stage. A retried submit reuses its clientId, so a deal sent over a
// bad connection is never opened twice.
import '@/features/pipeline/pipeline.css';
import { navigate } from '@/app/router';
import type { Screen } from '@/app/screen';
import { FieldErrors, required } from '@/ui/form';
import { addDays, isoDay } from '@/ui/dates';
import { formatMoney, linesTotal, normalizeAmount, normalizeQuantity } from '@/ui/money';
import { RetryIds } from '@/ui/ids';
import { serverSpeaksCurrentLocale, withOwner } from '@/features/pipeline/common';
import { NetworkError, request } from '@/graphql/client';
import { CREATE_DEAL_MUTATION, CUSTOMERS_QUERY, NEW_DEAL_QUERY } from '@/graphql/documents';
import { failureMessage } from '@/graphql/errors';
import {
  LEAD_SOURCES,
  type CreateDealInput,
  type Customer,
  type DealResult,
  type FieldError,
  type Me,
  type Product,
  type Stage,
} from '@/graphql/types';
import { getLocale, t, type MessageKey } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

const CUSTOMERS_SHOWN = 6;
const SEARCH_DEBOUNCE_MS = 250;
const TITLE_MAX = 200;
const DEFAULT_CLOSE_DAYS = 30;

type Problem = Pick<FieldError, 'field' | 'code' | 'message'>;

interface LineRow {
  key: number;
  product: HTMLSelectElement;
  quantity: HTMLInputElement;
  price: HTMLInputElement;
  total: HTMLElement;
}

export const newDealScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const ownerId = location.params.get('owner');
  const retryIds = new RetryIds();
  const errors = new FieldErrors('new-deal-error', texts);
  let stages: Stage[] = [];
  let products: Product[] = [];
  let customers: Customer[] | null = null;
  let customersFailed = false;
  let selected: Customer | null = null;
  /** Once a customer is chosen the list folds to that one, until "Change". */
  let choosing = true;
  let searchSeq = 0;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  let sending = false;
  let lines: LineRow[] = [];
  let lineKeys = 0;
  let disposed = false;

  let labelIds = 0;
  const label = (key: MessageKey, control: HTMLElement) => {
    control.id ||= `nd-${++labelIds}`;
    return tx(texts, 'label', key, { class: 'label', for: control.id });
  };

  // --- customer -------------------------------------------------------------------
  const search = h('input', { class: 'input search-input', type: 'search', enterkeyhint: 'search', autocomplete: 'off', 'data-testid': 'new-deal-customer-search' });
  texts.attr(search, 'placeholder', 'pipeline.searchCustomers');
  texts.attr(search, 'aria-label', 'pipeline.searchCustomers');
  const searchBox = h('div', { class: 'search' }, icon('search', 'icon search-icon'), search);
  const customerList = h('ul', { class: 'customer-list', role: 'radiogroup', 'aria-labelledby': 'nd-customer-title' });
  const customerError = errors.slot('customerId');

  const loadCustomers = async () => {
    const seq = ++searchSeq;
    try {
      const data = await request<{ customers: Customer[] }>(CUSTOMERS_QUERY, { near: null, search: search.value.trim() || null, first: CUSTOMERS_SHOWN });
      if (seq !== searchSeq || disposed) return;
      customers = data.customers;
      customersFailed = false;
    } catch {
      if (seq !== searchSeq || disposed) return;
      customersFailed = true;
    }
    renderCustomers();
  };
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void loadCustomers(), SEARCH_DEBOUNCE_MS);
  });

  const renderCustomers = () => {
    searchBox.hidden = !choosing;
    if (selected && !choosing) {
      replace(
        customerList,
        h(
          'li',
          { class: 'customer-chosen' },
          customerButton(selected),
          tx(texts, 'button', 'pipeline.changeCustomer', {
            type: 'button',
            class: 'link-button',
            'data-testid': 'change-customer',
            onclick: () => {
              choosing = true;
              renderCustomers();
              search.focus();
            },
          }),
        ),
      );
      return;
    }
    if (customersFailed) {
      replace(
        customerList,
        h('li', { class: 'empty' }, t('pipeline.customersError'), ' ', h('button', { type: 'button', class: 'link-button', onclick: () => void loadCustomers() }, t('app.retry'))),
      );
      return;
    }
    if (customers === null) {
      replace(customerList, Array.from({ length: 3 }, () => h('li', { class: 'skeleton-row' })));
      return;
    }
    const shown = [...customers];
    // The chosen one stays on top while searching for something else.
    if (selected && !shown.some((c) => c.id === selected!.id)) shown.unshift(selected);
    replace(
      customerList,
      shown.length ? shown.map((customer) => h('li', null, customerButton(customer))) : h('li', { class: 'empty' }, t('pipeline.noCustomers')),
    );
  };

  function customerButton(customer: Customer): HTMLButtonElement {
    const isSelected = selected?.id === customer.id;
    return h(
      'button',
      {
        type: 'button',
        role: 'radio',
        class: `customer ${isSelected ? 'is-selected' : ''}`,
        'aria-checked': String(isSelected),
        'data-testid': 'new-deal-customer',
        'data-customer-id': customer.id,
        onclick: () => {
          selected = customer;
          choosing = false;
          errors.clearSlot('customerId');
          renderCustomers();
          renderSubmit();
        },
      },
      h('span', { class: 'customer-check', 'aria-hidden': 'true' }, icon('check')),
      h('span', { class: 'customer-main' }, h('span', { class: 'customer-name' }, customer.name), h('span', { class: 'customer-address' }, customer.address)),
    );
  }

  // --- the deal's own fields -----------------------------------------------------------
  const title = h('input', { class: 'input', maxlength: TITLE_MAX, autocomplete: 'off', required: true, 'data-testid': 'new-deal-title' });
  texts.attr(title, 'placeholder', 'pipeline.titlePlaceholder');
  const amount = h('input', { class: 'input', inputmode: 'decimal', autocomplete: 'off', 'data-testid': 'new-deal-amount' });
  const amountHint = h('p', { class: 'form-hint', hidden: true });
  const leadSource = h(
    'select',
    { class: 'input', 'data-testid': 'new-deal-lead-source' },
    LEAD_SOURCES.map((s) => tx(texts, 'option', `pipeline.source.${s}`, { value: s })),
  );
  const expectedClose = h('input', { type: 'date', class: 'input', required: true, value: isoDay(addDays(new Date(), DEFAULT_CLOSE_DAYS)), 'data-testid': 'new-deal-expected-close' });
  const stage = h('select', { class: 'input', 'data-testid': 'new-deal-stage' });

  // --- product lines ------------------------------------------------------------------
  const lineList = h('ol', { class: 'line-editor', 'data-testid': 'new-deal-lines' });
  const addLine = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'add-line', onclick: () => newLine() }, icon('plus'), tx(texts, 'span', 'pipeline.addProduct'));

  const productOf = (row: LineRow) => products.find((p) => p.id === row.product.value);

  /** The lines the form would send: complete ones only (null: one is half filled in). */
  const lineValues = () =>
    lines.map((row) => ({
      row,
      product: productOf(row),
      quantity: normalizeQuantity(row.quantity.value),
      price: row.price.value.trim() ? normalizeAmount(row.price.value) : (productOf(row)?.listPrice ?? null),
    }));

  const renderAmount = () => {
    const locale = getLocale();
    for (const v of lineValues()) {
      v.row.total.textContent = v.quantity && v.price ? formatMoney(linesTotal([{ quantity: v.quantity, unitPrice: v.price }]), me.org.currency, locale) : '';
    }
    const byLines = lines.length > 0;
    amount.readOnly = byLines;
    amount.classList.toggle('is-derived', byLines);
    amountHint.hidden = !byLines;
    if (byLines) {
      const valid = lineValues().filter((v) => v.quantity && v.price);
      amount.value = valid.length ? linesTotal(valid.map((v) => ({ quantity: v.quantity!, unitPrice: v.price! }))) : '';
      amountHint.textContent = t('pipeline.amountFromLines');
    }
  };

  const newLine = () => {
    const key = ++lineKeys;
    const product = h(
      'select',
      { class: 'input', 'data-testid': 'line-product' },
      tx(texts, 'option', 'pipeline.chooseProduct', { value: '' }),
      products.map((p) => h('option', { value: p.id }, `${p.name} · ${formatMoney(p.listPrice, me.org.currency, getLocale())}`)),
    );
    const quantity = h('input', { class: 'input', inputmode: 'decimal', value: '1', 'data-testid': 'line-quantity' });
    const price = h('input', { class: 'input', inputmode: 'decimal', 'data-testid': 'line-price' });
    const total = h('span', { class: 'line-row-total' });
    const row: LineRow = { key, product, quantity, price, total };
    product.addEventListener('change', () => {
      price.placeholder = productOf(row)?.listPrice ?? '';
      renderAmount();
    });
    for (const input of [quantity, price]) input.addEventListener('input', renderAmount);
    lines.push(row);
    const index = lines.length - 1;
    const rowError = errors.slot(`lines.${index}`, product);
    lineList.append(
      h(
        'li',
        { class: 'line-row', 'data-key': key },
        h('div', { class: 'line-row-product' }, label('pipeline.product', product), product),
        h('div', { class: 'line-row-qty' }, label('pipeline.quantity', quantity), quantity),
        h('div', { class: 'line-row-price' }, label('pipeline.unitPrice', price), price),
        h(
          'div',
          { class: 'line-row-foot' },
          total,
          tx(texts, 'button', 'pipeline.remove', { type: 'button', class: 'link-button line-remove', 'data-testid': 'remove-line', onclick: () => removeLine(row) }),
        ),
        rowError,
      ),
    );
    renderAmount();
    product.focus();
  };

  const removeLine = (row: LineRow) => {
    const index = lines.indexOf(row);
    lines = lines.filter((r) => r !== row);
    lineList.querySelector(`[data-key="${row.key}"]`)?.remove();
    // Error slots follow the lines' positions, as the server names them.
    for (let i = index; i <= lines.length; i++) errors.forget(`lines.${i}`);
    lines.forEach((r, i) => {
      const el = lineList.querySelector(`[data-key="${r.key}"] .field-error`);
      if (el) el.remove();
      lineList.querySelector(`[data-key="${r.key}"]`)?.append(errors.slot(`lines.${i}`, r.product));
    });
    if (!lines.length) amount.value = '';
    renderAmount();
  };

  // --- submit ---------------------------------------------------------------------
  const submitLabel = h('span');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block btn-large', 'data-testid': 'create-deal' }, submitLabel);

  /** The input to send, or what is missing; without clientId (that comes from the retry slot). */
  const collect = (): Omit<CreateDealInput, 'clientId'> | Problem[] => {
    const problems: Problem[] = [];
    if (!selected) problems.push({ field: 'customerId', code: 'REQUIRED', message: t('pipeline.chooseCustomer') });
    if (!title.value.trim()) problems.push(required('title'));
    const values = lineValues();
    values.forEach((v, i) => {
      if (!v.product) problems.push({ field: `lines.${i}.productId`, code: 'REQUIRED', message: t('pipeline.chooseProduct') });
      else if (!v.quantity) problems.push({ field: `lines.${i}.quantity`, code: 'INVALID', message: t('pipeline.quantityInvalid') });
      else if (!v.price) problems.push({ field: `lines.${i}.unitPrice`, code: 'INVALID', message: t('pipeline.amountInvalid') });
    });
    let money: string | null = null;
    if (!lines.length) {
      if (!amount.value.trim()) problems.push(required('amount'));
      else if (!(money = normalizeAmount(amount.value))) problems.push({ field: 'amount', code: 'INVALID', message: t('pipeline.amountInvalid') });
    }
    if (!expectedClose.value) problems.push(required('expectedClose'));
    if (problems.length) return problems;
    return {
      customerId: selected!.id,
      title: title.value.trim(),
      leadSource: leadSource.value as CreateDealInput['leadSource'],
      expectedClose: expectedClose.value,
      // With lines the server sums them; sending our total too could only disagree.
      amount: lines.length ? null : money,
      lines: values.map((v) => ({ productId: v.product!.id, quantity: v.quantity!, unitPrice: v.row.price.value.trim() ? v.price : null })),
      stageId: stage.value || null,
      ownerId,
    };
  };

  const renderSubmit = () => {
    const input = collect();
    const retry = !Array.isArray(input) && retryIds.isRetry('create', input);
    submit.disabled = sending;
    submit.setAttribute('aria-busy', String(sending));
    submitLabel.textContent = t(sending ? 'pipeline.creating' : retry ? 'pipeline.retry' : 'pipeline.create');
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (sending) return;
    errors.clear();
    const input = collect();
    if (Array.isArray(input)) {
      errors.show(input);
      if (input.some((p) => p.field === 'customerId')) customerList.querySelector<HTMLElement>('[role="radio"]')?.focus();
      return;
    }
    const clientId = retryIds.idFor('create', input);
    sending = true;
    renderSubmit();
    try {
      const { createDeal } = await request<{ createDeal: DealResult }>(CREATE_DEAL_MUTATION, { input: { ...input, clientId } });
      retryIds.settle('create');
      if (disposed) return;
      if (createDeal.__typename === 'DealSuccess') {
        navigate(`/deals/${encodeURIComponent(createDeal.deal.id)}`, { replace: true });
        return;
      }
      errors.show(createDeal.errors);
    } catch (failure) {
      if (disposed) return;
      // Unanswered: "Retry" sends the same clientId; a deal that did get through is replayed.
      errors.message(failure instanceof NetworkError ? t('pipeline.createNetwork') : failureMessage(failure));
    }
    sending = false;
    renderSubmit();
  };

  // --- layout ---------------------------------------------------------------------
  const form = h(
    'form',
    { class: 'new-deal-form', novalidate: true, onsubmit: onSubmit, oninput: () => renderSubmit(), onchange: () => renderSubmit() },
    h(
      'section',
      { class: 'field customers' },
      tx(texts, 'h2', 'pipeline.customer', { class: 'label', id: 'nd-customer-title' }),
      searchBox,
      customerList,
      customerError,
    ),
    errors.field('pipeline.dealTitle', title, 'title'),
    h(
      'section',
      { class: 'field lines-field' },
      h('div', { class: 'label-row' }, tx(texts, 'h2', 'pipeline.lines', { class: 'label' }), tx(texts, 'span', 'pipeline.optional', { class: 'counter' })),
      lineList,
      errors.slot('lines'),
      h('div', null, addLine),
    ),
    h('div', { class: 'form-row' }, errors.field('pipeline.amount', amount, 'amount', amountHint), errors.field('pipeline.expectedClose', expectedClose, 'expectedClose')),
    h('div', { class: 'form-row' }, errors.field('pipeline.leadSource', leadSource, 'leadSource'), errors.field('pipeline.stage', stage, 'stageId')),
    errors.slot('ownerId'),
    h('div', { class: 'submit-bar' }, errors.summary, submit),
  );

  const loadChoices = async () => {
    try {
      const data = await request<{ stages: Stage[]; products: Product[] }>(NEW_DEAL_QUERY);
      if (disposed) return;
      stages = data.stages.filter((s) => s.outcome === 'OPEN');
      products = data.products;
      const keep = stage.value;
      replace(stage, stages.map((s) => h('option', { value: s.id }, t('pipeline.stageOption', { stage: s.name, p: s.probability }))));
      if (keep) stage.value = keep;
      addLine.disabled = products.length === 0;
    } catch (failure) {
      if (!disposed) errors.message(failureMessage(failure));
    }
  };

  texts.on(() => {
    renderCustomers();
    renderAmount();
    renderSubmit();
    // Stage names come from the server, in the language it has saved for me.
    void serverSpeaksCurrentLocale().then(loadChoices);
  });
  addLine.disabled = true;
  root.append(
    h(
      'section',
      { class: 'page page-narrow new-deal-page' },
      h('a', { class: 'back-link', href: withOwner('/deals', ownerId) }, icon('chevron', 'icon flip'), tx(texts, 'span', 'pipeline.back')),
      h('header', { class: 'page-head' }, tx(texts, 'h1', 'pipeline.newDealTitle', { class: 'page-title' })),
      form,
    ),
  );
  renderCustomers();
  renderSubmit();
  void loadCustomers();
  void loadChoices();
  return () => {
    disposed = true;
    clearTimeout(searchTimer);
    texts.dispose();
  };
};
