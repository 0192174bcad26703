// /rewards/approvals: a manager's queue of pending redemptions, oldest first. Each is approved
// or rejected with an optional note; rejecting gives the points and the stock back. A decided
// one leaves the queue; one decided elsewhere meanwhile says so and stays put until reload.
import '@/features/rewards/rewards.css';
import type { Screen } from '@/app/screen';
import { decidedElsewhere, placeErrors } from '@/features/review/logic';
import { DECIDE_REDEMPTION_MUTATION, REDEMPTIONS_TO_DECIDE_QUERY, type DecideResult, type Redemption } from '@/features/rewards/documents';
import { NOTE_MAX } from '@/features/rewards/logic';
import { GraphQLRequestError, request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatNumber, formatTime, t } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

const QUEUE_SIZE = 50;

export const approvalsScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  const back = h('a', { class: 'back-link', href: '/rewards' }, tx(texts, 'span', 'rewards.back'));
  if (me.user.role === 'REP') {
    root.append(h('section', { class: 'page page-narrow empty-page', role: 'alert', 'data-testid': 'approvals-forbidden' },
      tx(texts, 'h1', 'rewards.managersOnly', { class: 'page-title' }), back));
    return () => disposers.forEach((d) => d());
  }
  let queue: Redemption[] = [];
  let total = 0;
  let loaded = false;
  const count = h('p', { class: 'page-sub', 'data-testid': 'approvals-remaining', 'aria-live': 'polite' });
  const notice = h('p', { class: 'form-ok', role: 'status', 'data-testid': 'approvals-notice', hidden: true });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const list = h('div', { class: 'reward-queue', 'data-testid': 'approvals-list' });

  const renderCount = () => {
    count.dataset.count = String(total);
    count.textContent = loaded ? t('rewards.approvalsCount', { count: formatNumber(total) }) : '';
  };

  const item = (r: Redemption) => {
    const noteId = `decide-note-${r.id}`;
    const note = h('textarea', { id: noteId, class: 'input textarea', rows: 2, maxlength: NOTE_MAX, 'data-testid': 'decide-note' });
    const noteError = h('p', { class: 'field-error', 'data-testid': 'field-error', 'data-field': 'note', hidden: true });
    const itemError = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'decide-error', hidden: true });
    const article = h('article', { class: 'card reward-decide', 'data-testid': 'approval-item', 'data-redemption-id': r.id, 'data-person-id': r.person.id });
    const decide = async (approve: boolean) => {
      buttons.forEach((b) => (b.disabled = true));
      noteError.hidden = true;
      itemError.hidden = true;
      try {
        const { decideRedemption } = await request<{ decideRedemption: DecideResult }>(DECIDE_REDEMPTION_MUTATION, {
          input: { redemptionId: r.id, approve, note: note.value.trim() },
        });
        if (decideRedemption.__typename === 'OperationError') {
          const placed = placeErrors(decideRedemption.errors);
          if (placed.note.length) {
            noteError.hidden = false;
            noteError.textContent = placed.note.map(fieldErrorMessage).join(' ');
          }
          if (placed.general.length) {
            itemError.hidden = false;
            itemError.textContent = placed.general.map(fieldErrorMessage).join(' ');
          }
          if (!decidedElsewhere(decideRedemption.errors)) buttons.forEach((b) => (b.disabled = false));
          return;
        }
        queue = queue.filter((x) => x.id !== r.id);
        total = Math.max(0, total - 1);
        notice.hidden = false;
        notice.dataset.decision = approve ? 'APPROVED' : 'REJECTED';
        notice.textContent = t(approve ? 'rewards.approvedNotice' : 'rewards.rejectedNotice', { name: r.person.name, reward: r.rewardName });
        article.remove();
        renderCount();
        if (queue.length === 0) render();
      } catch (failure) {
        itemError.hidden = false;
        itemError.textContent = failureMessage(failure);
        buttons.forEach((b) => (b.disabled = false));
      }
    };
    const buttons = [
      h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'decide-reject', onclick: () => void decide(false) }, t('rewards.reject')),
      h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'decide-approve', onclick: () => void decide(true) }, t('rewards.approve')),
    ];
    replace(
      article,
      h('header', { class: 'reward-card-head' },
        h('h2', { class: 'reward-name' }, r.person.name),
        h('span', { class: 'reward-price', 'data-points': r.points }, t('rewards.points', { points: formatNumber(r.points) }))),
      h('p', { class: 'reward-mine-line' },
        r.rewardName, ' · ',
        t('rewards.line', { quantity: formatNumber(r.quantity), price: formatNumber(r.unitPrice), points: formatNumber(r.points) }), ' · ',
        h('time', { datetime: r.createdAt }, formatTime(r.createdAt, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }))),
      r.note ? h('div', { class: 'review-rep-note' }, h('h3', { class: 'review-label' }, t('rewards.repNote')), h('p', null, r.note)) : null,
      h('label', { class: 'field', for: noteId }, h('span', { class: 'label' }, t('rewards.decisionNote')), note, noteError),
      itemError,
      h('div', { class: 'form-actions' }, buttons),
    );
    return article;
  };

  function render(): void {
    renderCount();
    if (!loaded) {
      replace(list, h('div', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' })));
      return;
    }
    replace(list, queue.length
      ? queue.map(item)
      : h('div', { class: 'card empty', 'data-testid': 'approvals-empty' }, icon('check'), h('p', null, t('rewards.approvalsNone'))));
  }

  const load = async () => {
    try {
      const data = await request<{ redemptionsToDecide: Redemption[]; redemptionsToDecideCount: number }>(REDEMPTIONS_TO_DECIDE_QUERY, { first: QUEUE_SIZE });
      queue = data.redemptionsToDecide;
      total = data.redemptionsToDecideCount;
      loaded = true;
      error.hidden = true;
      render();
    } catch (failure) {
      error.hidden = false;
      error.textContent = failure instanceof GraphQLRequestError && failure.codes.includes('FORBIDDEN') ? t('rewards.managersOnly') : failureMessage(failure);
    }
  };

  // Typed notes survive a language switch: only the count is re-rendered while one is typed.
  texts.on(() => {
    if (list.querySelector('textarea')?.value) renderCount();
    else render();
  });
  root.append(
    h('section', { class: 'page page-narrow rewards-page', 'data-testid': 'approvals-page' },
      back,
      h('header', { class: 'page-head' }, h('div', null, tx(texts, 'h1', 'rewards.approvalsTitle', { class: 'page-title' }), count)),
      notice,
      error,
      list),
  );
  render();
  void load();
  return () => disposers.forEach((d) => d());
};
