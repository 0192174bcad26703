// /sync: what is saved on this phone and not yet accepted by Podium, in words.
// Conflicts (writes the server refused) come first, each with its reason and what
// the rep can do: choose another customer (a check-in whose customer is gone),
// rename a new customer (a name the org already has), try again, or discard it
// (after a confirmation, with what depends on it).
import '@/features/sync/sync.css';
import type { Screen } from '@/app/screen';
import { loadCustomers, savedWhen } from '@/features/visit/field-data';
import type { VisitCustomer } from '@/features/visit/documents';
import { distanceTo } from '@/features/visit/logic';
import { customerInput } from '@/features/visit/new-customer-logic';
import { fieldErrorMessage } from '@/graphql/errors';
import { SYNC_DEAL_VERSION } from '@/features/pipeline/sync-documents';
import { request } from '@/graphql/client';
import type { Deal, FieldError, Role } from '@/graphql/types';
import { formatDistance, formatNumber, formatTime, t, type MessageKey } from '@/i18n';
import type { OutboxItem } from '@/offline/db';
import { isDealWrite, isStale } from '@/offline/deals';
import { dependentsOf, discard, dropOne, listOutbox, onOutboxChange, planSync, retry, updatePayload } from '@/offline/outbox';
import { onSyncState, syncNow, type SyncState } from '@/offline/sync';
import { getVisit, updateVisit } from '@/offline/visits';
import { customerName, mayOpenCustomer, type NamedCustomer } from '@/ui/customer-link';
import { h, replace, Texts, tx, type Child } from '@/ui/dom';
import { icon } from '@/ui/icons';

/** How far a customer is, or nothing for one without a position yet. */
function awayText(meters: number | null): string {
  return meters === null ? '' : formatDistance(meters);
}

const KIND_TEXT: Record<OutboxItem['kind'], MessageKey> = {
  checkIn: 'sync.kind.checkIn',
  photo: 'sync.kind.photo',
  checkOut: 'sync.kind.checkOut',
  createDeal: 'sync.kind.createDeal',
  moveDeal: 'sync.kind.moveDeal',
  updateDeal: 'sync.kind.updateDeal',
  logActivity: 'sync.kind.logActivity',
  addCustomer: 'sync.kind.addCustomer',
};
/** The edit form's labels, to say which fields an edit changes. */
const FIELD_TEXT: Record<string, MessageKey> = {
  title: 'pipeline.dealTitle',
  amount: 'pipeline.amount',
  expectedClose: 'pipeline.expectedClose',
  probability: 'pipeline.probabilityLabel',
};

/** What the row says the write is: the customer (visits) or the deal, and what it does to it. */
function itemTitle(item: OutboxItem, label = item.label || '—'): string {
  switch (item.kind) {
    case 'moveDeal':
      return t(KIND_TEXT.moveDeal, { deal: label, stage: item.payload.stage.name });
    case 'updateDeal':
      return t(KIND_TEXT.updateDeal, { deal: label, fields: Object.keys(item.payload.changes).map((f) => (FIELD_TEXT[f] ? t(FIELD_TEXT[f]) : f)).join(', ') });
    case 'logActivity':
      return t(KIND_TEXT.logActivity, { deal: label, kind: t(`pipeline.kind.${item.payload.kind}`) });
    case 'createDeal':
      return t(KIND_TEXT.createDeal, { deal: label });
    default:
      return t(KIND_TEXT[item.kind], { customer: label });
  }
}
const RESOLVE_SHOWN = 20;

/** The visit a check-in, a photo or a check-out belongs to (its check-in's clientId); deals and new customers have none. */
function visitOf(item: OutboxItem): string | null {
  if (item.kind === 'checkIn') return item.clientId;
  if (item.kind === 'photo') return item.payload.visitClientId;
  if (item.kind === 'checkOut') return item.payload.visitClientId;
  return null;
}

// Where the customer's name goes in a row's title: the sentence is translated around it.
const NAME_SLOT = '\u0001';

/** The row's title, the customer's name a link to its page when the viewer may open it. */
function titleWithCustomer(item: OutboxItem, customer: NamedCustomer | undefined, viewer: { id: string; role: Role }): Child[] {
  if (!customer || !mayOpenCustomer(viewer, customer)) return [itemTitle(item)];
  const [before = '', after = ''] = itemTitle(item, NAME_SLOT).split(NAME_SLOT);
  return [before, customerName(viewer, { ...customer, name: item.label || customer.name }), after];
}

/** A check-in refused because of its customer can be sent again for another one. */
function canChooseCustomer(item: OutboxItem): boolean {
  return item.kind === 'checkIn' && item.errors.some((e) => (e.field ?? '').split('.').pop() === 'customerId');
}

export const syncScreen: Screen = (root, { me }) => {
  const userId = me!.user.id;
  const viewer = me!.user;
  /** The customer of each visit's write, by the visit's clientId, as this phone keeps it (with its owner). */
  let customers = new Map<string, NamedCustomer>();
  const texts = new Texts();
  let items: OutboxItem[] = [];
  let loaded = false;
  let state: SyncState = { phase: 'idle', retryAt: null };
  let confirming: number | null = null;
  /** What the open confirmation is for: discarding (with dependents) or keeping the server's deal. */
  let confirmMode: 'discard' | 'theirs' = 'discard';
  let applying: number | null = null;
  let resolving: number | null = null;
  let resolveTerm = '';
  let resolveList: VisitCustomer[] | null = null;
  let resolveSeq = 0;
  let notice: string | null = null;
  /** The new customer being renamed (its seq), and the problem with the name typed, if any. */
  let renaming: number | null = null;
  let renameProblem: string | null = null;
  let renameValue = '';
  let disposed = false;

  const status = h('p', { class: 'sync-status', role: 'status', 'data-testid': 'sync-status' });
  const sendNow = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'sync-now', onclick: () => void syncNow() });
  const noticeEl = h('p', { class: 'sync-notice', role: 'status', 'data-testid': 'sync-notice', hidden: true });
  const body = h('div', { class: 'sync-body' });

  const renderStatus = () => {
    sendNow.textContent = t('sync.sendNow');
    const pending = items.some((i) => i.state === 'pending');
    sendNow.hidden = planSync(items).next === null || state.phase === 'sending';
    status.dataset.phase = state.phase;
    status.textContent =
      items.length === 0 ? ''
        : state.phase === 'sending' ? t('sync.sending')
          : state.phase === 'waiting' && state.retryAt ? t('sync.waitingNetwork', { time: formatTime(new Date(state.retryAt), { hour: '2-digit', minute: '2-digit', second: '2-digit' }) })
            : state.phase === 'stopped' && pending ? t('sync.stopped') : '';
    status.hidden = status.textContent === '';
    noticeEl.hidden = notice === null;
    noticeEl.textContent = notice ?? '';
  };

  const loadResolve = async () => {
    const seq = ++resolveSeq;
    try {
      // Nearest first to where the rep checked in: the customer they meant is likely there.
      const at = resolvingAt();
      const found = await loadCustomers(userId, at, resolveTerm, RESOLVE_SHOWN);
      if (seq !== resolveSeq || disposed) return;
      resolveList = at ? [...found.value].sort((a, b) => (distanceTo(at, a) ?? Infinity) - (distanceTo(at, b) ?? Infinity)) : found.value;
    } catch {
      if (seq !== resolveSeq || disposed) return;
      resolveList = [];
    }
    render();
  };

  const resolvingAt = () => {
    const item = items.find((i) => i.seq === resolving);
    return item?.kind === 'checkIn' ? { latitude: item.payload.latitude, longitude: item.payload.longitude } : null;
  };

  /** The server's words, or ours where we know better what it means for the rep. */
  const errorText = (item: OutboxItem, error: FieldError) => {
    if (canChooseCustomer(item) && error.code === 'NOT_FOUND') return t('sync.customerGone');
    if (isDealWrite(item) && error.code === 'CLOSED') return t('sync.dealClosed');
    if (isDealWrite(item) && error.code === 'NOT_FOUND' && (error.field ?? '').split('.').pop() !== 'stageId') return t('sync.dealGone');
    // CONFLICT: the server's words name the field someone else changed.
    if (isDealWrite(item) && error.code === 'CONFLICT') return `${t('sync.dealChanged')} ${fieldErrorMessage(error)}`;
    return fieldErrorMessage(error);
  };

  /**
   * "Apply mine again": the same change on top of the deal as it is now. It keeps its
   * clientId: the server refused it, so it never stored it, and a resend is still one write.
   */
  const applyMine = async (item: OutboxItem) => {
    if ((item.kind !== 'moveDeal' && item.kind !== 'updateDeal') || item.payload.dealId === null) return;
    applying = item.seq;
    notice = null;
    render();
    try {
      const data = await request<{ deal: { deal: Deal } }>(SYNC_DEAL_VERSION, { id: item.payload.dealId });
      await updatePayload(item.seq, { ...item.payload, version: data.deal.deal.version } as typeof item.payload);
      notice = t('sync.applied');
    } catch {
      notice = t('sync.applyOffline');
    } finally {
      applying = null;
    }
    if (!disposed) render();
  };

  const resolvePanel = (item: OutboxItem & { kind: 'checkIn' }) => {
    const search = h('input', {
      class: 'input',
      type: 'search',
      value: resolveTerm,
      autocomplete: 'off',
      'data-testid': 'sync-resolve-search',
      'aria-label': t('visit.search'),
      placeholder: t('visit.search'),
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    search.addEventListener('input', () => {
      resolveTerm = search.value;
      clearTimeout(timer);
      timer = setTimeout(() => void loadResolve(), 250);
    });
    const options = (resolveList ?? []).filter((c) => c.id !== item.payload.customerId);
    const panel = h(
      'div',
      { class: 'sync-resolve', 'data-testid': 'sync-resolve-panel' },
      h('p', { class: 'sync-resolve-title' }, t('sync.resolveTitle')),
      search,
      resolveList === null
        ? h('span', { class: 'spinner spinner-small' })
        : options.length === 0
          ? h('p', { class: 'empty-inline' }, t('sync.resolveNone'))
          : h('ul', { class: 'sync-resolve-list' }, options.map((customer) =>
              h('li', null, h('button', {
                type: 'button',
                class: 'sync-resolve-option',
                'data-testid': 'sync-resolve-customer',
                'data-customer-id': customer.id,
                onclick: () => void chooseCustomer(item, customer),
              },
              h('span', { class: 'customer-name' }, customer.name),
              h('span', { class: 'customer-address' }, customer.address),
              h('span', { class: 'customer-distance' }, awayText(distanceTo(item.payload, customer))))))),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'sync-resolve-cancel', onclick: () => { resolving = null; render(); } }, t('sync.resolveCancel')),
    );
    // Keep typing where it was after a re-render.
    queueMicrotask(() => {
      if (document.activeElement === document.body && resolving === item.seq && resolveTerm) {
        search.focus();
        search.setSelectionRange(search.value.length, search.value.length);
      }
    });
    return panel;
  };

  /** A refused new customer, renamed: the same clientId is sent again (the server never stored the refused one). */
  const renamePanel = (item: OutboxItem & { kind: 'addCustomer' }) => {
    const input = h('input', {
      class: 'input',
      id: `sync-rename-${item.seq}`,
      value: renameValue,
      autocomplete: 'off',
      'data-testid': 'sync-rename-input',
      'aria-invalid': renameProblem ? 'true' : null,
      'aria-describedby': renameProblem ? `sync-rename-error-${item.seq}` : null,
    });
    const send = () => {
      renameValue = input.value;
      // The same checks as the sheet; the position is the one recorded, unchanged.
      const rest = item.payload;
      const result = customerInput(
        { name: input.value, address: rest.address, tier: rest.tier, radius: rest.geofenceRadiusMeters },
        { latitude: rest.latitude, longitude: rest.longitude, accuracy: 0 },
      );
      if (!result.ok) {
        const problem = result.problems.find((p) => p.field === 'name');
        renameProblem = problem?.code === 'TOO_LONG' ? t('newCustomer.nameTooLong', { count: formatNumber(problem.count), max: formatNumber(problem.max) }) : t('newCustomer.nameRequired');
        render();
        return;
      }
      renaming = null;
      renameProblem = null;
      notice = t('sync.renamed');
      void updatePayload<'addCustomer'>(item.seq, result.payload, result.payload.name);
    };
    queueMicrotask(() => {
      if (renaming === item.seq && document.activeElement === document.body) input.focus();
    });
    return h(
      'form',
      { class: 'sync-resolve', 'data-testid': 'sync-rename-panel', novalidate: true, onsubmit: (event: Event) => { event.preventDefault(); send(); } },
      h('label', { class: 'sync-resolve-title', for: input.id }, t('sync.renameLabel')),
      input,
      renameProblem ? h('p', { class: 'field-error', id: `sync-rename-error-${item.seq}`, role: 'alert' }, renameProblem) : null,
      h('div', { class: 'sync-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'sync-rename-send' }, t('sync.renameSend')),
        h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'sync-rename-cancel', onclick: () => { renaming = null; renameProblem = null; render(); } }, t('sync.resolveCancel'))),
    );
  };

  const chooseCustomer = async (item: OutboxItem & { kind: 'checkIn' }, customer: VisitCustomer) => {
    resolving = null;
    await updateVisit(item.clientId, (v) => ({ ...v, customer })).catch(() => null);
    await updatePayload<'checkIn'>(item.seq, { ...item.payload, customerId: customer.id }, customer.name);
  };

  const row = (item: OutboxItem, held: boolean, all: OutboxItem[]) => {
    const conflict = item.state === 'conflict';
    const visit = visitOf(item);
    const customer = visit ? customers.get(visit) : undefined;
    // A check-in sent again for another customer names that one: the visit's own record must agree.
    const title = titleWithCustomer(item, item.kind === 'checkIn' && customer?.id !== item.payload.customerId ? undefined : customer, viewer);
    const dependents = dependentsOf(item, all).length;
    const actions: HTMLElement[] = [];
    const stale = isStale(item);
    if (conflict && confirming === item.seq && confirmMode === 'theirs') {
      actions.push(
        h('p', { class: 'sync-confirm-text' }, t('sync.keepTheirsConfirm')),
        h('div', { class: 'sync-actions' },
          h('button', { type: 'button', class: 'btn btn-danger btn-small', 'data-testid': 'sync-keep-theirs-confirm', onclick: async () => {
            confirming = null;
            await dropOne(item.seq);
            notice = t('sync.keptTheirs');
            void refresh();
          } }, t('sync.keepTheirsYes')),
          h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'sync-discard-cancel', onclick: () => { confirming = null; render(); } }, t('sync.keep'))),
      );
    } else if (conflict && confirming === item.seq) {
      const more = isDealWrite(item) ? 'sync.discardConfirmDeal' : 'sync.discardConfirmMore';
      actions.push(
        h('p', { class: 'sync-confirm-text' }, dependents ? t(more, { count: formatNumber(dependents) }) : t('sync.discardConfirm')),
        h('div', { class: 'sync-actions' },
          h('button', { type: 'button', class: 'btn btn-danger btn-small', 'data-testid': 'sync-discard-confirm', onclick: async () => {
            confirming = null;
            await discard(item.seq);
            notice = t('sync.discarded');
            void refresh();
          } }, t('sync.discardYes')),
          h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'sync-discard-cancel', onclick: () => { confirming = null; render(); } }, t('sync.keep'))),
      );
    } else if (conflict && stale) {
      actions.push(
        h('p', { class: 'sync-item-hint' }, t('sync.applyMineHint')),
        h('div', { class: 'sync-actions' },
          h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'sync-apply-mine', disabled: applying === item.seq, onclick: () => void applyMine(item) }, t('sync.applyMine')),
          h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'sync-keep-theirs', onclick: () => { confirming = item.seq; confirmMode = 'theirs'; notice = null; render(); } }, t('sync.keepTheirs')),
          dependents
            ? h('button', { type: 'button', class: 'btn btn-ghost btn-small sync-discard', 'data-testid': 'sync-discard', onclick: () => { confirming = item.seq; confirmMode = 'discard'; notice = null; render(); } }, t('sync.discard'))
            : null,
        ),
      );
    } else if (conflict && item.kind === 'addCustomer') {
      // While renaming, the panel's own buttons are the choices.
      if (renaming !== item.seq) actions.push(h('div', { class: 'sync-actions' },
        h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'sync-rename', onclick: () => {
          renaming = item.seq;
          renameProblem = null;
          renameValue = item.payload.name;
          notice = null;
          render();
        } }, t('sync.rename')),
        h('button', { type: 'button', class: 'btn btn-ghost btn-small sync-discard', 'data-testid': 'sync-discard', onclick: () => { confirming = item.seq; confirmMode = 'discard'; notice = null; render(); } }, t('sync.discard')),
      ));
    } else if (conflict) {
      actions.push(h('div', { class: 'sync-actions' },
        canChooseCustomer(item) ? h('button', { type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'sync-resolve', onclick: () => {
          resolving = item.seq;
          resolveTerm = '';
          resolveList = null;
          render();
          void loadResolve();
        } }, t('sync.resolve')) : null,
        h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'sync-retry', onclick: () => void retry(item.seq) }, t('sync.retry')),
        h('button', { type: 'button', class: 'btn btn-ghost btn-small sync-discard', 'data-testid': 'sync-discard', onclick: () => { confirming = item.seq; confirmMode = 'discard'; notice = null; render(); } }, t('sync.discard')),
      ));
    }
    return h(
      'li',
      {
        class: `sync-item ${conflict ? 'is-conflict' : held ? 'is-held' : 'is-pending'}`,
        'data-testid': 'sync-item',
        'data-seq': item.seq,
        'data-kind': item.kind,
        'data-client-id': item.clientId,
        'data-state': conflict ? 'conflict' : held ? 'held' : 'pending',
      },
      h('span', { class: 'sync-item-icon', 'aria-hidden': 'true' }, conflict ? icon('alert') : h('span', { class: 'sync-item-dot' })),
      h('div', { class: 'sync-item-main' },
        h('p', { class: 'sync-item-title' }, ...title),
        h('p', { class: 'sync-item-meta' }, t('sync.recordedAt', { when: savedWhen(item.recordedAt) }),
          !conflict && item.attempts > 0 ? ` · ${t('sync.attempts', { count: formatNumber(item.attempts) })}` : ''),
        held ? h('p', { class: 'sync-item-held' }, t(isDealWrite(item) ? 'sync.heldDeal' : 'sync.held')) : null,
        conflict
          ? h('div', { class: 'sync-item-errors' },
              h('p', null, t('sync.serverSaid')),
              h('ul', null, item.errors.map((e) => h('li', { 'data-testid': 'sync-item-error', 'data-code': e.code, 'data-field': e.field ?? '' }, errorText(item, e)))))
          : null,
        actions,
        resolving === item.seq && item.kind === 'checkIn' ? resolvePanel(item) : null,
        renaming === item.seq && item.kind === 'addCustomer' ? renamePanel(item) : null,
      ),
    );
  };

  function render(): void {
    renderStatus();
    if (!loaded) {
      replace(body, h('span', { class: 'spinner' }));
      return;
    }
    if (items.length === 0) {
      replace(body, h('div', { class: 'card sync-empty', 'data-testid': 'sync-empty' }, h('span', { class: 'result-icon' }, icon('check')), h('p', null, t('sync.empty'))));
      return;
    }
    const { held } = planSync(items);
    const conflicts = items.filter((i) => i.state === 'conflict');
    const pending = items.filter((i) => i.state === 'pending');
    replace(
      body,
      conflicts.length
        ? h('section', { class: 'sync-section', 'data-testid': 'sync-conflicts', 'data-count': conflicts.length },
            h('h2', { class: 'section-title' }, t('sync.conflictsTitle')),
            h('ul', { class: 'sync-list' }, conflicts.map((i) => row(i, false, items))))
        : null,
      pending.length
        ? h('section', { class: 'sync-section', 'data-testid': 'sync-pending', 'data-count': pending.length },
            h('h2', { class: 'section-title' }, t('sync.pendingTitle')),
            h('ul', { class: 'sync-list' }, pending.map((i) => row(i, held.has(i.seq), items))))
        : null,
    );
  }

  const refresh = async () => {
    try {
      items = await listOutbox(userId);
      customers = await visitCustomers(items);
    } catch {
      items = [];
    }
    loaded = true;
    if (confirming !== null && !items.some((i) => i.seq === confirming)) confirming = null;
    if (resolving !== null && !items.some((i) => i.seq === resolving && i.state === 'conflict')) resolving = null;
    if (renaming !== null && !items.some((i) => i.seq === renaming && i.state === 'conflict')) renaming = null;
    if (!disposed) render();
  };

  const visitCustomers = async (list: OutboxItem[]): Promise<Map<string, NamedCustomer>> => {
    const found = new Map<string, NamedCustomer>();
    for (const clientId of new Set(list.map(visitOf).filter((id): id is string => id !== null))) {
      const visit = await getVisit(clientId).catch(() => null);
      if (visit) found.set(clientId, visit.customer);
    }
    return found;
  };

  const stopOutbox = onOutboxChange(() => void refresh());
  const stopState = onSyncState((next) => {
    state = next;
    if (!disposed) renderStatus();
  });
  texts.on(render);
  root.append(
    h('section', { class: 'page page-narrow sync-page', 'data-testid': 'sync-page' },
      h('header', { class: 'page-head' }, tx(texts, 'h1', 'sync.title', { class: 'page-title' }), tx(texts, 'p', 'sync.intro', { class: 'page-sub' })),
      h('div', { class: 'sync-bar' }, status, sendNow),
      noticeEl,
      body),
  );
  render();
  void refresh();

  return () => {
    disposed = true;
    stopOutbox();
    stopState();
    texts.dispose();
  };
};
