// My pipeline: one column per stage, swiped through on a phone. A deal moves by dragging
// its card or with its Move sheet: the move is saved on the phone first (the outbox), the
// card moves at once marked "waiting to sync", and the server's outcome shows when it is
// sent (points for a win). A refused move stays on /sync for the rep to decide; the board
// shows the server's deal again. The board is kept on the phone, so it opens offline.
// `?owner=<id>` shows someone else's.
import '@/features/pipeline/pipeline.css';
import type { Screen } from '@/app/screen';
import { serverSpeaksCurrentLocale, withOwner } from '@/features/pipeline/common';
import { enableDrag } from '@/features/pipeline/drag';
import { findDeal, needsReason, openTotals, placeDeal } from '@/features/pipeline/logic';
import { formatDay, isoDay } from '@/ui/dates';
import { formatMoney } from '@/ui/money';
import { movedMessage } from '@/features/pipeline/move';
import { isAbout, markOf, overlayBoard, recordMove, type SyncMark } from '@/features/pipeline/queue';
import { syncNote } from '@/features/pipeline/sync-note';
import { savedWhen } from '@/features/visit/field-data';
import { chooseStage, type StageChoice } from '@/features/pipeline/sheet';
import { createToasts } from '@/ui/toast';
import { NetworkError, request } from '@/graphql/client';
import { PIPELINE_QUERY } from '@/graphql/documents';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Deal, Me, PipelineColumn, Stage } from '@/graphql/types';
import { formatNumber, formatTime, getLocale, t } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { readCache, writeCache, type OutboxItem } from '@/offline/db';
import { listOutbox, onOutboxChange, onRefused, onSynced } from '@/offline/outbox';
import { icon } from '@/ui/icons';

/** How long closed deals stay on the board (won and lost columns). */
export const CLOSED_DAYS = 30;

export const pipelineScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const ownerId = location.params.get('owner');
  const userId = me.user.id;
  /** What the server last said (or the copy kept on the phone), and the rep's writes not yet accepted. */
  let serverColumns: PipelineColumn[] | null = null;
  let queued: OutboxItem[] = [];
  /** The board as the rep left it: the server's, with the queued moves applied. */
  let columns: PipelineColumn[] | null = null;
  let savedAt: string | null = null;
  let loadFailed: string | null = null;
  let loadSeq = 0;
  let disposed = false;

  const stages = () => (columns ?? []).map((c) => c.stage);
  const currencyOf = (column: PipelineColumn) => column.deals[0]?.currency ?? me.org.currency;

  const toasts = createToasts({ error: 'pipeline-error', notice: 'pipeline-notice' });
  const showError = toasts.error;
  const showNotice = toasts.notice;
  const offlineNote = h('p', { class: 'pipeline-offline', role: 'status', 'data-testid': 'pipeline-offline', hidden: true });

  const recompute = () => {
    columns = serverColumns && overlayBoard(serverColumns, queued);
  };

  // --- header -------------------------------------------------------------------
  const title = h('h1', { class: 'page-title' });
  const sub = h('p', { class: 'page-sub', 'data-testid': 'pipeline-totals' });
  const newDeal = h(
    'a',
    { class: 'btn btn-primary btn-small', href: withOwner('/deals/new', ownerId), 'data-testid': 'new-deal' },
    icon('plus'),
    tx(texts, 'span', 'pipeline.newDeal'),
  );

  const renderHead = () => {
    const owner = columns?.flatMap((c) => c.deals)[0]?.owner;
    title.textContent =
      ownerId && ownerId !== me.user.id ? (owner ? t('pipeline.titleOf', { name: owner.name }) : t('pipeline.titleOther')) : t('pipeline.title');
    if (!columns) {
      sub.textContent = '';
      return;
    }
    const totals = openTotals(columns);
    const locale = getLocale();
    // Three parts that each stay on one line when the header wraps.
    replace(
      sub,
      h('span', null, t('pipeline.openCount', { count: formatNumber(totals.count) })),
      ' · ',
      h('span', null, formatMoney(totals.amount, me.org.currency, locale, true)),
      ' · ',
      h('span', null, t('pipeline.weighted', { amount: formatMoney(totals.weighted, me.org.currency, locale, true) })),
    );
  };

  // --- stage strip (phones: where am I among the columns) --------------------------
  const strip = h('nav', { class: 'stage-strip', 'data-testid': 'stage-strip' });
  texts.attr(strip, 'aria-label', 'pipeline.stages');

  const scrollToColumn = (key: string) => {
    const column = board.querySelector<HTMLElement>(`[data-testid="pipeline-column"][data-stage-key="${CSS.escape(key)}"]`);
    if (column) board.scrollTo({ left: column.offsetLeft - 16, behavior: 'smooth' });
  };

  const markVisibleStage = () => {
    const columnsEls = [...board.querySelectorAll<HTMLElement>('[data-testid="pipeline-column"]')];
    const middle = board.scrollLeft + board.clientWidth * 0.35;
    let current = columnsEls[0];
    for (const el of columnsEls) if (el.offsetLeft <= middle) current = el;
    for (const chip of strip.querySelectorAll<HTMLElement>('.stage-chip')) {
      const active = chip.dataset.stageKey === current?.dataset.stageKey;
      chip.setAttribute('aria-current', String(active));
      // Keep the current stage's chip in sight (without scrolling the page).
      if (active && (chip.offsetLeft < strip.scrollLeft || chip.offsetLeft + chip.offsetWidth > strip.scrollLeft + strip.clientWidth)) {
        strip.scrollTo({ left: chip.offsetLeft - 16, behavior: 'smooth' });
      }
    }
  };

  const renderStrip = () => {
    replace(
      strip,
      (columns ?? []).map((column) =>
        h(
          'button',
          {
            type: 'button',
            class: `stage-chip outcome-${column.stage.outcome.toLowerCase()}`,
            'data-stage-key': column.stage.key,
            onclick: () => scrollToColumn(column.stage.key),
          },
          h('span', null, column.stage.name),
          h('span', { class: 'stage-chip-count' }, formatNumber(column.count)),
        ),
      ),
    );
    markVisibleStage();
  };

  // --- the board ----------------------------------------------------------------
  // Not a live region: the toasts say what changed; re-reading the whole board would drown it.
  const board = h('div', { class: 'pipeline-board', 'data-testid': 'pipeline-board' });
  let scrollFrame = 0;
  board.addEventListener('scroll', () => {
    cancelAnimationFrame(scrollFrame);
    scrollFrame = requestAnimationFrame(markVisibleStage);
  });

  const card = (deal: Deal, today: string) => {
    const locale = getLocale();
    const open = deal.status === 'OPEN';
    const mark: SyncMark | null = markOf(deal, queued);
    const overdue = open && deal.expectedClose < today;
    return h(
      'li',
      { class: 'deal-item' },
      h(
        'article',
        {
          class: `deal-card status-${deal.status.toLowerCase()}${mark ? ` is-${mark}` : ''}`,
          'data-testid': 'deal-card',
          'data-deal-id': deal.id,
          'data-status': deal.status,
          'data-sync': mark,
        },
        h(
          'div',
          { class: 'deal-card-top' },
          h('a', { class: 'deal-title', href: `/deals/${encodeURIComponent(deal.id)}`, draggable: 'false' }, deal.title),
          open
            ? h(
                'span',
                { class: 'drag-handle', 'data-drag-handle': '', title: t('pipeline.dragHint'), 'aria-hidden': 'true' },
                icon('grip'),
              )
            : null,
        ),
        h('p', { class: 'deal-customer' }, deal.customer.name),
        h(
          'div',
          { class: 'deal-money' },
          h('p', { class: 'deal-amount', 'data-testid': 'deal-amount' }, formatMoney(deal.amount, deal.currency, locale)),
          h('span', { class: 'deal-prob', title: t('pipeline.probabilityLabel') }, `${deal.probability}%`),
        ),
        h(
          'div',
          { class: 'deal-foot' },
          open
            ? h(
                'span',
                { class: `deal-close${overdue ? ' is-overdue' : ''}` },
                icon('calendar', 'icon icon-small'),
                t(overdue ? 'pipeline.overdue' : 'pipeline.closes', { date: formatDay(deal.expectedClose, locale) }),
              )
            : h(
                'span',
                { class: 'deal-close' },
                t(deal.status === 'WON' ? 'pipeline.wonOn' : 'pipeline.lostOn', {
                  date: deal.closedAt ? formatTime(deal.closedAt, { month: 'short', day: 'numeric' }) : '—',
                }),
              ),
          open
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-ghost btn-small move-button',
                  'data-testid': 'move-deal',
                  onclick: () => void move(deal.id),
                },
                t('pipeline.move'),
              )
            : null,
        ),
        !open && deal.closeReason ? h('p', { class: 'deal-reason' }, deal.closeReason) : null,
        mark ? syncNote(mark) : null,
      ),
    );
  };


  const column = (col: PipelineColumn, today: string) => {
    const locale = getLocale();
    const currency = currencyOf(col);
    const open = col.stage.outcome === 'OPEN';
    const headId = `stage-${col.stage.key}`;
    return h(
      'section',
      {
        class: `pipeline-column outcome-${col.stage.outcome.toLowerCase()}`,
        'data-testid': 'pipeline-column',
        'data-stage-key': col.stage.key,
        'data-count': col.count,
        'aria-labelledby': headId,
      },
      h(
        'header',
        { class: 'column-head' },
        h(
          'div',
          { class: 'column-title-row' },
          h('h2', { class: 'column-title', id: headId }, col.stage.name),
          h('span', { class: 'column-count', 'data-testid': 'column-count' }, formatNumber(col.count)),
        ),
        h(
          'p',
          { class: 'column-amount', title: formatMoney(col.amount, currency, locale) },
          h('strong', null, formatMoney(col.amount, currency, locale, true)),
          open && col.count > 0
            ? h('span', { class: 'column-weighted' }, t('pipeline.weighted', { amount: formatMoney(col.weightedAmount, currency, locale, true) }))
            : !open
              ? h('span', { class: 'column-weighted' }, t('pipeline.lastDays', { days: CLOSED_DAYS }))
              : null,
        ),
      ),
      col.deals.length
        ? h('ol', { class: 'column-deals' }, col.deals.map((deal) => card(deal, today)))
        : h('p', { class: 'column-empty' }, t(open ? 'pipeline.empty' : 'pipeline.emptyClosed', { days: CLOSED_DAYS })),
    );
  };

  const render = () => {
    renderHead();
    offlineNote.hidden = savedAt === null;
    offlineNote.textContent = savedAt ? t('pipeline.offlineCopy', { when: savedWhen(savedAt) }) : '';
    if (loadFailed && !columns) {
      replace(
        board,
        h(
          'div',
          { class: 'pipeline-failed' },
          h('p', null, loadFailed),
          h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void load() }, t('app.retry')),
        ),
      );
      strip.replaceChildren();
      return;
    }
    if (!columns) {
      replace(board, Array.from({ length: 3 }, () => h('div', { class: 'pipeline-column is-loading' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' }))));
      return;
    }
    const today = isoDay(new Date());
    const scroll = board.scrollLeft;
    replace(board, columns.map((col) => column(col, today)));
    board.scrollLeft = scroll;
    renderStrip();
  };

  // --- moving -------------------------------------------------------------------
  // A glow where the card now is; the board stays where the user was looking.
  const flash = (dealId: string) => {
    board.querySelector(`[data-testid="deal-card"][data-deal-id="${CSS.escape(dealId)}"]`)?.classList.add('is-landed');
  };

  async function move(dealId: string, target?: Stage): Promise<void> {
    const deal = columns && findDeal(columns, dealId);
    if (!deal || deal.status !== 'OPEN') return;
    // Dropped on an open stage: nothing to ask. Otherwise the sheet asks where, or why
    // (a win or a loss needs its reason: checked here, on the phone).
    const choice: StageChoice | null = target && !needsReason(target) ? { stage: target, reason: '' } : await chooseStage(deal, stages(), target);
    if (!choice || disposed || !serverColumns) return;
    const known = findDeal(serverColumns, dealId); // the version the server last gave
    if (!known || choice.stage.id === findDeal(columns ?? [], dealId)?.stage.id) return;
    try {
      const item = await recordMove(userId, known, choice.stage, choice.reason);
      queued = [...queued.filter((i) => i.seq !== item.seq), item];
    } catch {
      showError(t('field.storageError'));
      return;
    }
    if (disposed) return;
    showError(null);
    recompute();
    render();
    flash(dealId);
    if (typeof navigator !== 'undefined' && !navigator.onLine) showNotice(t('pipeline.queuedOffline'));
  }

  /** The server's answer to a queued move or edit: its deal becomes the board's. */
  const accepted = (deal: Deal) => {
    if (!serverColumns || !findDeal(serverColumns, deal.id)) return false;
    serverColumns = placeDeal(serverColumns, deal);
    recompute();
    render();
    return true;
  };

  const stopSynced = [
    onSynced('moveDeal', (result) => {
      if (disposed || !accepted(result.deal)) return;
      flash(result.deal.id);
      const done = movedMessage(result);
      showNotice(done.text, done.win);
    }),
    onSynced('updateDeal', (result) => void (!disposed && accepted(result.deal))),
    onRefused((item) => {
      if (disposed || !serverColumns || !serverColumns.some((c) => c.deals.some((d) => isAbout(item, d)))) return;
      const reason = item.errors.map(fieldErrorMessage).join(' ') || t('error.unknown');
      showError(`${t('pipeline.refused', { reason })} ${t('pipeline.reloaded')}`);
      void load();
    }),
    onOutboxChange(() => void refreshQueued()),
  ];

  async function refreshQueued(): Promise<void> {
    try {
      queued = await listOutbox(userId);
    } catch {
      // No database: the board is the server's.
    }
    if (disposed) return;
    recompute();
    render();
  }

  const stopDrag = enableDrag({
    board,
    canDrag: (el) => el.dataset.status === 'OPEN',
    onDrop: (dealId, stageKey) => {
      const stage = stages().find((s) => s.key === stageKey);
      if (stage) void move(dealId, stage);
    },
  });

  // --- loading ------------------------------------------------------------------
  const boardCacheName = `pipeline:${ownerId ?? userId}`;

  async function load(): Promise<void> {
    const seq = ++loadSeq;
    try {
      const data = await request<{ pipeline: PipelineColumn[] }>(PIPELINE_QUERY, { ownerId, closedDays: CLOSED_DAYS });
      if (disposed || seq !== loadSeq) return;
      serverColumns = data.pipeline;
      savedAt = null;
      loadFailed = null;
      void writeCache(userId, boardCacheName, data.pipeline);
    } catch (failure) {
      if (disposed || seq !== loadSeq) return;
      const saved = failure instanceof NetworkError && !serverColumns ? await readCache<PipelineColumn[]>(userId, boardCacheName) : null;
      if (disposed || seq !== loadSeq) return;
      if (saved) {
        serverColumns = saved.value;
        savedAt = saved.savedAt;
      } else {
        loadFailed = failureMessage(failure);
        if (serverColumns) showError(loadFailed);
      }
    }
    // Moves still on the phone stay where the rep put them until the server answers.
    await refreshQueued();
  }

  texts.on(() => {
    render();
    void serverSpeaksCurrentLocale().then(load);
  });
  root.append(
    h(
      'section',
      { class: 'page pipeline-page' },
      h('header', { class: 'page-head pipeline-head' }, h('div', { class: 'pipeline-heading' }, title, sub),
        h('div', { class: 'pipeline-actions' },
          me?.user.role === 'ADMIN' ? h('a', { class: 'btn btn-small', href: '/settings/stages', 'data-testid': 'edit-stages' }, tx(texts, 'span', 'pipeline.editStages')) : null,
          newDeal)),
      offlineNote,
      strip,
      board,
      toasts.el,
    ),
  );
  render();
  void load();

  return () => {
    disposed = true;
    toasts.dispose();
    cancelAnimationFrame(scrollFrame);
    stopDrag();
    stopSynced.forEach((stop) => stop());
    texts.dispose();
  };
};
