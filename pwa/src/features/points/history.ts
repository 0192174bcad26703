// /points: my points (total, today, this month) and the ledger, every entry in words with its
// rule and source. /points?user=<id>: one of a manager's people (or, for an admin, anyone in
// the org), with "Adjust points": a signed number and a required reason, sent once per
// clientId however often it is retried, and shown in the history at once.
import '@/features/points/points.css';
import type { Screen } from '@/app/screen';
import { openSheet } from '@/features/compensation/ui';
import {
  ADJUST_POINTS_MUTATION,
  MY_POINTS_PAGE_QUERY,
  PERSON_POINTS_QUERY,
  type AdjustPointsResult,
  type PointsEntry,
  type PointsSummary,
} from '@/features/points/documents';
import { entryInWords, entryLink, parseAdjustment, REASON_MAX, signedPoints, withEntry } from '@/features/points/logic';
import { FieldErrors } from '@/ui/form';
import { PendingWrite } from '@/features/rewards/logic';
import { NetworkError, request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatNumber, formatTime, getLocale, t } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';
import { exportHref, renderExportMenu } from '@/ui/table';

const HISTORY_SIZE = 100;
const WHEN: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };

/**
 * The adjust sheet. Resolves with the stored entry, or null when closed. A send without an
 * answer keeps the sheet open and the same clientId, so "try again" never counts twice.
 */
function adjustSheet(person: { id: string; name: string }, texts: Texts): Promise<PointsEntry | null> {
  return new Promise((resolve) => {
    const write = new PendingWrite();
    let sending = false;
    let result: PointsEntry | null = null;
    const sheet = openSheet({
      testId: 'adjust-sheet',
      title: t('points.adjustTitle', { name: person.name }),
      sub: t('points.adjustSub', { name: person.name }),
      onClose: () => resolve(result),
    });
    const errors = new FieldErrors('adjust-error', texts);
    let negative = false;
    const sign = h('button', {
      type: 'button', class: 'btn points-sign', 'data-testid': 'adjust-sign', 'aria-pressed': 'false',
      onclick: () => {
        negative = !negative;
        showSign();
      },
    });
    const showSign = () => {
      sign.textContent = negative ? '−' : '+';
      sign.setAttribute('aria-label', negative ? '−' : '+');
      sign.setAttribute('aria-pressed', String(negative));
      sign.classList.toggle('is-negative', negative);
    };
    showSign();
    const amount = h('input', {
      class: 'input points-amount', type: 'text', inputmode: 'numeric', autocomplete: 'off', 'data-testid': 'adjust-points',
    });
    const reason = h('textarea', { class: 'input textarea', rows: 3, maxlength: REASON_MAX, 'data-testid': 'adjust-reason' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'adjust-send' }, t('points.adjustSend'));
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'adjust-cancel', onclick: () => sheet.close() }, t('points.cancel'));
    amount.id = 'adjust-points';

    const send = async () => {
      errors.clear();
      const typed = parseAdjustment(amount.value);
      if (Number.isNaN(typed)) {
        errors.show([{ field: 'points', code: 'INVALID', message: t('points.notNumber') }]);
        return;
      }
      const points = negative && typed > 0 ? -typed : typed;
      sending = true;
      submit.disabled = cancel.disabled = true;
      submit.textContent = t('points.adjustSending');
      try {
        const { adjustPoints } = await request<{ adjustPoints: AdjustPointsResult }>(ADJUST_POINTS_MUTATION, {
          input: { clientId: write.clientId, userId: person.id, points, reason: reason.value },
        });
        write.settle();
        if (adjustPoints.__typename === 'OperationError') {
          errors.show(adjustPoints.errors);
          return;
        }
        result = adjustPoints.entry;
        sending = false;
        sheet.close();
      } catch (failure) {
        // No answer: the same clientId goes again on the next tap.
        errors.message(failure instanceof NetworkError ? t('points.retryHint') : failureMessage(failure));
      } finally {
        sending = false;
        submit.disabled = cancel.disabled = false;
        submit.textContent = t('points.adjustSend');
      }
    };
    // While a send is in flight the sheet stays: its answer must not be lost.
    sheet.dialog.addEventListener('cancel', (event) => {
      if (sending) event.stopImmediatePropagation();
    }, { capture: true });

    const pointsField = h('div', { class: 'field' },
      h('label', { class: 'label', for: amount.id }, t('points.adjustPoints')),
      h('div', { class: 'points-amount-row' }, sign, amount),
      errors.slot('points', amount));
    sheet.body.append(
      h('form', {
        class: 'sheet-form', novalidate: true,
        onsubmit: (event: Event) => {
          event.preventDefault();
          if (!sending) void send();
        },
      },
      pointsField,
      errors.field('points.adjustReason', reason, 'reason'),
      errors.summary,
      h('div', { class: 'sheet-actions' }, cancel, submit)),
    );
    amount.focus();
  });
}

export const pointsScreen: Screen = (root, { me: maybeMe, location }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  const asked = location.params.get('user');
  const other = asked && asked !== me.user.id ? asked : null;
  const canAdjust = other !== null && me.user.role !== 'REP';
  let summary: PointsSummary | null = null;
  let entries: PointsEntry[] = [];
  let loaded = false;
  let personName: string | null = null;
  let alive = true;
  disposers.push(() => {
    alive = false;
  });

  const title = h('h1', { class: 'page-title', 'data-testid': 'points-title' });
  const summaryCard = h('section', { class: 'card points-summary', 'data-testid': 'points-summary', hidden: other !== null });
  const list = h('ol', { class: 'points-history', 'data-testid': 'points-history', 'aria-live': 'polite' });
  const notice = h('p', { class: 'form-ok', role: 'status', 'data-testid': 'points-notice', hidden: true });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'points-error', hidden: true });

  const name = () => personName ?? t('points.someone');

  const adjustButton = canAdjust
    ? h('button', {
        type: 'button', class: 'btn btn-primary btn-small', 'data-testid': 'adjust-open',
        onclick: async () => {
          const entry = await adjustSheet({ id: other!, name: name() }, texts);
          if (!entry || !alive) return;
          entries = withEntry(entries, entry);
          notice.hidden = false;
          notice.textContent = t('points.adjusted', { points: signedPoints(entry.points, getLocale()), name: name() });
          render();
        },
      }, icon('plus'), tx(texts, 'span', 'points.adjust'))
    : null;

  // A manager takes this person's ledger of the month so far away as a file (the API takes other spans too).
  const exportHost = canAdjust ? h('span', { class: 'points-export' }) : null;
  const drawExport = () => {
    if (exportHost) renderExportMenu(exportHost, (format) => exportHref('/api/points/export', { userId: other }, format), 'points-export', t('points.exportHint'));
  };

  const item = (e: PointsEntry) => {
    const link = entryLink(e);
    const words = entryInWords(e, getLocale());
    const sign = e.points > 0 ? 'is-plus' : e.points < 0 ? 'is-minus' : '';
    return h('li', { class: `points-entry ${sign}`, 'data-testid': 'points-entry', 'data-entry-id': e.id, 'data-rule': e.ruleKind, 'data-points': e.points },
      h('span', { class: 'points-entry-figure' }, signedPoints(e.points, getLocale())),
      h('span', { class: 'points-entry-main' },
        link
          ? h('a', { class: 'points-entry-words', href: link, 'data-testid': 'points-entry-link', title: t('points.entry.openDeal') }, words)
          : h('span', { class: 'points-entry-words' }, words),
        h('time', { class: 'points-entry-time', datetime: e.occurredAt }, formatTime(e.occurredAt, WHEN))));
  };

  function render(): void {
    title.textContent = other ? t('points.historyOf', { name: name() }) : t('points.historyTitle');
    if (summary) {
      const figure = (label: 'points.total' | 'points.today' | 'points.month', value: number, testId: string, big = false) =>
        h('div', { class: `points-figure${big ? ' is-big' : ''}` },
          h('span', { class: 'stat-label' }, t(label)),
          h('strong', { 'data-testid': testId, 'data-value': value }, formatNumber(value)));
      replace(summaryCard,
        figure('points.total', summary.total, 'points-total', true),
        h('div', { class: 'points-figures' },
          figure('points.today', summary.today, 'points-today'),
          figure('points.month', summary.month, 'points-month')));
    }
    if (!loaded) {
      replace(list, h('li', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' })));
      return;
    }
    replace(list, entries.length ? entries.map(item) : h('li', { class: 'empty', 'data-testid': 'points-empty' }, t('points.historyEmpty')));
  }

  const load = async () => {
    try {
      if (other) {
        const data = await request<{ pointsHistory: PointsEntry[]; orgTree: Array<{ node: { kind: string; id: string; name: string } }> }>(
          PERSON_POINTS_QUERY, { userId: other, first: HISTORY_SIZE });
        if (!alive) return;
        entries = data.pointsHistory;
        personName = data.orgTree.find((e) => e.node.kind === 'USER' && e.node.id === other)?.node.name ?? null;
      } else {
        const data = await request<{ myPoints: PointsSummary; pointsHistory: PointsEntry[] }>(MY_POINTS_PAGE_QUERY, { first: HISTORY_SIZE });
        if (!alive) return;
        summary = data.myPoints;
        entries = data.pointsHistory;
      }
      loaded = true;
      error.hidden = true;
      render();
    } catch (failure) {
      if (!alive) return;
      error.hidden = false;
      error.textContent = failureMessage(failure);
    }
  };
  // Points come from elsewhere (a visit synced, a manager's adjustment): coming back shows them.
  const onVisible = () => {
    if (document.visibilityState === 'visible') void load();
  };
  document.addEventListener('visibilitychange', onVisible);
  disposers.push(() => document.removeEventListener('visibilitychange', onVisible));
  texts.on(render);
  texts.on(drawExport);

  root.append(
    h('section', { class: 'page page-narrow points-page', 'data-testid': 'points-page', 'data-user-id': other ?? me.user.id },
      other ? h('a', { class: 'back-link', href: '/team' }, icon('chevron', 'icon flip'), tx(texts, 'span', 'points.back')) : null,
      h('header', { class: 'page-head points-head' },
        h('div', null, title, tx(texts, 'p', 'points.historySub', { class: 'page-sub' })),
        h('nav', { class: 'points-links' },
          exportHost,
          adjustButton,
          h('a', { class: 'btn btn-ghost btn-small', href: '/settings/points', 'data-testid': 'link-point-rules' },
            tx(texts, 'span', 'points.howLink'), icon('chevron')))),
      error,
      summaryCard,
      notice,
      h('section', { class: 'card points-history-card' }, tx(texts, 'h2', 'points.history', { class: 'card-title' }), list)),
  );
  render();
  drawExport();
  void load();
  return () => disposers.forEach((d) => d());
};
