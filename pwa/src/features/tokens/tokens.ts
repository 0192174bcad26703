// /settings/tokens (admins): API tokens for other systems. A table of the org's tokens (name and
// public start, scopes, created, expires, last use, status), a form to create one (name, scopes
// per capability, expiry), the new secret shown once with a copy button and a clear warning,
// rotation with an overlap the admin chooses, and revocation with a confirmation.
import '@/features/tokens/tokens.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Screen } from '@/app/screen';
import {
  CREATE_TOKEN_MUTATION,
  REVOKE_TOKEN_MUTATION,
  ROTATE_TOKEN_MUTATION,
  TOKENS_QUERY,
  type ApiToken,
  type IssueResult,
  type RevokeResult,
} from '@/features/tokens/documents';
import { EXPIRY_DAYS, groupedScopes, OVERLAP_HOURS, scopeRows, toggleScope } from '@/features/tokens/logic';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { FieldError, Me } from '@/graphql/types';
import { formatNumber, formatTime, t, type MessageKey } from '@/i18n';
import { errorSlots } from '@/ui/form';
import { dataTable, tableState, type Column, type TableState } from '@/ui/table';
import { mount, type View } from '@/ui/view';

const NAME_MAX = 80;
const SLOTS = ['name', 'scopes', 'expiresInDays', 'overlapHours'];
const DRAFT_SLOTS: Record<keyof Draft, string> = { name: 'name', scopes: 'scopes', days: 'expiresInDays' };

interface Draft {
  name: string;
  scopes: Set<string>;
  days: number;
}

interface Rotation {
  token: ApiToken;
  overlap: number;
  days: number;
}

interface State {
  tokens: ApiToken[] | null;
  scopes: string[];
  loadError: string;
  draft: Draft | null;
  rotation: Rotation | null;
  errors: ReadonlyArray<Pick<FieldError, 'field' | 'code' | 'message'>>;
  busy: boolean;
  issued: { name: string; secret: string } | null;
  copied: boolean;
  notice: string;
  table: TableState;
}

const when = (iso: string) => formatTime(iso, { dateStyle: 'medium', timeStyle: 'short' });
const day = (iso: string) => formatTime(iso, { dateStyle: 'medium' });
const capability = (name: string) => t(`tokens.cap.${name}` as MessageKey);

export const tokensScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  if (me.user.role !== 'ADMIN') {
    const refused = Object.assign(document.createElement('p'), { className: 'page empty', role: 'alert', textContent: t('tokens.adminsOnly') });
    refused.dataset.testid = 'tokens-forbidden';
    root.append(refused);
    return;
  }

  const issue = async (view: View<State>, run: () => Promise<IssueResult>, name: string) => {
    view.update({ busy: true, errors: [], notice: '' });
    try {
      const result = await run();
      if (result.__typename === 'OperationError') {
        view.update({ errors: result.errors });
        return;
      }
      view.update((s) => ({
        draft: null, rotation: null, issued: { name, secret: result.secret }, copied: false,
        tokens: [result.token, ...(s.tokens ?? [])],
      }));
      await load(view);
    } catch (failure) {
      view.update({ errors: [{ field: null, code: 'INTERNAL', message: failureMessage(failure) }] });
    } finally {
      view.update({ busy: false });
    }
  };

  const create = (view: View<State>) => {
    const d = view.state.draft;
    if (!d) return;
    const input = { name: d.name, scopes: [...d.scopes], expiresInDays: d.days };
    void issue(view, async () => (await request<{ createApiToken: IssueResult }>(CREATE_TOKEN_MUTATION, { input })).createApiToken, d.name);
  };

  const rotate = (view: View<State>) => {
    const r = view.state.rotation;
    if (!r) return;
    const input = { id: r.token.id, overlapHours: r.overlap, expiresInDays: r.days };
    void issue(view, async () => (await request<{ rotateApiToken: IssueResult }>(ROTATE_TOKEN_MUTATION, { input })).rotateApiToken, r.token.name);
  };

  const revoke = async (view: View<State>, token: ApiToken) => {
    if (!window.confirm(t('tokens.revokeConfirm', { name: token.name }))) return;
    try {
      const { revokeApiToken: result } = await request<{ revokeApiToken: RevokeResult }>(REVOKE_TOKEN_MUTATION, { id: token.id });
      if (result.__typename === 'OperationError') view.update({ notice: result.errors.map((e) => e.message).join(' ') });
      else view.update((s) => ({ notice: t('tokens.revoked', { name: token.name }), tokens: (s.tokens ?? []).map((x) => (x.id === token.id ? result.token : x)) }));
    } catch (failure) {
      view.update({ notice: failureMessage(failure) });
    }
  };

  const copy = async (view: View<State>, secret: string) => {
    try {
      await navigator.clipboard.writeText(secret);
      view.update({ copied: true });
    } catch {
      // No clipboard (an insecure origin): the field is selected for a manual copy.
      root.querySelector<HTMLInputElement>('[data-testid="token-secret"]')?.select();
    }
  };

  const fieldErrors = (s: State, slot: string): TemplateResult | typeof nothing => {
    const messages = errorSlots(s.errors, SLOTS).bySlot[slot];
    return messages ? html`<p class="field-error" role="alert" data-testid=${`token-error-${slot}`}>${messages.join(' ')}</p>` : nothing;
  };

  const restErrors = (s: State) => {
    const rest = errorSlots(s.errors, SLOTS).rest;
    return rest.length ? html`<p class="form-error" role="alert" data-testid="token-error">${rest.join(' ')}</p>` : nothing;
  };

  const shownOnce = (s: State, view: View<State>) => s.issued
    ? html`<section class="card token-issued" role="status" data-testid="token-issued">
        <h2 class="token-issued-title">${t('tokens.issuedTitle', { name: s.issued.name })}</h2>
        <p class="token-warning"><strong>${t('tokens.issuedWarningStrong')}</strong> ${t('tokens.issuedWarning')}</p>
        <div class="token-secret-row">
          <input class="input token-secret" readonly .value=${s.issued.secret} aria-label=${t('tokens.secretLabel')} data-testid="token-secret"
            @focus=${(e: Event) => (e.currentTarget as HTMLInputElement).select()} />
          <button type="button" class="btn btn-primary" data-testid="token-copy" @click=${() => void copy(view, s.issued!.secret)}>
            ${s.copied ? t('tokens.copied') : t('tokens.copy')}</button>
        </div>
        <p class="form-hint">${t('tokens.usage')}</p>
        <code class="token-usage">Authorization: Bearer ${s.issued.secret.slice(0, 16)}…</code>
        <div class="token-actions">
          <button type="button" class="btn btn-ghost" data-testid="token-issued-done" @click=${() => view.update({ issued: null })}>${t('tokens.stored')}</button>
        </div>
      </section>`
    : nothing;

  const expiryChoice = (name: string, chosen: number, onPick: (days: number) => void) => html`<div class="chip-options" role="radiogroup">
      ${EXPIRY_DAYS.map((days) => html`<label class="chip-option">
        <input type="radio" class="chip-radio" name=${name} .checked=${days === chosen} data-testid=${`${name}-${days}`} @change=${() => onPick(days)} />
        <span>${t('tokens.days', { count: formatNumber(days) })}</span></label>`)}
    </div>`;

  const form = (s: State, view: View<State>) => {
    const d = s.draft;
    if (!d) return nothing;
    // A change to a field takes its error away: what is shown is what is still wrong.
    const set = (patch: Partial<Draft>) => {
      const touched = Object.keys(patch).map((k) => DRAFT_SLOTS[k as keyof Draft]);
      view.update((now) => ({ draft: { ...d, ...patch }, errors: now.errors.filter((e) => !touched.some((slot) => (e.field ?? '').endsWith(slot))) }));
    };
    return html`<form class="card token-form" novalidate data-testid="token-form" @submit=${(e: Event) => { e.preventDefault(); create(view); }}>
      <h2 class="token-form-title">${t('tokens.new')}</h2>
      <label class="field"><span class="label">${t('tokens.fieldName')}</span>
        <input class="input" maxlength=${NAME_MAX} autocomplete="off" .value=${d.name} placeholder=${t('tokens.namePlaceholder')} data-testid="token-name"
          @input=${(e: Event) => set({ name: (e.currentTarget as HTMLInputElement).value })} />
        ${fieldErrors(s, 'name')}
      </label>
      <fieldset class="field token-scopes"><legend class="label">${t('tokens.fieldScopes')}</legend>
        <p class="form-hint">${t('tokens.scopesHelp')}</p>
        <div class="token-scope-grid" role="group">
          ${scopeRows(s.scopes).map((row) => html`<div class="token-scope-row" data-capability=${row.capability}>
            <span class="token-scope-name">${capability(row.capability)}</span>
            ${(['read', 'write'] as const).map((mode) => row[mode]
              ? html`<label class="token-scope-box"><input type="checkbox" .checked=${d.scopes.has(row[mode]!)} data-testid=${`scope-${row[mode]}`}
                  @change=${(e: Event) => set({ scopes: toggleScope(d.scopes, row[mode]!, (e.currentTarget as HTMLInputElement).checked) })} />
                  <span>${t(`tokens.mode.${mode}` as MessageKey)}</span></label>`
              : html`<span class="token-scope-box is-none" aria-hidden="true">—</span>`)}
          </div>`)}
        </div>
        ${fieldErrors(s, 'scopes')}
      </fieldset>
      <fieldset class="field chip-field"><legend class="label">${t('tokens.fieldExpiry')}</legend>
        ${expiryChoice('token-expiry', d.days, (days) => set({ days }))}
        ${fieldErrors(s, 'expiresInDays')}
      </fieldset>
      ${restErrors(s)}
      <div class="token-actions">
        <button type="button" class="btn btn-ghost" data-testid="token-cancel" @click=${() => view.update({ draft: null, errors: [] })}>${t('tokens.cancel')}</button>
        <button type="submit" class="btn btn-primary" data-testid="token-create" ?disabled=${s.busy}>${t('tokens.create')}</button>
      </div>
    </form>`;
  };

  const rotationForm = (s: State, view: View<State>) => {
    const r = s.rotation;
    if (!r) return nothing;
    const set = (patch: Partial<Rotation>) => view.update({ rotation: { ...r, ...patch } });
    return html`<form class="card token-form" novalidate data-testid="token-rotate-form" @submit=${(e: Event) => { e.preventDefault(); rotate(view); }}>
      <h2 class="token-form-title">${t('tokens.rotateTitle', { name: r.token.name })}</h2>
      <p class="form-hint">${t('tokens.rotateHelp')}</p>
      <fieldset class="field chip-field"><legend class="label">${t('tokens.fieldOverlap')}</legend>
        <div class="chip-options" role="radiogroup">
          ${OVERLAP_HOURS.map((hours) => html`<label class="chip-option">
            <input type="radio" class="chip-radio" name="token-overlap" .checked=${hours === r.overlap} data-testid=${`token-overlap-${hours}`} @change=${() => set({ overlap: hours })} />
            <span>${t(`tokens.overlap.${hours}` as MessageKey)}</span></label>`)}
        </div>
        ${fieldErrors(s, 'overlapHours')}
      </fieldset>
      <fieldset class="field chip-field"><legend class="label">${t('tokens.fieldNewExpiry')}</legend>
        ${expiryChoice('token-rotate-expiry', r.days, (days) => set({ days }))}
        ${fieldErrors(s, 'expiresInDays')}
      </fieldset>
      ${restErrors(s)}
      <div class="token-actions">
        <button type="button" class="btn btn-ghost" @click=${() => view.update({ rotation: null, errors: [] })}>${t('tokens.cancel')}</button>
        <button type="submit" class="btn btn-primary" data-testid="token-rotate-confirm" ?disabled=${s.busy}>${t('tokens.rotate')}</button>
      </div>
    </form>`;
  };

  const columns = (view: View<State>): Array<Column<ApiToken>> => [
    { key: 'name', header: 'tokens.col.name', primary: true, sort: (x) => x.name.toLowerCase(), firstDir: 'asc',
      cell: (x) => html`<span class="token-name"><strong>${x.name}</strong><code>${x.prefix}_…</code></span>` },
    { key: 'scopes', header: 'tokens.col.scopes',
      cell: (x) => html`<ul class="token-chips">${groupedScopes(x.scopes).map((g) => html`<li class="chip">${capability(g.capability)} · ${g.modes.map((m) => t(`tokens.mode.${m}` as MessageKey)).join(' / ')}</li>`)}</ul>` },
    { key: 'created', header: 'tokens.col.created', sort: (x) => x.createdAt, firstDir: 'desc', phoneHidden: true,
      cell: (x) => html`<span class="token-when">${day(x.createdAt)}<small>${x.createdBy}</small></span>` },
    { key: 'expires', header: 'tokens.col.expires', sort: (x) => x.expiresAt, firstDir: 'asc', cell: (x) => when(x.expiresAt) },
    { key: 'used', header: 'tokens.col.lastUsed', sort: (x) => x.lastUsedAt ?? '', firstDir: 'desc',
      cell: (x) => x.lastUsedAt ? html`<span class="token-when">${when(x.lastUsedAt)}<small>${x.lastUsedIp}</small></span>` : t('tokens.never') },
    { key: 'status', header: 'tokens.col.status', sort: (x) => x.status,
      cell: (x) => html`<span class="token-status is-${x.status.toLowerCase()}" data-testid="token-status">${t(`tokens.status.${x.status}` as MessageKey)}</span>` },
    { key: 'actions', header: 'tokens.col.actions',
      cell: (x) => x.status === 'ACTIVE' || x.status === 'ROTATING'
        ? html`<span class="token-row-actions">
            ${x.status === 'ACTIVE'
              ? html`<button type="button" class="btn btn-ghost btn-small" data-testid="token-rotate"
                  @click=${() => view.update({ rotation: { token: x, overlap: 24, days: 90 }, draft: null, errors: [], issued: null })}>${t('tokens.rotate')}</button>`
              : nothing}
            <button type="button" class="btn btn-ghost btn-small token-revoke" data-testid="token-revoke" @click=${() => void revoke(view, x)}>${t('tokens.revoke')}</button>
          </span>`
        : html`<span class="token-none" aria-hidden="true">—</span>` },
  ];

  const draw = (s: State, view: View<State>): TemplateResult => html`<section class="page tokens-page" data-testid="tokens-page">
      <header class="page-head tokens-head">
        <div>
          <h1 class="page-title">${t('tokens.title')}</h1>
          <p class="page-sub">${t('tokens.sub')}</p>
        </div>
        ${s.draft ? nothing : html`<button type="button" class="btn btn-primary" data-testid="token-new"
          @click=${() => view.update({ draft: { name: '', scopes: new Set(), days: 90 }, rotation: null, errors: [], issued: null, notice: '' })}>${t('tokens.new')}</button>`}
      </header>
      ${shownOnce(s, view)}
      ${form(s, view)}
      ${rotationForm(s, view)}
      ${s.notice ? html`<p class="form-ok" role="status" data-testid="token-notice">${s.notice}</p>` : nothing}
      ${s.loadError
        ? html`<p class="form-error" role="alert">${s.loadError}</p>`
        : s.tokens === null
          ? html`<div class="skeleton-list"><div class="skeleton-row"></div></div>`
          : dataTable({
              rows: s.tokens, columns: columns(view), rowId: (x) => x.id, label: t('tokens.title'), state: s.table,
              testId: 'tokens-table', rowTestId: 'token-row', rowData: (x) => ({ status: x.status.toLowerCase() }),
              empty: html`<p data-testid="tokens-empty">${t('tokens.empty')}</p>`,
              onChange: (next) => view.update({ table: next }),
            })}
    </section>`;

  const load = async (view: View<State>) => {
    try {
      const data = await request<{ apiTokens: ApiToken[]; apiTokenScopes: string[] }>(TOKENS_QUERY);
      view.update({ tokens: data.apiTokens, scopes: data.apiTokenScopes, loadError: '' });
    } catch (failure) {
      view.update({ loadError: `${t('tokens.loadFailed')} ${failureMessage(failure)}` });
    }
  };

  const view = mount<State>(root, {
    tokens: null, scopes: [], loadError: '', draft: null, rotation: null, errors: [], busy: false, issued: null, copied: false, notice: '',
    table: tableState({ key: 'created', dir: 'desc' }),
  }, draw);
  void load(view);
  return () => view.stop();
};
