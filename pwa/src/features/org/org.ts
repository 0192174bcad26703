// /settings/org: the company's regions and teams as an indented tree with head counts and
// managers. Admins add a unit under any other, rename in place, move through a parent picker
// (or by dragging a row onto another on a desktop), merge after a confirmation that says what
// moves, name a manager and delete an empty unit. Managers read the units they reach.
import '@/features/org/org.css';
import { html, nothing, type TemplateResult } from 'lit-html';
import type { Screen } from '@/app/screen';
import {
  CREATE_UNIT_MUTATION,
  DELETE_UNIT_MUTATION,
  MANAGER_CANDIDATES_QUERY,
  MERGE_UNITS_MUTATION,
  MOVE_UNIT_MUTATION,
  ORG_UNITS_QUERY,
  RENAME_UNIT_MUTATION,
  SET_UNIT_MANAGER_MUTATION,
  type DeleteResult,
  type ManagerCandidate,
  type MergeResult,
  type OrgUnit,
  type UnitResult,
} from '@/features/org/documents';
import { deletable, mergeMoves, mergeTargets, moveTargets, pathName, visibleUnits } from '@/features/org/logic';
import { request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { FieldError, Me } from '@/graphql/types';
import { t } from '@/i18n';
import { mount, type View } from '@/ui/view';

const NAME_MAX = 200;

type Action =
  | { kind: 'create'; parentId: string | null }
  | { kind: 'rename'; id: string }
  | { kind: 'move'; id: string }
  | { kind: 'merge'; id: string }
  | { kind: 'manager'; id: string }
  | { kind: 'delete'; id: string };

interface State {
  units: OrgUnit[] | null;
  loadError: string | null;
  candidates: ManagerCandidate[] | null;
  action: Action | null;
  /** The open form's text (a name) or choice (a unit or person id; '' for "none"/"the top"). */
  draft: string;
  /** A merge waits for its confirmation once a target is picked. */
  confirming: boolean;
  error: string | null;
  busy: boolean;
  /** Said again in the language of the moment (a switch redraws it). */
  notice: (() => string) | null;
  collapsed: ReadonlySet<string>;
  dragging: string | null;
  dropOn: string | null;
  /** On a phone a row's actions fold behind one button; the row whose actions are shown. */
  menu: string | null;
}

export const orgScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const admin = me.user.role === 'ADMIN';
  const host = document.createElement('div');
  root.append(host);
  let alive = true;

  const view = mount<State>(host, {
    units: null, loadError: null, candidates: null, action: null, draft: '', confirming: false, error: null, busy: false,
    notice: null, collapsed: new Set(), dragging: null, dropOn: null, menu: null,
  }, draw);

  async function load(): Promise<void> {
    try {
      const { orgUnits } = await request<{ orgUnits: OrgUnit[] }>(ORG_UNITS_QUERY);
      if (alive) view.update({ units: orgUnits, loadError: null });
    } catch (failure) {
      if (alive) view.update({ loadError: failureMessage(failure) });
    }
  }

  async function loadCandidates(): Promise<void> {
    if (view.state.candidates) return;
    try {
      const { unitManagerCandidates } = await request<{ unitManagerCandidates: ManagerCandidate[] }>(MANAGER_CANDIDATES_QUERY);
      if (alive) view.update({ candidates: unitManagerCandidates });
    } catch (failure) {
      if (alive) view.update({ error: failureMessage(failure) });
    }
  }

  const unitOf = (id: string) => view.state.units?.find((u) => u.id === id);

  function open(action: Action): void {
    const unit = 'id' in action ? unitOf(action.id) : undefined;
    const draft = action.kind === 'rename' ? (unit?.name ?? '') : action.kind === 'manager' ? (unit?.manager?.id ?? '') : '';
    view.update({ action, draft, confirming: false, error: null, notice: null, menu: null });
    if (action.kind === 'manager') void loadCandidates();
    // The form's first control takes the focus, so a keyboard user types at once.
    queueMicrotask(() => host.querySelector<HTMLElement>('[data-autofocus]')?.focus());
  }

  const close = () => view.update({ action: null, draft: '', confirming: false, error: null });

  /** Sends one mutation; a typed error stays in the open form, success reloads the tree and says so. */
  async function send<R extends { __typename: string }>(
    document: string, variables: Record<string, unknown>, field: string, done: (result: R) => () => string,
  ): Promise<void> {
    if (view.state.busy) return;
    view.update({ busy: true, error: null });
    try {
      const data = await request<Record<string, R | { __typename: 'OperationError'; errors: FieldError[] }>>(document, variables);
      const result = data[field]!;
      if (result.__typename === 'OperationError') {
        view.update({ error: (result as { errors: FieldError[] }).errors.map(fieldErrorMessage).join(' ') });
        return;
      }
      const notice = done(result as R);
      await load();
      view.update({ action: null, draft: '', confirming: false, notice });
    } catch (failure) {
      // Every one of these sets a state (a name, a parent, a manager): sending it again is harmless.
      view.update({ error: failureMessage(failure) });
    } finally {
      if (alive) view.update({ busy: false });
    }
  }

  function submit(event: Event): void {
    event.preventDefault();
    const { action, draft } = view.state;
    if (!action) return;
    const name = draft.trim();
    switch (action.kind) {
      case 'create':
        if (!name) return view.update({ error: t('error.REQUIRED') });
        return void send<Extract<UnitResult, { __typename: 'UnitSuccess' }>>(CREATE_UNIT_MUTATION, { name, parentId: action.parentId }, 'createUnit',
          (r) => () => t('org.created', { name: r.unit.name }));
      case 'rename':
        if (!name) return view.update({ error: t('error.REQUIRED') });
        return void send<Extract<UnitResult, { __typename: 'UnitSuccess' }>>(RENAME_UNIT_MUTATION, { id: action.id, name }, 'renameUnit',
          (r) => () => t('org.renamed', { name: r.unit.name }));
      case 'move':
        return void send<Extract<UnitResult, { __typename: 'UnitSuccess' }>>(MOVE_UNIT_MUTATION, { id: action.id, parentId: draft || null }, 'moveUnit',
          (r) => () => t('org.moved', { name: r.unit.name }));
      case 'merge':
        if (!draft) return view.update({ error: t('error.REQUIRED') });
        if (!view.state.confirming) return view.update({ confirming: true, error: null });
        return void send<Extract<MergeResult, { __typename: 'MergeUnitsSuccess' }>>(MERGE_UNITS_MUTATION, { sourceId: action.id, intoId: draft }, 'mergeUnits',
          (r) => () => t('org.merged', { name: r.into.name, people: r.peopleMoved }));
      case 'manager':
        return void send<Extract<UnitResult, { __typename: 'UnitSuccess' }>>(SET_UNIT_MANAGER_MUTATION, { id: action.id, managerId: draft || null }, 'setUnitManager',
          (r) => () => t('org.managerSet', { name: r.unit.name }));
      case 'delete': {
        const gone = unitOf(action.id)?.name ?? '';
        return void send<Extract<DeleteResult, { __typename: 'DeleteUnitSuccess' }>>(DELETE_UNIT_MUTATION, { id: action.id }, 'deleteUnit',
          () => () => t('org.deleted', { name: gone }));
      }
    }
  }

  function drop(targetId: string | null): void {
    const { dragging, units } = view.state;
    view.update({ dragging: null, dropOn: null });
    if (!dragging || !units || dragging === targetId) return;
    const allowed = targetId === null || moveTargets(units, dragging).some((u) => u.id === targetId);
    if (!allowed) return;
    void send<Extract<UnitResult, { __typename: 'UnitSuccess' }>>(MOVE_UNIT_MUTATION, { id: dragging, parentId: targetId }, 'moveUnit',
      (r) => () => t('org.moved', { name: r.unit.name }));
  }

  function toggle(id: string): void {
    const collapsed = new Set(view.state.collapsed);
    if (collapsed.has(id)) collapsed.delete(id);
    else collapsed.add(id);
    view.update({ collapsed });
  }

  function draw(state: State, v: View<State>): TemplateResult {
    return html`
      <section class="page org-page" data-testid="org-page">
        <header class="page-head org-head">
          <div>
            <h1 class="page-title">${t('org.title')}</h1>
            <p class="page-sub">${admin ? t('org.lead') : t('org.readOnly')}</p>
          </div>
          ${admin
            ? html`<button type="button" class="btn btn-primary" data-testid="org-add-top" @click=${() => open({ kind: 'create', parentId: null })}>
                ${t('org.addTop')}</button>`
            : nothing}
        </header>
        ${state.notice ? html`<p class="form-ok org-notice" role="status" data-testid="org-notice">${state.notice()}</p>` : nothing}
        ${state.action?.kind === 'create' && state.action.parentId === null ? html`<div class="card org-panel">${form(state, v)}</div>` : nothing}
        ${body(state, v)}
      </section>`;
  }

  function body(state: State, v: View<State>): TemplateResult {
    if (state.loadError) {
      return html`<div class="card org-empty"><p class="form-error" role="alert">${t('org.loadFailed')} ${state.loadError}</p>
        <button type="button" class="btn btn-ghost" @click=${() => void load()}>↻</button></div>`;
    }
    if (!state.units) return html`<div class="card org-empty" aria-busy="true"><p class="empty-inline">…</p></div>`;
    if (!state.units.length) return html`<div class="card org-empty"><p class="empty-inline" data-testid="org-empty">${t('org.empty')}</p></div>`;
    const people = state.units.filter((u) => u.parentId === null).reduce((sum, u) => sum + u.peopleBelow, 0);
    return html`
      <div class="card org-tree-card">
        <p class="org-summary" data-testid="org-summary">${t('org.summary', { company: me.org.name, people, units: state.units.length })}</p>
        <div class="org-row org-row-head" aria-hidden="true">
          <span>${t('org.col.unit')}</span><span class="org-num">${t('org.col.people')}</span>
          <span class="org-num">${t('org.col.below')}</span><span>${t('org.manager')}</span><span></span>
        </div>
        <ul class="org-tree" role="tree" data-testid="org-tree"
          @dragover=${(e: DragEvent) => { if (state.dragging) e.preventDefault(); }}
          @drop=${(e: DragEvent) => { if (e.target === e.currentTarget) { e.preventDefault(); drop(null); } }}>
          ${visibleUnits(state.units, state.collapsed).map((unit) => row(state, v, unit))}
        </ul>
        ${admin ? html`<p class="org-hint">${t('org.dragHint')}</p>` : nothing}
      </div>`;
  }

  function row(state: State, v: View<State>, unit: OrgUnit): TemplateResult {
    const acting = state.action && 'id' in state.action && state.action.id === unit.id ? state.action : null;
    const creatingUnder = state.action?.kind === 'create' && state.action.parentId === unit.id;
    const collapsed = state.collapsed.has(unit.id);
    const dropTarget = state.dropOn === unit.id;
    return html`
      <li role="treeitem" aria-level=${unit.depth + 1} aria-expanded=${unit.childCount ? String(!collapsed) : nothing}
        class="org-item ${dropTarget ? 'is-drop' : ''} ${state.dragging === unit.id ? 'is-dragging' : ''}"
        data-testid="org-unit" data-id=${unit.id} data-name=${unit.name} data-people=${unit.people} style="--depth: ${unit.depth}"
        draggable=${admin ? 'true' : 'false'}
        @dragstart=${(e: DragEvent) => { e.stopPropagation(); e.dataTransfer?.setData('text/plain', unit.id); v.update({ dragging: unit.id }); }}
        @dragend=${() => v.update({ dragging: null, dropOn: null })}
        @dragover=${(e: DragEvent) => { if (state.dragging && state.dragging !== unit.id) { e.preventDefault(); e.stopPropagation(); if (state.dropOn !== unit.id) v.update({ dropOn: unit.id }); } }}
        @drop=${(e: DragEvent) => { e.preventDefault(); e.stopPropagation(); drop(unit.id); }}>
        <div class="org-row">
          <span class="org-name">
            ${unit.childCount
              ? html`<button type="button" class="org-twisty" aria-label=${unit.name} @click=${() => toggle(unit.id)}>${collapsed ? '▸' : '▾'}</button>`
              : html`<span class="org-twisty" aria-hidden="true">•</span>`}
            <strong data-testid="org-unit-name">${unit.name}</strong>
          </span>
          <span class="org-num" data-testid="org-unit-people"><span class="org-n">${unit.people}</span><span class="org-words">${t('org.people', { count: unit.people })}</span></span>
          <span class="org-num org-below"><span class="org-n">${unit.peopleBelow}</span><span class="org-words">${t('org.peopleBelow', { count: unit.peopleBelow })}</span></span>
          <span class="org-manager ${unit.manager ? '' : 'is-none'}" data-testid="org-unit-manager">${unit.manager?.name ?? t('org.noManager')}</span>
          ${admin ? actions(unit, state.menu === unit.id, v) : html`<span></span>`}
        </div>
        ${acting ? html`<div class="org-panel">${form(state, v)}</div>` : nothing}
        ${creatingUnder ? html`<div class="org-panel">${form(state, v)}</div>` : nothing}
      </li>`;
  }

  function actions(unit: OrgUnit, shown: boolean, v: View<State>): TemplateResult {
    const button = (label: string, testId: string, action: Action, extra = '') =>
      html`<button type="button" class="btn btn-ghost btn-small ${extra}" data-testid=${testId} @click=${() => open(action)}>${label}</button>`;
    return html`<button type="button" class="btn btn-ghost btn-small org-more" aria-expanded=${String(shown)} data-testid="org-more"
        aria-label=${t('org.actionsOf', { name: unit.name })} @click=${() => v.update({ menu: shown ? null : unit.id })}>⋯</button>
      <span class="org-actions ${shown ? 'is-open' : ''}">
      ${button(t('org.add'), 'org-add-under', { kind: 'create', parentId: unit.id })}
      ${button(t('org.rename'), 'org-rename', { kind: 'rename', id: unit.id })}
      ${button(t('org.move'), 'org-move', { kind: 'move', id: unit.id })}
      ${button(t('org.merge'), 'org-merge', { kind: 'merge', id: unit.id })}
      ${button(t('org.setManager'), 'org-set-manager', { kind: 'manager', id: unit.id })}
      ${deletable(unit)
        ? button(t('org.delete'), 'org-delete', { kind: 'delete', id: unit.id }, 'org-danger')
        : html`<span class="btn btn-ghost btn-small org-danger org-no-delete" aria-hidden="true">${t('org.delete')}</span>`}
    </span>`;
  }

  function form(state: State, v: View<State>): TemplateResult {
    const action = state.action!;
    const units = state.units ?? [];
    const unit = 'id' in action ? units.find((u) => u.id === action.id) : undefined;
    const input = (e: Event) => v.update({ draft: (e.target as HTMLInputElement | HTMLSelectElement).value, confirming: false, error: null });
    const buttons = (label: string, danger = false) => html`
      <div class="org-form-actions">
        <button type="submit" class="btn ${danger ? 'btn-danger' : 'btn-primary'} btn-small" data-testid="org-submit" ?disabled=${state.busy}>${label}</button>
        <button type="button" class="btn btn-ghost btn-small" data-testid="org-cancel" @click=${close}>${t('org.cancel')}</button>
      </div>`;
    const error = state.error ? html`<p class="field-error" role="alert" data-testid="org-error">${state.error}</p>` : nothing;
    let content: TemplateResult;
    switch (action.kind) {
      case 'create': {
        const parent = action.parentId ? units.find((u) => u.id === action.parentId) : undefined;
        content = html`
          <label class="label" for="org-name">${parent ? t('org.addUnder', { name: parent.name }) : t('org.addTop')}</label>
          <div class="org-inline">
            <input id="org-name" class="input" data-autofocus data-testid="org-name-input" maxlength=${NAME_MAX} autocomplete="off"
              placeholder=${t('org.namePlaceholder')} .value=${state.draft} @input=${input} />
            ${buttons(t('org.create'))}
          </div>${error}`;
        break;
      }
      case 'rename':
        content = html`
          <label class="label" for="org-name">${t('org.name')}</label>
          <div class="org-inline">
            <input id="org-name" class="input" data-autofocus data-testid="org-name-input" maxlength=${NAME_MAX} autocomplete="off"
              .value=${state.draft} @input=${input} />
            ${buttons(t('org.save'))}
          </div>${error}`;
        break;
      case 'move':
        content = html`
          <label class="label" for="org-pick">${t('org.moveTitle', { name: unit?.name ?? '' })}</label>
          <div class="org-inline">
            <select id="org-pick" class="input" data-autofocus data-testid="org-parent-picker" .value=${state.draft} @change=${input}>
              <option value="" ?selected=${state.draft === ''}>${t('org.moveTop')}</option>
              ${moveTargets(units, action.id).map((u) => html`<option value=${u.id} ?selected=${state.draft === u.id}>${pathName(units, u.id)}</option>`)}
            </select>
            ${buttons(t('org.move'))}
          </div>
          <p class="form-hint">${t('org.moveHint')}</p>${error}`;
        break;
      case 'merge': {
        const into = units.find((u) => u.id === state.draft);
        const moves = unit ? mergeMoves(unit) : { people: 0, units: 0 };
        content = html`
          <label class="label" for="org-pick">${t('org.mergeTitle', { name: unit?.name ?? '' })}</label>
          <div class="org-inline">
            <select id="org-pick" class="input" data-autofocus data-testid="org-merge-picker" .value=${state.draft} @change=${input}>
              <option value="" ?selected=${state.draft === ''}>${t('org.pick')}</option>
              ${mergeTargets(units, action.id).map((u) => html`<option value=${u.id} ?selected=${state.draft === u.id}>${pathName(units, u.id)}</option>`)}
            </select>
            ${state.confirming ? nothing : buttons(t('org.merge'))}
          </div>
          ${state.confirming && into && unit
            ? html`<div class="org-confirm" role="alertdialog" aria-labelledby="org-confirm-title" data-testid="org-merge-confirm">
                <p id="org-confirm-title"><strong>${t('org.mergeConfirm', { source: unit.name, into: into.name })}</strong></p>
                <p>${t('org.mergeWhat', { people: moves.people, units: moves.units, source: unit.name, into: into.name })}</p>
                ${buttons(t('org.mergeDo', { into: into.name }), true)}
              </div>`
            : nothing}${error}`;
        break;
      }
      case 'manager':
        content = html`
          <label class="label" for="org-pick">${t('org.managerTitle', { name: unit?.name ?? '' })}</label>
          <div class="org-inline">
            <select id="org-pick" class="input" data-autofocus data-testid="org-manager-picker" .value=${state.draft} @change=${input}
              ?disabled=${!state.candidates}>
              <option value="" ?selected=${state.draft === ''}>${t('org.clearManager')}</option>
              ${(state.candidates ?? []).map((c) => html`<option value=${c.id} ?selected=${state.draft === c.id}>
                ${c.teamName ? `${c.name} · ${c.teamName}` : c.name}</option>`)}
            </select>
            ${buttons(t('org.save'))}
          </div>
          <p class="form-hint">${t('org.managerHint')}</p>${error}`;
        break;
      case 'delete':
        content = html`<p><strong>${t('org.deleteConfirm', { name: unit?.name ?? '' })}</strong></p>${buttons(t('org.delete'), true)}${error}`;
        break;
    }
    return html`<form class="org-form" novalidate data-testid="org-form" @submit=${submit}
      @keydown=${(e: KeyboardEvent) => { if (e.key === 'Escape') close(); }}>${content}</form>`;
  }

  void load();
  return () => {
    alive = false;
    view.stop();
  };
};
