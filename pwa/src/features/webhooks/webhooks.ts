// /settings/webhooks (admins): endpoints other systems receive signed messages at (Standard Webhooks).
// Cards for the endpoints (URL, what they receive, enabled or stopped by a 410), one editor at a time,
// the signing secret shown once after a create or a rotation (with a copy button), a test event, and
// the selected endpoint's deliveries in the shared table (status, response, attempts, next attempt)
// with a replay button. Drawn with lit-html from one state, so a language switch keeps typed input.
import '@/features/webhooks/webhooks.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Screen } from '@/app/screen';
import {
  CREATE_WEBHOOK_MUTATION,
  DELETE_WEBHOOK_MUTATION,
  REPLAY_WEBHOOK_DELIVERY_MUTATION,
  ROTATE_WEBHOOK_SECRET_MUTATION,
  SEND_TEST_WEBHOOK_MUTATION,
  UPDATE_WEBHOOK_MUTATION,
  WEBHOOK_DELIVERIES_QUERY,
  WEBHOOK_ENDPOINTS_QUERY,
  type DeleteResult,
  type DeliveryResult,
  type SecretResult,
  type UpdateResult,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '@/features/webhooks/documents';
import { canReplay, draftOf, endpointState, EVENT_TYPES, inputOf, OVERLAPS, toggle, typeOfWire, type Draft } from '@/features/webhooks/logic';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatTime, t, type MessageKey } from '@/i18n';
import { errorSlots } from '@/ui/form';
import { dataTable, tableState, type Column, type TableState } from '@/ui/table';
import { mount, type View } from '@/ui/view';

const FIELDS = ['url', 'description', 'eventTypes', 'enabled'] as const;
const URL_MAX = 1024;
const DESCRIPTION_MAX = 200;
const WHEN: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
const EXACT: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'medium' };

interface Editor {
  draft: Draft;
  errors: Record<string, string>;
  summary: string | null;
  busy: boolean;
}

interface State {
  endpoints: WebhookEndpoint[] | null;
  loadError: string | null;
  editor: Editor | null;
  /** A secret just made: shown until the admin says it is saved. */
  secret: { endpointId: string; value: string; copied: boolean } | null;
  rotating: { endpointId: string; hours: number } | null;
  selected: string | null;
  deliveries: WebhookDelivery[] | null;
  deliveriesError: string | null;
  table: TableState;
  notice: (() => string) | null;
  error: string | null;
}

export const webhooksScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const admin = me.user.role === 'ADMIN';
  const host = document.createElement('div');
  root.append(host);
  let alive = true;
  const view = mount<State>(host, {
    endpoints: null, loadError: null, editor: null, secret: null, rotating: null, selected: null, deliveries: null,
    deliveriesError: null, table: tableState({ key: 'created', dir: 'desc' }), notice: null, error: null,
  }, draw);

  async function load(): Promise<void> {
    try {
      const { webhookEndpoints } = await request<{ webhookEndpoints: WebhookEndpoint[] }>(WEBHOOK_ENDPOINTS_QUERY);
      if (!alive) return;
      const selected = view.state.selected ?? webhookEndpoints[0]?.id ?? null;
      view.update({ endpoints: webhookEndpoints, loadError: null, selected });
      if (selected) void loadDeliveries(selected);
    } catch (failure) {
      if (alive) view.update({ loadError: failureMessage(failure) });
    }
  }

  async function loadDeliveries(endpointId: string): Promise<void> {
    try {
      const { webhookDeliveries } = await request<{ webhookDeliveries: WebhookDelivery[] }>(WEBHOOK_DELIVERIES_QUERY, { endpointId });
      if (alive && view.state.selected === endpointId) view.update({ deliveries: webhookDeliveries, deliveriesError: null });
    } catch (failure) {
      if (alive) view.update({ deliveriesError: failureMessage(failure) });
    }
  }

  function select(endpointId: string): void {
    view.update({ selected: endpointId, deliveries: null, deliveriesError: null });
    void loadDeliveries(endpointId);
  }

  function replaceEndpoint(endpoint: WebhookEndpoint): void {
    view.update((s) => {
      const list = s.endpoints ?? [];
      const known = list.some((e) => e.id === endpoint.id);
      return { endpoints: known ? list.map((e) => (e.id === endpoint.id ? endpoint : e)) : [...list, endpoint] };
    });
  }

  function openEditor(endpoint: WebhookEndpoint | null): void {
    view.update({ editor: { draft: draftOf(endpoint, crypto.randomUUID()), errors: {}, summary: null, busy: false }, notice: null, error: null, rotating: null });
    queueMicrotask(() => host.querySelector<HTMLElement>('[data-autofocus]')?.focus());
  }

  function setDraft(patch: Partial<Draft>, field: string): void {
    view.update((s) => {
      if (!s.editor) return {};
      const errors = { ...s.editor.errors };
      delete errors[field];
      return { editor: { ...s.editor, draft: { ...s.editor.draft, ...patch }, errors } };
    });
  }

  async function save(event: Event): Promise<void> {
    event.preventDefault();
    const editor = view.state.editor;
    if (!editor || editor.busy) return;
    const stored = view.state.endpoints?.find((e) => e.id === editor.draft.id) ?? null;
    const input = inputOf(editor.draft, stored);
    view.update({ editor: { ...editor, busy: true, errors: {}, summary: null } });
    try {
      let result: SecretResult | UpdateResult;
      if (editor.draft.id) {
        const { id, ...rest } = input;
        result = (await request<{ updateWebhookEndpoint: UpdateResult }>(UPDATE_WEBHOOK_MUTATION, { input: { id, ...rest } })).updateWebhookEndpoint;
      } else {
        result = (await request<{ createWebhookEndpoint: SecretResult }>(CREATE_WEBHOOK_MUTATION, { input })).createWebhookEndpoint;
      }
      if (result.__typename === 'OperationError') {
        const { bySlot, rest } = errorSlots(result.errors, FIELDS);
        const errors = Object.fromEntries(Object.entries(bySlot).map(([k, v]) => [k, v.join(' ')]));
        view.update((s) => ({ editor: s.editor && { ...s.editor, busy: false, errors, summary: rest.join(' ') || null } }));
        return;
      }
      replaceEndpoint(result.endpoint);
      const secret = result.__typename === 'WebhookSecretSuccess' ? { endpointId: result.endpoint.id, value: result.secret, copied: false } : view.state.secret;
      view.update({ editor: null, secret, notice: () => t('webhooks.saved') });
      if (!view.state.selected || result.__typename === 'WebhookSecretSuccess') select(result.endpoint.id);
    } catch (failure) {
      view.update((s) => ({ editor: s.editor && { ...s.editor, busy: false, summary: failureMessage(failure) } }));
    }
  }

  /** Runs a write and reports its OperationError or failure in the page's error line. */
  async function run<T>(send: () => Promise<T | { __typename: 'OperationError'; errors: Array<{ message: string }> }>, done: (result: T) => void): Promise<void> {
    view.update({ error: null, notice: null });
    try {
      const result = await send();
      if (result && typeof result === 'object' && '__typename' in result && result.__typename === 'OperationError') {
        view.update({ error: (result as { errors: Array<{ message: string }> }).errors.map((e) => e.message).join(' ') });
        return;
      }
      done(result as T);
    } catch (failure) {
      view.update({ error: failureMessage(failure) });
    }
  }

  const rotate = (endpointId: string, hours: number) => run(
    async () => (await request<{ rotateWebhookSecret: SecretResult }>(ROTATE_WEBHOOK_SECRET_MUTATION, { id: endpointId, overlapHours: hours })).rotateWebhookSecret,
    (result: Extract<SecretResult, { __typename: 'WebhookSecretSuccess' }>) => {
      replaceEndpoint(result.endpoint);
      view.update({ rotating: null, secret: { endpointId, value: result.secret, copied: false } });
    },
  );

  const sendTest = (endpoint: WebhookEndpoint) => run(
    async () => (await request<{ sendTestWebhook: DeliveryResult }>(SEND_TEST_WEBHOOK_MUTATION, { id: endpoint.id })).sendTestWebhook,
    () => {
      view.update({ notice: () => t('webhooks.testQueued') });
      select(endpoint.id);
      setTimeout(() => { if (alive && view.state.selected === endpoint.id) void loadDeliveries(endpoint.id); }, 1500);
    },
  );

  const replay = (delivery: WebhookDelivery, endpointId: string) => run(
    async () => (await request<{ replayWebhookDelivery: DeliveryResult }>(REPLAY_WEBHOOK_DELIVERY_MUTATION, { id: delivery.id })).replayWebhookDelivery,
    (result: Extract<DeliveryResult, { __typename: 'WebhookDeliverySuccess' }>) => {
      view.update((s) => ({ notice: () => t('webhooks.replayed'), deliveries: (s.deliveries ?? []).map((d) => (d.id === delivery.id ? result.delivery : d)) }));
      setTimeout(() => { if (alive && view.state.selected === endpointId) void loadDeliveries(endpointId); }, 1500);
    },
  );

  async function remove(endpoint: WebhookEndpoint): Promise<void> {
    if (!window.confirm(t('webhooks.deleteConfirm', { url: endpoint.url }))) return;
    await run(
      async () => (await request<{ deleteWebhookEndpoint: DeleteResult }>(DELETE_WEBHOOK_MUTATION, { id: endpoint.id })).deleteWebhookEndpoint,
      () => {
        view.update((s) => {
          const endpoints = (s.endpoints ?? []).filter((e) => e.id !== endpoint.id);
          const selected = s.selected === endpoint.id ? endpoints[0]?.id ?? null : s.selected;
          return { endpoints, selected, deliveries: s.selected === endpoint.id ? null : s.deliveries, notice: () => t('webhooks.deleted') };
        });
        const next = view.state.selected;
        if (next) void loadDeliveries(next);
      },
    );
  }

  async function copy(value: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(value);
      view.update((s) => ({ secret: s.secret && { ...s.secret, copied: true } }));
    } catch {
      host.querySelector<HTMLInputElement>('[data-testid="webhook-secret-value"]')?.select();
    }
  }

  function draw(state: State, v: View<State>): TemplateResult {
    if (!admin) {
      return html`<section class="page page-narrow empty-page" role="alert" data-testid="webhooks-forbidden">
        <h1 class="page-title">${t('webhooks.adminsOnly')}</h1>
        <a class="btn btn-primary" href="/">${t('webhooks.backHome')}</a></section>`;
    }
    const creating = state.editor && !state.editor.draft.id ? editorCard(state.editor, v) : nothing;
    return html`
      <section class="page webhooks-page" data-testid="webhooks-page">
        <header class="page-head webhooks-head">
          <div>
            <h1 class="page-title">${t('webhooks.title')}</h1>
            <p class="page-sub">${t('webhooks.sub')}</p>
            <p class="webhooks-docs">${t('webhooks.docs')}</p>
          </div>
          ${state.editor && !state.editor.draft.id ? nothing
            : html`<button type="button" class="btn btn-primary" data-testid="webhook-add" @click=${() => openEditor(null)}>${t('webhooks.add')}</button>`}
        </header>
        ${state.notice ? html`<p class="form-ok" role="status" data-testid="webhooks-notice">${state.notice()}</p>` : nothing}
        ${state.error ? html`<p class="form-error" role="alert" data-testid="webhooks-error">${state.error}</p>` : nothing}
        ${state.secret ? secretCard(state.secret) : nothing}
        ${creating}
        ${list(state, v)}
        ${deliveriesCard(state)}
      </section>`;
  }

  function secretCard(secret: NonNullable<State['secret']>): TemplateResult {
    return html`
      <div class="card webhook-secret" role="status" data-testid="webhook-secret">
        <h2 class="webhook-secret-title">${t('webhooks.secret.title')}</h2>
        <p class="form-hint">${t('webhooks.secret.help')}</p>
        <div class="webhook-secret-row">
          <input class="input webhook-secret-value" readonly data-testid="webhook-secret-value" .value=${secret.value}
            aria-label=${t('webhooks.secret.title')} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
          <button type="button" class="btn btn-primary" data-testid="webhook-secret-copy" @click=${() => void copy(secret.value)}>
            ${t(secret.copied ? 'webhooks.secret.copied' : 'webhooks.secret.copy')}</button>
        </div>
        <button type="button" class="btn btn-ghost webhook-secret-done" data-testid="webhook-secret-done" @click=${() => view.update({ secret: null })}>
          ${t('webhooks.secret.done')}</button>
      </div>`;
  }

  function editorCard(editor: Editor, v: View<State>): TemplateResult {
    const d = editor.draft;
    const error = (key: string) => (editor.errors[key] ? html`<p class="field-error" data-testid="field-error" data-field=${key}>${editor.errors[key]}</p>` : nothing);
    return html`
      <form class="card webhook-editor" novalidate data-testid=${d.id ? 'webhook-editor' : 'new-webhook'} @submit=${(e: Event) => void save(e)}>
        <h2 class="webhook-title">${t(d.id ? 'webhooks.editTitle' : 'webhooks.new')}</h2>
        <div class="field">
          <label class="label" for="webhook-url">${t('webhooks.field.url')}</label>
          <input id="webhook-url" class="input webhook-mono" type="url" inputmode="url" spellcheck="false" autocomplete="off" maxlength=${URL_MAX}
            placeholder="https://" data-autofocus data-testid="webhook-url" aria-invalid=${editor.errors.url ? 'true' : nothing} .value=${d.url}
            @input=${(e: Event) => setDraft({ url: (e.target as HTMLInputElement).value }, 'url')} />
          <p class="form-hint">${t('webhooks.urlHelp')}</p>
          ${error('url')}
        </div>
        <div class="field">
          <label class="label" for="webhook-description">${t('webhooks.field.description')}</label>
          <input id="webhook-description" class="input" autocomplete="off" maxlength=${DESCRIPTION_MAX} placeholder=${t('webhooks.descriptionPlaceholder')}
            data-testid="webhook-description" .value=${d.description}
            @input=${(e: Event) => setDraft({ description: (e.target as HTMLInputElement).value }, 'description')} />
          ${error('description')}
        </div>
        <fieldset class="field webhook-types">
          <legend class="label">${t('webhooks.field.types')}</legend>
          <div class="webhook-type-grid">
            ${EVENT_TYPES.map(({ type, wire }) => html`
              <label class="webhook-type">
                <input type="checkbox" data-testid="webhook-type-${wire}" .checked=${d.eventTypes.includes(type)}
                  @change=${(e: Event) => setDraft({ eventTypes: toggle(d.eventTypes, type, (e.target as HTMLInputElement).checked) }, 'eventTypes')} />
                <span>${t(`webhooks.type.${type}` as MessageKey)}</span><code>${wire}</code>
              </label>`)}
          </div>
          ${error('eventTypes')}
        </fieldset>
        <label class="webhook-check">
          <input type="checkbox" data-testid="webhook-enabled" .checked=${d.enabled}
            @change=${(e: Event) => setDraft({ enabled: (e.target as HTMLInputElement).checked }, 'enabled')} />
          <span>${t('webhooks.field.enabled')}</span>
        </label>
        ${editor.summary ? html`<p class="form-error" role="alert" data-testid="webhook-editor-error">${editor.summary}</p>` : nothing}
        <div class="webhook-buttons">
          <button type="button" class="btn btn-ghost" data-testid="webhook-cancel" @click=${() => v.update({ editor: null })}>${t('webhooks.cancel')}</button>
          <button type="submit" class="btn btn-primary" data-testid="webhook-save" ?disabled=${editor.busy}>${t(editor.busy ? 'webhooks.saving' : 'webhooks.save')}</button>
        </div>
      </form>`;
  }

  function rotatePanel(endpoint: WebhookEndpoint, rotating: NonNullable<State['rotating']>): TemplateResult {
    return html`
      <div class="webhook-rotate" data-testid="webhook-rotate">
        <strong>${t('webhooks.rotateTitle')}</strong>
        <p class="form-hint">${t('webhooks.rotateHelp')}</p>
        <label class="label" for="webhook-overlap-${endpoint.id}">${t('webhooks.rotateOverlap')}</label>
        <select id="webhook-overlap-${endpoint.id}" class="input" data-testid="webhook-overlap"
          @change=${(e: Event) => view.update({ rotating: { endpointId: endpoint.id, hours: Number((e.target as HTMLSelectElement).value) } })}>
          ${OVERLAPS.map((h) => html`<option value=${h} ?selected=${h === rotating.hours}>${t(`webhooks.overlap.${h}` as MessageKey)}</option>`)}
        </select>
        <div class="webhook-buttons">
          <button type="button" class="btn btn-ghost btn-small" @click=${() => view.update({ rotating: null })}>${t('webhooks.cancel')}</button>
          <button type="button" class="btn btn-primary btn-small" data-testid="webhook-rotate-confirm" @click=${() => void rotate(endpoint.id, rotating.hours)}>
            ${t('webhooks.rotateConfirm')}</button>
        </div>
      </div>`;
  }

  function card(state: State, endpoint: WebhookEndpoint, v: View<State>): TemplateResult {
    if (state.editor?.draft.id === endpoint.id) return editorCard(state.editor, v);
    const standing = endpointState(endpoint);
    const selected = state.selected === endpoint.id;
    return html`
      <article class="card webhook-card ${standing === 'on' ? '' : 'is-off'} ${selected ? 'is-selected' : ''}" data-testid="webhook-card" data-endpoint-id=${endpoint.id}>
        <div class="webhook-head">
          <h2 class="webhook-title">${endpoint.description || endpoint.url}</h2>
          <span class="chip webhook-state state-${standing}" data-testid="webhook-state">${t(`webhooks.state.${standing}` as MessageKey)}</span>
        </div>
        <p class="webhook-url webhook-mono" data-testid="webhook-url-shown">${endpoint.url}</p>
        <ul class="webhook-chips">
          ${endpoint.eventTypes.map((type) => html`<li class="chip">${t(`webhooks.type.${type}` as MessageKey)}</li>`)}
        </ul>
        ${endpoint.previousSecretUntil && new Date(endpoint.previousSecretUntil) > new Date()
          ? html`<p class="webhook-note">${t('webhooks.previousUntil', { when: formatTime(endpoint.previousSecretUntil, WHEN) })}</p>` : nothing}
        ${state.rotating?.endpointId === endpoint.id ? rotatePanel(endpoint, state.rotating) : nothing}
        <div class="webhook-buttons">
          <button type="button" class="btn ${selected ? 'btn-primary' : 'btn-ghost'} btn-small" data-testid="webhook-show-deliveries" aria-pressed=${selected ? 'true' : 'false'}
            @click=${() => select(endpoint.id)}>${t('webhooks.showDeliveries')}</button>
          <button type="button" class="btn btn-ghost btn-small" data-testid="webhook-test" ?disabled=${!endpoint.enabled} @click=${() => void sendTest(endpoint)}>${t('webhooks.test')}</button>
          <button type="button" class="btn btn-ghost btn-small" data-testid="webhook-edit" @click=${() => openEditor(endpoint)}>${t('webhooks.edit')}</button>
          <button type="button" class="btn btn-ghost btn-small" data-testid="webhook-rotate-open"
            @click=${() => view.update({ rotating: { endpointId: endpoint.id, hours: 24 }, editor: null })}>${t('webhooks.rotate')}</button>
          <button type="button" class="btn btn-ghost btn-small webhook-delete" data-testid="webhook-delete" @click=${() => void remove(endpoint)}>${t('webhooks.delete')}</button>
        </div>
      </article>`;
  }

  function list(state: State, v: View<State>): TemplateResult {
    if (state.loadError) return html`<p class="form-error" role="alert">${t('webhooks.loadFailed')} ${state.loadError}</p>`;
    if (!state.endpoints) return html`<div class="card webhooks-empty" aria-busy="true"><p class="empty-inline">…</p></div>`;
    if (state.endpoints.length === 0 && !state.editor) return html`<p class="empty-inline" data-testid="webhooks-empty">${t('webhooks.empty')}</p>`;
    return html`<div class="webhook-list" data-testid="webhook-list">${state.endpoints.map((e) => card(state, e, v))}</div>`;
  }

  function columns(endpoint: WebhookEndpoint): Array<Column<WebhookDelivery>> {
    // Retries start seconds apart: the attempts' times show their seconds.
    const when = (value: string | null, options: Intl.DateTimeFormatOptions = WHEN) => (value ? formatTime(value, options) : '—');
    return [
      {
        key: 'type', header: 'webhooks.col.type', primary: true, sort: (d) => d.eventType,
        cell: (d) => {
          const type = typeOfWire(d.eventType);
          return html`<strong>${type ? t(`webhooks.type.${type}` as MessageKey) : t('webhooks.type.test')}</strong><code class="webhook-wire">${d.eventType}</code>`;
        },
      },
      {
        key: 'state', header: 'webhooks.col.state', sort: (d) => d.state,
        cell: (d) => html`<div class="webhook-cell"><span class="chip webhook-dstate dstate-${d.state.toLowerCase()}" data-testid="delivery-state">${t(`webhooks.dstate.${d.state}` as MessageKey)}</span>
          ${d.error && d.error !== `HTTP ${d.statusCode}` ? html`<span class="webhook-error">${d.error}</span>` : nothing}</div>`,
      },
      {
        key: 'code', header: 'webhooks.col.code', sort: (d) => d.statusCode ?? 0,
        cell: (d) => html`<div class="webhook-cell"><span class="webhook-code">${d.statusCode ?? t('webhooks.noAnswer')}${d.durationMs !== null
            ? html` <span class="webhook-muted">· ${t('webhooks.duration', { ms: d.durationMs })}</span>` : nothing}</span>
          ${d.responseExcerpt ? html`<span class="webhook-excerpt webhook-mono" title=${d.responseExcerpt}>${d.responseExcerpt}</span>` : nothing}</div>`,
      },
      { key: 'attempts', header: 'webhooks.col.attempts', numeric: true, sort: (d) => d.attempts, cell: (d) => d.attempts },
      { key: 'created', header: 'webhooks.col.created', firstDir: 'desc', sort: (d) => d.createdAt, cell: (d) => when(d.createdAt) },
      { key: 'last', header: 'webhooks.col.last', phoneHidden: true, firstDir: 'desc', sort: (d) => d.lastAttemptAt ?? '', cell: (d) => when(d.lastAttemptAt, EXACT) },
      { key: 'next', header: 'webhooks.col.next', sort: (d) => d.nextAttemptAt ?? '', cell: (d) => when(d.nextAttemptAt, EXACT) },
      {
        key: 'actions', header: 'webhooks.col.actions',
        cell: (d) => (canReplay(d, endpoint)
          ? html`<button type="button" class="btn btn-ghost btn-small" data-testid="delivery-replay" @click=${() => void replay(d, endpoint.id)}>${t('webhooks.replay')}</button>`
          : nothing),
      },
    ];
  }

  function deliveriesCard(state: State): TemplateResult {
    const endpoint = state.endpoints?.find((e) => e.id === state.selected);
    if (!endpoint) return html``;
    let body: TemplateResult;
    if (state.deliveriesError) body = html`<p class="form-error" role="alert">${state.deliveriesError}</p>`;
    else if (!state.deliveries) body = html`<p class="empty-inline" aria-busy="true">…</p>`;
    else {
      body = dataTable<WebhookDelivery>({
        rows: state.deliveries,
        columns: columns(endpoint),
        rowId: (d) => d.id,
        label: t('webhooks.deliveries'),
        state: state.table,
        onChange: (table) => view.update({ table }),
        empty: html`<p class="empty-inline" data-testid="deliveries-empty">${t('webhooks.deliveriesEmpty')}</p>`,
        testId: 'deliveries-table',
        rowTestId: 'delivery-row',
        rowData: (d) => ({ status: d.state.toLowerCase() }),
      });
    }
    return html`
      <section class="card webhook-deliveries" data-testid="webhook-deliveries">
        <header class="webhook-deliveries-head">
          <h2 class="webhook-title">${t('webhooks.deliveriesOf', { url: endpoint.description || endpoint.url })}</h2>
          <button type="button" class="btn btn-ghost btn-small" data-testid="deliveries-refresh" @click=${() => void loadDeliveries(endpoint.id)}>${t('webhooks.refresh')}</button>
        </header>
        ${body}
      </section>`;
  }

  if (admin) void load();
  return () => {
    alive = false;
    view.stop();
  };
};
