// /settings/people: admins (the whole org) and managers (their subtree) see their people in a table
// (sort, filter by role, unit and status, search), invite someone (the link and the code to copy),
// withdraw pending invitations, change a role, unit or manager, issue a reset link (admins) and
// deactivate someone with a successor who takes over their customers and open deals. Admins keep each
// person's employee number (工号), by which exports name people for payroll; the list exports as CSV or Excel.
import '@/features/accounts/accounts.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import { repeat } from 'lit-html/directives/repeat.js';
import type { Screen } from '@/app/screen';
import { busyLabel, copyText, send } from '@/features/accounts/common';
import {
  CHANGE_PERSON_MUTATION,
  DEACTIVATE_MUTATION,
  INVITE_MUTATION,
  ISSUE_RESET_MUTATION,
  PEOPLE_PAGE_QUERY,
  REVOKE_INVITATION_MUTATION,
  SET_EMPLOYEE_NUMBER_MUTATION,
  type DoneResult,
  type Invitation,
  type InviteResult,
  type PasswordResetResult,
  type PeoplePage,
  type PeopleUnit,
  type Person,
  type PersonResult,
  type RevokeResult,
} from '@/features/accounts/documents';
import { absoluteLink, filterPeople, managersFor, successorsFor, type PeopleFilter } from '@/features/accounts/logic';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me, Role } from '@/graphql/types';
import { getLocale, t, type MessageKey } from '@/i18n';
import { errorSummary, field, invalid, NO_ERRORS, type PlacedErrors } from '@/ui/form-view';
import { dataTable, exportHref, tableState, type Column, type TableState } from '@/ui/table';
import { mount, type View } from '@/ui/view';

type Issued = { path: string; code: string; emailed: boolean; name: string; email: string | null; expiresAt: string };

type Sheet =
  | { kind: 'invite'; name: string; role: Role; teamId: string; managerId: string; email: string; employeeNumber: string; issued: Issued | null }
  | { kind: 'edit'; person: Person; role: Role; teamId: string; managerId: string; employeeNumber: string }
  | { kind: 'number'; person: Person; employeeNumber: string }
  | { kind: 'reset'; person: Person; path: string | null; expiresAt: string | null }
  | { kind: 'deactivate'; person: Person; successorId: string };

interface State {
  load: 'loading' | 'ready' | 'failed';
  loadError: string;
  people: Person[];
  units: PeopleUnit[];
  invitations: Invitation[];
  filter: PeopleFilter;
  table: TableState;
  sheet: Sheet | null;
  busy: boolean;
  errors: PlacedErrors;
  copied: string | null;
  notice: string | null;
}


const roleLabel = (role: Role) => t(`accounts.role.${role}` as MessageKey);

function when(instant: string | null): string {
  if (!instant) return t('accounts.people.never');
  return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(instant));
}

function day(instant: string): string {
  return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium' }).format(new Date(instant));
}

export const peopleScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const admin = me.user.role === 'ADMIN';
  const roles: Role[] = admin ? ['REP', 'MANAGER', 'ADMIN'] : ['REP', 'MANAGER'];
  if (!admin && me.user.role !== 'MANAGER') {
    root.append(Object.assign(document.createElement('p'), { className: 'page empty', textContent: t('error.FORBIDDEN') }));
    return;
  }

  const view = mount<State>(
    root,
    {
      load: 'loading', loadError: '', people: [], units: [], invitations: [], filter: { search: '', role: '', teamId: '', status: 'active' },
      table: tableState({ key: 'name', dir: 'asc' }), sheet: null, busy: false, errors: NO_ERRORS, copied: null, notice: null,
    },
    draw,
  );

  async function load(): Promise<void> {
    try {
      const page = await request<PeoplePage>(PEOPLE_PAGE_QUERY);
      view.update({ load: 'ready', people: page.people, units: page.peopleUnits, invitations: page.pendingInvitations });
    } catch (failure) {
      view.update({ load: 'failed', loadError: failureMessage(failure) });
    }
  }

  function openSheet(sheet: Sheet): void {
    view.update({ sheet, errors: NO_ERRORS, busy: false, copied: null });
  }

  function patchSheet(patch: Partial<Sheet>): void {
    view.update((s) => ({ sheet: s.sheet ? ({ ...s.sheet, ...patch } as Sheet) : null }));
  }

  async function copy(text: string, which: string): Promise<void> {
    if (await copyText(text)) view.update({ copied: which });
  }

  // ----------------------------------------------------------------- actions

  async function invite(sheet: Extract<Sheet, { kind: 'invite' }>): Promise<void> {
    view.update({ busy: true, errors: NO_ERRORS });
    const input = {
      name: sheet.name, role: sheet.role, teamId: sheet.teamId || null, managerId: sheet.managerId || null, email: sheet.email.trim() || null,
      ...(admin ? { employeeNumber: sheet.employeeNumber } : {}),
    };
    const outcome = await send<Extract<InviteResult, { __typename: 'InviteSuccess' }>>(INVITE_MUTATION, { input }, 'invitePerson', ['name', 'role', 'teamId', 'managerId', 'email', 'employeeNumber']);
    if ('ok' in outcome) {
      const { invitation, path, code, emailed } = outcome.ok;
      view.update((s) => ({
        busy: false,
        invitations: [invitation, ...s.invitations],
        sheet: { ...sheet, issued: { path, code, emailed, name: invitation.name, email: invitation.email, expiresAt: invitation.expiresAt } },
      }));
      return;
    }
    view.update({ busy: false, errors: numberErrors(outcome) });
  }

  // The server's DUPLICATE speaks of names; for a number, say what it means here.
  function numberErrors(outcome: { errors: PlacedErrors; codes: string[] }): PlacedErrors {
    const slot = outcome.errors.bySlot.employeeNumber;
    if (!slot || !outcome.codes.includes('DUPLICATE')) return outcome.errors;
    return { ...outcome.errors, bySlot: { ...outcome.errors.bySlot, employeeNumber: [t('accounts.people.numberTaken')] } };
  }

  /** Sets the number when an admin changed it: the person as saved, or null when it was refused (errors shown). */
  async function saveNumber(person: Person, typed: string): Promise<Person | null> {
    if (!admin || typed.trim() === (person.employeeNumber ?? '')) return person;
    const outcome = await send<Extract<PersonResult, { __typename: 'PersonSuccess' }>>(
      SET_EMPLOYEE_NUMBER_MUTATION, { userId: person.id, employeeNumber: typed }, 'setEmployeeNumber', ['employeeNumber'],
    );
    if ('ok' in outcome) return outcome.ok.person;
    view.update({ busy: false, errors: numberErrors(outcome) });
    return null;
  }

  function replaced(person: Person, notice: string): void {
    view.update((s) => ({ busy: false, sheet: null, people: s.people.map((p) => (p.id === person.id ? person : p)), notice }));
  }

  async function saveNumberOnly(sheet: Extract<Sheet, { kind: 'number' }>): Promise<void> {
    view.update({ busy: true, errors: NO_ERRORS });
    const person = await saveNumber(sheet.person, sheet.employeeNumber);
    if (person) replaced(person, t('accounts.people.numberSaved', { name: person.name }));
  }

  async function saveEdit(sheet: Extract<Sheet, { kind: 'edit' }>): Promise<void> {
    view.update({ busy: true, errors: NO_ERRORS });
    const input = {
      userId: sheet.person.id, role: sheet.role, teamId: sheet.teamId || null, managerId: sheet.managerId || null,
      clearTeam: !sheet.teamId, clearManager: !sheet.managerId,
    };
    const outcome = await send<Extract<PersonResult, { __typename: 'PersonSuccess' }>>(CHANGE_PERSON_MUTATION, { input }, 'changePerson', ['role', 'teamId', 'managerId']);
    if ('ok' in outcome) {
      // The placement is saved; a refused number keeps the sheet open on its field, the rest already done.
      const placed = outcome.ok.person;
      view.update((s) => ({ people: s.people.map((p) => (p.id === placed.id ? placed : p)) }));
      const person = await saveNumber(placed, sheet.employeeNumber);
      if (person) replaced(person, t('accounts.people.saved', { name: person.name }));
      else view.update({ sheet: { ...sheet, person: placed } });
      return;
    }
    view.update({ busy: false, errors: outcome.errors });
  }

  async function issueReset(sheet: Extract<Sheet, { kind: 'reset' }>): Promise<void> {
    view.update({ busy: true, errors: NO_ERRORS });
    const outcome = await send<Extract<PasswordResetResult, { __typename: 'PasswordResetSuccess' }>>(ISSUE_RESET_MUTATION, { userId: sheet.person.id }, 'issuePasswordReset', []);
    if ('ok' in outcome) {
      view.update({ busy: false, sheet: { ...sheet, path: outcome.ok.path, expiresAt: outcome.ok.expiresAt } });
      return;
    }
    view.update({ busy: false, errors: outcome.errors });
  }

  async function deactivate(sheet: Extract<Sheet, { kind: 'deactivate' }>): Promise<void> {
    view.update({ busy: true, errors: NO_ERRORS });
    const outcome = await send<Extract<DoneResult, { __typename: 'DoneSuccess' }>>(DEACTIVATE_MUTATION, { userId: sheet.person.id, successorId: sheet.successorId }, 'deactivatePerson', ['successorId']);
    if ('ok' in outcome) {
      view.update((s) => ({
        busy: false, sheet: null, notice: t('accounts.people.deactivated', { name: sheet.person.name }),
        people: s.people.map((p) => (p.id === sheet.person.id ? { ...p, active: false } : p)),
      }));
      return;
    }
    view.update({ busy: false, errors: outcome.errors });
  }

  async function revoke(invitation: Invitation): Promise<void> {
    const outcome = await send<Extract<RevokeResult, { __typename: 'RevokeInvitationSuccess' }>>(REVOKE_INVITATION_MUTATION, { id: invitation.id }, 'revokeInvitation', []);
    if ('ok' in outcome) {
      view.update((s) => ({ invitations: s.invitations.filter((i) => i.id !== invitation.id), notice: t('accounts.people.revoked', { name: invitation.name }) }));
    } else {
      view.update({ notice: outcome.errors.rest.join(' ') });
    }
  }

  // ----------------------------------------------------------------- drawing

  function draw(s: State, v: View<State>): TemplateResult {
    const active = s.people.filter((p) => p.active).length;
    return html`<section class="page acc-people" data-testid="people-page">
      <header class="acc-people-head">
        <div>
          <h1 class="page-title">${t('accounts.people.title')}</h1>
          <p class="page-sub">${s.load === 'ready' ? t('accounts.people.sub', { active, pending: s.invitations.length }) : ''}</p>
        </div>
        <button type="button" class="btn btn-primary" data-testid="people-invite"
          @click=${() => openSheet({ kind: 'invite', name: '', role: 'REP', teamId: admin ? '' : (s.units[0]?.id ?? ''), managerId: admin ? '' : me.user.id, email: '', employeeNumber: '', issued: null })}>
          ＋ ${t('accounts.people.invite')}
        </button>
      </header>
      ${s.notice ? html`<p class="form-ok acc-notice" role="status" data-testid="people-notice">${s.notice}
        <button type="button" class="link-button" aria-label=${t('accounts.cancel')} @click=${() => v.update({ notice: null })}>×</button></p>` : nothing}
      ${s.load === 'loading' ? html`<div class="skeleton-list">${[1, 2, 3, 4].map(() => html`<div class="skeleton-row"></div>`)}</div>` : nothing}
      ${s.load === 'failed' ? html`<p class="form-error" role="alert">${t('accounts.people.loadFailed')} ${s.loadError}
        <button type="button" class="link-button" @click=${() => void load()}>${t('app.retry')}</button></p>` : nothing}
      ${s.load === 'ready' ? html`${table(s, v)}${pending(s)}` : nothing}
      ${s.sheet ? sheetView(s, s.sheet) : nothing}
    </section>`;
  }

  function filters(s: State, v: View<State>): TemplateResult {
    const set = (patch: Partial<PeopleFilter>) => v.update({ filter: { ...s.filter, ...patch } });
    return html`<select class="input acc-filter" aria-label=${t('accounts.people.col.role')} data-testid="people-filter-role"
        @change=${(e: Event) => set({ role: (e.target as HTMLSelectElement).value as Role | '' })}>
        <option value="" ?selected=${!s.filter.role}>${t('accounts.people.allRoles')}</option>
        ${(['ADMIN', 'MANAGER', 'REP'] as Role[]).map((r) => html`<option value=${r} ?selected=${s.filter.role === r}>${roleLabel(r)}</option>`)}
      </select>
      <select class="input acc-filter" aria-label=${t('accounts.people.col.team')} data-testid="people-filter-team"
        @change=${(e: Event) => set({ teamId: (e.target as HTMLSelectElement).value })}>
        <option value="" ?selected=${!s.filter.teamId}>${t('accounts.people.allUnits')}</option>
        ${s.units.map((u) => html`<option value=${u.id} ?selected=${s.filter.teamId === u.id}>${'· '.repeat(u.depth)}${u.name}</option>`)}
      </select>
      <select class="input acc-filter" aria-label=${t('accounts.people.col.status')} data-testid="people-filter-status"
        @change=${(e: Event) => set({ status: (e.target as HTMLSelectElement).value as PeopleFilter['status'] })}>
        <option value="active" ?selected=${s.filter.status === 'active'}>${t('accounts.people.active')}</option>
        <option value="inactive" ?selected=${s.filter.status === 'inactive'}>${t('accounts.people.inactive')}</option>
        <option value="" ?selected=${!s.filter.status}>${t('accounts.people.allStatus')}</option>
      </select>`;
  }

  const columns: ReadonlyArray<Column<Person>> = [
    {
      key: 'name', header: 'accounts.people.col.name', primary: true, sort: (p) => p.name,
      cell: (p) => html`<div class="acc-who">
        <span class="avatar acc-avatar" style="background:${p.avatarColor}" aria-hidden="true">${p.initials}</span>
        <span class="acc-who-text"><span class="acc-name">${p.name}</span><span class="acc-email">${p.email}</span></span>
      </div>`,
    },
    {
      key: 'number', header: 'accounts.people.col.number', sort: (p) => p.employeeNumber, width: '7rem',
      cell: (p) => (p.employeeNumber ? html`<span class="acc-number" data-testid="person-number">${p.employeeNumber}</span>` : html`<span class="acc-muted">—</span>`),
    },
    {
      key: 'role', header: 'accounts.people.col.role', sort: (p) => ({ ADMIN: 0, MANAGER: 1, REP: 2 })[p.role] ?? 9,
      cell: (p) => html`<span class="chip acc-role acc-role-${p.role.toLowerCase()}">${roleLabel(p.role)}</span>`,
    },
    { key: 'team', header: 'accounts.people.col.team', sort: (p) => p.teamName, cell: (p) => p.teamName ?? html`<span class="acc-muted">${t('accounts.people.noUnit')}</span>` },
    { key: 'manager', header: 'accounts.people.col.manager', sort: (p) => p.managerName, cell: (p) => p.managerName ?? html`<span class="acc-muted">${t('accounts.none')}</span>` },
    { key: 'lastSignIn', header: 'accounts.people.col.lastSignIn', sort: (p) => p.lastSignInAt, firstDir: 'desc', cell: (p) => html`<span class="acc-when">${when(p.lastSignInAt)}</span>` },
    {
      key: 'status', header: 'accounts.people.col.status', sort: (p) => (p.active ? 0 : 1),
      cell: (p) => html`<span class="acc-status ${p.active ? 'is-active' : ''}">${t(p.active ? 'accounts.people.active' : 'accounts.people.inactive')}</span>`,
    },
    { key: 'actions', header: 'accounts.people.col.actions', cell: (p) => actions(p) },
  ];

  function table(s: State, v: View<State>): TemplateResult {
    return dataTable({
      rows: filterPeople(s.people, s.filter),
      columns,
      rowId: (p) => p.id,
      label: t('accounts.people.title'),
      state: s.table,
      onChange: (next) => v.update({ table: next }),
      searchable: true,
      searchPlaceholder: t('accounts.people.search'),
      filterText: (p) => `${p.name} ${p.email} ${p.employeeNumber ?? ''} ${p.teamName ?? ''} ${p.managerName ?? ''}`,
      // Everyone in reach, whatever the on-screen filters: people are few, and payroll wants them all.
      exportUrl: (format) => exportHref('/api/people/export', {}, format),
      toolbar: filters(s, v),
      empty: html`<p class="empty">${t('accounts.people.empty')}</p>`,
      testId: 'people-table',
      rowTestId: 'person-row',
      rowData: (p) => ({ status: p.active ? 'active' : 'inactive', kind: p.role.toLowerCase() }),
    });
  }

  function actions(p: Person): TemplateResult | typeof nothing {
    const self = p.id === me.user.id;
    const number = () => openSheet({ kind: 'number', person: p, employeeNumber: p.employeeNumber ?? '' });
    // Admins number anyone, themselves and former people too; the rest of the sheet is for others in reach.
    if (!p.active || self || (!admin && p.role === 'ADMIN')) {
      return admin ? html`<div class="acc-actions"><button type="button" class="btn btn-ghost btn-small" data-testid="person-number-edit"
        @click=${number}>${t('accounts.people.numberEdit')}</button></div>` : nothing;
    }
    return html`<div class="acc-actions">
      <button type="button" class="btn btn-ghost btn-small" data-testid="person-edit"
        @click=${() => openSheet({ kind: 'edit', person: p, role: p.role, teamId: p.teamId ?? '', managerId: p.managerId ?? '', employeeNumber: p.employeeNumber ?? '' })}>${t('accounts.people.edit')}</button>
      ${admin ? html`<button type="button" class="btn btn-ghost btn-small" data-testid="person-reset"
        @click=${() => openSheet({ kind: 'reset', person: p, path: null, expiresAt: null })}>${t('accounts.people.resetLink')}</button>` : nothing}
      <button type="button" class="btn btn-ghost btn-small acc-danger" data-testid="person-deactivate"
        @click=${() => openSheet({ kind: 'deactivate', person: p, successorId: '' })}>${t('accounts.people.deactivate')}</button>
    </div>`;
  }

  function pending(s: State): TemplateResult {
    return html`<section class="acc-pending" data-testid="pending-invitations">
      <h2 class="section-title">${t('accounts.people.pending')}</h2>
      ${s.invitations.length === 0 ? html`<p class="acc-muted">${t('accounts.people.noPending')}</p>` : html`<ul class="acc-pending-list">
        ${repeat(s.invitations, (i) => i.id, (i) => html`<li class="card acc-pending-item" data-testid="pending-invitation">
          <div class="acc-who-text">
            <span class="acc-name">${i.name} <span class="chip acc-role acc-role-${i.role.toLowerCase()}">${roleLabel(i.role)}</span></span>
            <span class="acc-email">${[i.teamName, i.email, i.invitedByName ? t('accounts.people.invitedBy', { name: i.invitedByName }) : null].filter(Boolean).join(' · ')}</span>
            <span class="acc-email">${t('accounts.people.expires', { date: day(i.expiresAt) })}</span>
          </div>
          <button type="button" class="btn btn-ghost btn-small acc-danger" data-testid="invitation-revoke" @click=${() => void revoke(i)}>${t('accounts.people.revoke')}</button>
        </li>`)}
      </ul>`}
    </section>`;
  }

  // ----------------------------------------------------------------- sheets

  function sheetView(s: State, sheet: Sheet): TemplateResult {
    const close = () => view.update({ sheet: null, errors: NO_ERRORS });
    let body: TemplateResult;
    if (sheet.kind === 'invite') body = sheet.issued ? issuedView(s, sheet.issued, close) : inviteForm(s, sheet);
    else if (sheet.kind === 'edit') body = editForm(s, sheet);
    else if (sheet.kind === 'number') body = numberForm(s, sheet);
    else if (sheet.kind === 'reset') body = resetView(s, sheet);
    else body = deactivateForm(s, sheet);
    return html`<div class="acc-overlay" @click=${(e: Event) => { if (e.target === e.currentTarget) close(); }}>
      <div class="sheet acc-sheet" role="dialog" aria-modal="true" data-testid="people-sheet">
        <div class="sheet-body">
          <span class="sheet-grabber" aria-hidden="true"></span>
          ${body}
          ${sheet.kind === 'invite' && sheet.issued ? nothing : html`<button type="button" class="btn btn-ghost" @click=${close}>${t('accounts.cancel')}</button>`}
        </div>
      </div>
    </div>`;
  }

  function placement(s: State, sheet: { role: Role; teamId: string; managerId: string }, personId: string | null): TemplateResult {
    const bosses = managersFor(s.people, personId);
    return html`
      ${field('acc-role', t('accounts.invite.role'), html`<div class="segmented acc-roles" id="acc-role" role="radiogroup" aria-invalid=${invalid(s.errors, 'role')}>
        ${roles.map((r) => html`<button type="button" role="radio" class="seg-option" aria-checked=${String(sheet.role === r)} data-testid="sheet-role-${r.toLowerCase()}"
          @click=${() => patchSheet({ role: r })}>${roleLabel(r)}</button>`)}
      </div>`, 'role', s.errors)}
      ${field('acc-team', t('accounts.invite.team'), html`<select id="acc-team" class="input" data-testid="sheet-team" aria-invalid=${invalid(s.errors, 'teamId')}
          @change=${(e: Event) => patchSheet({ teamId: (e.target as HTMLSelectElement).value })}>
          ${admin ? html`<option value="" ?selected=${!sheet.teamId}>${t('accounts.people.noUnit')}</option>` : nothing}
          ${s.units.map((u) => html`<option value=${u.id} ?selected=${sheet.teamId === u.id}>${'· '.repeat(u.depth)}${u.name}</option>`)}
        </select>`, 'teamId', s.errors)}
      ${field('acc-manager', t('accounts.invite.manager'), html`<select id="acc-manager" class="input" data-testid="sheet-manager" aria-invalid=${invalid(s.errors, 'managerId')}
          @change=${(e: Event) => patchSheet({ managerId: (e.target as HTMLSelectElement).value })}>
          <option value="" ?selected=${!sheet.managerId}>${t('accounts.people.noManager')}</option>
          ${bosses.map((b) => html`<option value=${b.id} ?selected=${sheet.managerId === b.id}>${b.name}</option>`)}
        </select>`, 'managerId', s.errors)}`;
  }

  function inviteForm(s: State, sheet: Extract<Sheet, { kind: 'invite' }>): TemplateResult {
    return html`<h2 class="sheet-title">${t('accounts.invite.title')}</h2>
      <form class="acc-form" novalidate data-testid="invite-form" @submit=${(e: Event) => { e.preventDefault(); void invite(sheet); }}>
        ${field('invite-name', t('accounts.invite.name'), html`<input id="invite-name" class="input" autocomplete="off" .value=${sheet.name}
          aria-invalid=${invalid(s.errors, 'name')} data-testid="invite-name" @input=${(e: Event) => patchSheet({ name: (e.target as HTMLInputElement).value })} />`, 'name', s.errors)}
        ${placement(s, sheet, null)}
        ${admin ? numberField(s, sheet.employeeNumber) : nothing}
        ${field('invite-email', t('accounts.invite.email'), html`<input id="invite-email" class="input" type="email" autocomplete="off" .value=${sheet.email}
          aria-invalid=${invalid(s.errors, 'email')} data-testid="invite-email" @input=${(e: Event) => patchSheet({ email: (e.target as HTMLInputElement).value })} />`,
          'email', s.errors, t('accounts.invite.emailHint'))}
        ${errorSummary(s.errors, 'invite-error')}
        <button type="submit" class="btn btn-primary btn-block" ?disabled=${s.busy} data-testid="invite-submit">${busyLabel(s.busy, t('accounts.invite.submit'), t('accounts.saving'))}</button>
      </form>`;
  }

  function issuedView(s: State, issued: Issued, close: () => void): TemplateResult {
    const link = absoluteLink(issued.path, window.location.origin);
    return html`<h2 class="sheet-title">${t('accounts.invite.doneTitle', { name: issued.name })}</h2>
      <p class="sheet-sub">${t('accounts.invite.doneBody', { until: day(issued.expiresAt) })}</p>
      ${issued.emailed && issued.email ? html`<p class="form-ok">${t('accounts.invite.emailed', { email: issued.email })}</p>` : nothing}
      <div class="acc-share">
        <span class="label">${t('accounts.invite.link')}</span>
        <div class="acc-share-row"><output class="acc-share-value" data-testid="invite-link">${link}</output>
          <button type="button" class="btn btn-small" data-testid="copy-link" @click=${() => void copy(link, 'link')}>${s.copied === 'link' ? t('accounts.copied') : t('accounts.copy')}</button></div>
      </div>
      <div class="acc-share">
        <span class="label">${t('accounts.invite.code')}</span>
        <div class="acc-share-row"><output class="acc-share-value acc-code" data-testid="invite-code">${issued.code}</output>
          <button type="button" class="btn btn-small" data-testid="copy-code" @click=${() => void copy(issued.code, 'code')}>${s.copied === 'code' ? t('accounts.copied') : t('accounts.copy')}</button></div>
        <p class="form-hint">${t('accounts.invite.codeHelp', { url: absoluteLink('/join', window.location.origin) })}</p>
      </div>
      <div class="acc-sheet-actions">
        <button type="button" class="btn btn-ghost" data-testid="invite-another"
          @click=${() => openSheet({ kind: 'invite', name: '', role: 'REP', teamId: admin ? '' : (s.units[0]?.id ?? ''), managerId: admin ? '' : me.user.id, email: '', employeeNumber: '', issued: null })}>${t('accounts.invite.another')}</button>
        <button type="button" class="btn btn-primary" data-testid="invite-close" @click=${close}>${t('accounts.invite.close')}</button>
      </div>`;
  }

  function editForm(s: State, sheet: Extract<Sheet, { kind: 'edit' }>): TemplateResult {
    return html`<h2 class="sheet-title">${sheet.person.name}</h2><p class="sheet-sub">${sheet.person.email}</p>
      <form class="acc-form" novalidate @submit=${(e: Event) => { e.preventDefault(); void saveEdit(sheet); }}>
        ${placement(s, sheet, sheet.person.id)}
        ${admin ? numberField(s, sheet.employeeNumber) : nothing}
        ${errorSummary(s.errors, 'edit-error')}
        <button type="submit" class="btn btn-primary btn-block" ?disabled=${s.busy} data-testid="edit-submit">${busyLabel(s.busy, t('accounts.people.save'), t('accounts.saving'))}</button>
      </form>`;
  }

  function numberField(s: State, value: string): TemplateResult {
    return field('acc-number', t('accounts.people.number'), html`<input id="acc-number" class="input" autocomplete="off" maxlength="64" .value=${value}
      aria-invalid=${invalid(s.errors, 'employeeNumber')} data-testid="sheet-number"
      @input=${(e: Event) => patchSheet({ employeeNumber: (e.target as HTMLInputElement).value })} />`, 'employeeNumber', s.errors, t('accounts.people.numberHint'));
  }

  function numberForm(s: State, sheet: Extract<Sheet, { kind: 'number' }>): TemplateResult {
    return html`<h2 class="sheet-title">${t('accounts.people.numberTitle', { name: sheet.person.name })}</h2><p class="sheet-sub">${sheet.person.email}</p>
      <form class="acc-form" novalidate @submit=${(e: Event) => { e.preventDefault(); void saveNumberOnly(sheet); }}>
        ${numberField(s, sheet.employeeNumber)}
        ${errorSummary(s.errors, 'number-error')}
        <button type="submit" class="btn btn-primary btn-block" ?disabled=${s.busy} data-testid="number-submit">${busyLabel(s.busy, t('accounts.people.save'), t('accounts.saving'))}</button>
      </form>`;
  }

  function resetView(s: State, sheet: Extract<Sheet, { kind: 'reset' }>): TemplateResult {
    if (!sheet.path) {
      return html`<h2 class="sheet-title">${t('accounts.people.resetTitle', { name: sheet.person.name })}</h2>
        ${errorSummary(s.errors, 'reset-error')}
        <button type="button" class="btn btn-primary btn-block" ?disabled=${s.busy} data-testid="reset-issue" @click=${() => void issueReset(sheet)}>
          ${busyLabel(s.busy, t('accounts.people.resetLink'), t('accounts.saving'))}</button>`;
    }
    const link = absoluteLink(sheet.path, window.location.origin);
    return html`<h2 class="sheet-title">${t('accounts.people.resetTitle', { name: sheet.person.name })}</h2>
      <p class="sheet-sub">${t('accounts.people.resetBody', { name: sheet.person.name, until: when(sheet.expiresAt) })}</p>
      <div class="acc-share-row"><output class="acc-share-value" data-testid="reset-link">${link}</output>
        <button type="button" class="btn btn-small" @click=${() => void copy(link, 'reset')}>${s.copied === 'reset' ? t('accounts.copied') : t('accounts.copy')}</button></div>`;
  }

  function deactivateForm(s: State, sheet: Extract<Sheet, { kind: 'deactivate' }>): TemplateResult {
    const successors = successorsFor(s.people, sheet.person);
    return html`<h2 class="sheet-title">${t('accounts.people.deactivateTitle', { name: sheet.person.name })}</h2>
      <p class="sheet-sub">${t('accounts.people.deactivateBody', { name: sheet.person.name })}</p>
      <form class="acc-form" novalidate @submit=${(e: Event) => { e.preventDefault(); void deactivate(sheet); }}>
        ${field('acc-successor', t('accounts.people.successor'), html`<select id="acc-successor" class="input" data-testid="deactivate-successor"
            aria-invalid=${invalid(s.errors, 'successorId')} @change=${(e: Event) => patchSheet({ successorId: (e.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${!sheet.successorId} disabled>${t('accounts.people.chooseSuccessor')}</option>
            ${successors.map((p) => html`<option value=${p.id} ?selected=${sheet.successorId === p.id}>${p.name} · ${roleLabel(p.role)}${p.teamName ? ` · ${p.teamName}` : ''}</option>`)}
          </select>`, 'successorId', s.errors)}
        ${errorSummary(s.errors, 'deactivate-error')}
        <button type="submit" class="btn btn-danger btn-block" ?disabled=${s.busy || !sheet.successorId} data-testid="deactivate-submit">
          ${busyLabel(s.busy, t('accounts.people.deactivate'), t('accounts.saving'))}</button>
      </form>`;
  }

  // Escape closes a sheet wherever the focus is (a sheet is not a <dialog>, which would do it alone).
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && view.state.sheet) view.update({ sheet: null, errors: NO_ERRORS });
  };
  document.addEventListener('keydown', onKey);
  void load();
  return () => {
    document.removeEventListener('keydown', onKey);
    view.stop();
  };
};
