// /rewards: what I can spend (earned, held, spent), the catalog with prices and stock,
// redeeming through a confirm sheet, and my redemptions with their status. Managers get a
// link to their approval queue, admins to the catalog editor.
import '@/features/rewards/rewards.css';
import type { Screen } from '@/app/screen';
import { countLabel } from '@/features/map/links';
import {
  REDEEM_REWARD_MUTATION,
  REWARDS_PAGE_QUERY,
  type Redemption,
  type RedeemResult,
  type Reward,
  type RewardsBalance,
} from '@/features/rewards/documents';
import { affordable, clampQuantity, NOTE_MAX, PendingWrite, shortfall, withRedemption } from '@/features/rewards/logic';
import { NetworkError, request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatNumber, formatTime, t } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

const points = (value: number) => t('rewards.points', { points: formatNumber(value) });

export function stockText(reward: Pick<Reward, 'stock'>): string {
  if (reward.stock === null) return t('rewards.stockUnlimited');
  return reward.stock === 0 ? t('rewards.stockNone') : t('rewards.stockLeft', { count: formatNumber(reward.stock) });
}

export function statusChip(redemption: Pick<Redemption, 'status'>): HTMLElement {
  return h('span', { class: `reward-status is-${redemption.status.toLowerCase()}`, 'data-testid': 'redemption-status', 'data-status': redemption.status },
    t(`rewards.status.${redemption.status}`));
}

interface SheetAnswer {
  redemption: Redemption;
  balance: RewardsBalance;
}

/**
 * The confirm sheet: quantity and note, the total and what is left after. Resolves with the
 * server's answer, or null when cancelled. A send without an answer keeps the sheet open
 * and the same clientId, so "try again" can never redeem twice.
 */
function redeemSheet(reward: Reward, balance: RewardsBalance): Promise<SheetAnswer | null> {
  return new Promise((resolve) => {
    const write = new PendingWrite();
    const max = Math.max(1, affordable(reward, balance.available));
    let quantity = 1;
    let sending = false;
    const dialog = h('dialog', { class: 'sheet reward-sheet', 'data-testid': 'redeem-sheet', 'aria-labelledby': 'redeem-title' });
    let settled = false;
    const finish = (value: SheetAnswer | null) => {
      if (settled || (sending && value === null)) return;
      settled = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const qtyInput = h('input', {
      id: 'redeem-quantity', class: 'input reward-qty-input', type: 'number', inputmode: 'numeric', min: 1, max, value: 1,
      'data-testid': 'redeem-quantity',
    });
    const minus = h('button', { type: 'button', class: 'btn btn-ghost reward-step', 'aria-label': t('rewards.less'), 'data-testid': 'redeem-less' }, '−');
    const plus = h('button', { type: 'button', class: 'btn btn-ghost reward-step', 'aria-label': t('rewards.more'), 'data-testid': 'redeem-more' }, '+');
    const note = h('textarea', { id: 'redeem-note', class: 'input textarea', rows: 2, maxlength: NOTE_MAX, 'data-testid': 'redeem-note' });
    const total = h('p', { class: 'reward-total', 'data-testid': 'redeem-total' });
    const after = h('p', { class: 'stat-foot' });
    const qtyError = h('p', { class: 'field-error', 'data-testid': 'field-error', 'data-field': 'quantity', hidden: true });
    const noteError = h('p', { class: 'field-error', 'data-testid': 'field-error', 'data-field': 'note', hidden: true });
    const formError = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'redeem-error', hidden: true });
    const confirm = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'redeem-confirm' });
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'redeem-cancel', onclick: () => finish(null) }, t('rewards.cancel'));

    const show = () => {
      qtyInput.value = String(quantity);
      minus.disabled = sending || quantity <= 1;
      plus.disabled = sending || quantity >= max;
      const cost = quantity * reward.pointsPrice;
      total.textContent = t('rewards.total', { points: formatNumber(cost) });
      total.dataset.points = String(cost);
      after.textContent = t('rewards.after', { points: formatNumber(balance.available - cost) });
      confirm.textContent = sending ? t('rewards.sending') : t('rewards.confirm');
      confirm.disabled = sending;
      cancel.disabled = sending;
    };
    const setQuantity = (value: number) => {
      quantity = clampQuantity(value, max);
      qtyError.hidden = true;
      show();
    };
    minus.addEventListener('click', () => setQuantity(quantity - 1));
    plus.addEventListener('click', () => setQuantity(quantity + 1));
    qtyInput.addEventListener('change', () => setQuantity(Number(qtyInput.value)));
    note.addEventListener('input', () => (noteError.hidden = true));

    const send = async () => {
      sending = true;
      formError.hidden = true;
      qtyError.hidden = true;
      noteError.hidden = true;
      show();
      try {
        const { redeemReward } = await request<{ redeemReward: RedeemResult }>(REDEEM_REWARD_MUTATION, {
          input: { clientId: write.clientId, rewardId: reward.id, quantity, note: note.value.trim() },
        });
        write.settle();
        sending = false;
        if (redeemReward.__typename === 'OperationError') {
          for (const error of redeemReward.errors) {
            const last = error.field?.split('.').pop();
            const slot = last === 'quantity' ? qtyError : last === 'note' ? noteError : formError;
            slot.hidden = false;
            slot.textContent = [slot.textContent, fieldErrorMessage(error)].filter(Boolean).join(' ');
            slot.dataset.code = error.code;
          }
          show();
          return;
        }
        finish({ redemption: redeemReward.redemption, balance: redeemReward.balance });
      } catch (failure) {
        // No answer: the same clientId goes again on the next tap.
        sending = false;
        formError.hidden = false;
        formError.textContent = failure instanceof NetworkError ? t('rewards.retryHint') : failureMessage(failure);
        formError.dataset.code = 'NETWORK';
        show();
      }
    };

    dialog.append(
      h('form', {
        class: 'sheet-body sheet-form', novalidate: true,
        onsubmit: (event: Event) => {
          event.preventDefault();
          for (const el of [qtyError, noteError, formError]) el.textContent = '';
          if (!sending) void send();
        },
      },
      h('span', { class: 'sheet-grabber', 'aria-hidden': 'true' }),
      h('h2', { class: 'sheet-title', id: 'redeem-title' }, t('rewards.confirmTitle', { name: reward.name })),
      reward.description ? h('p', { class: 'sheet-sub' }, reward.description) : null,
      h('p', { class: 'sheet-sub' }, points(reward.pointsPrice), ' · ', stockText(reward)),
      h('div', { class: 'field' },
        h('label', { class: 'label', for: 'redeem-quantity' }, t('rewards.quantity')),
        h('div', { class: 'reward-qty' }, minus, qtyInput, plus),
        qtyError),
      h('div', { class: 'field' }, h('label', { class: 'label', for: 'redeem-note' }, t('rewards.note')), note, noteError),
      h('div', { class: 'reward-sum' }, total, after),
      formError,
      h('div', { class: 'sheet-actions' }, cancel, confirm)),
    );
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    dialog.addEventListener('click', (event) => {
      if (event.target === dialog) finish(null);
    });
    show();
    document.body.append(dialog);
    dialog.showModal();
    confirm.focus();
  });
}

export const rewardsScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  let balance: RewardsBalance | null = null;
  let catalog: Reward[] = [];
  let mine: Redemption[] = [];
  let toDecide = 0;
  let loaded = false;

  const balanceCard = h('section', { class: 'card reward-balance', 'data-testid': 'rewards-balance', 'aria-live': 'polite' });
  const catalogList = h('div', { class: 'reward-grid', 'data-testid': 'rewards-catalog' });
  const mineList = h('ul', { class: 'reward-mine', 'data-testid': 'my-redemptions' });
  const notice = h('p', { class: 'form-ok', role: 'status', 'data-testid': 'rewards-notice', hidden: true });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'rewards-error', hidden: true });
  const approvalsBadge = h('span', { class: 'count-badge', 'data-testid': 'approvals-count', hidden: true });
  const manager = me.user.role !== 'REP';

  const renderBalance = () => {
    if (!balance) {
      balanceCard.classList.add('is-loading');
      return;
    }
    balanceCard.classList.remove('is-loading');
    const figure = (label: 'rewards.earned' | 'rewards.held' | 'rewards.spent', value: number, testId: string) =>
      h('div', { class: 'stat' },
        h('span', { class: 'stat-value', 'data-testid': testId, 'data-value': value }, formatNumber(value)),
        h('span', { class: 'stat-label' }, t(label)));
    replace(
      balanceCard,
      h('div', { class: 'reward-available' },
        h('span', { class: 'stat-label' }, t('rewards.available')),
        h('strong', { class: 'reward-available-figure', 'data-testid': 'rewards-available', 'data-value': balance.available }, formatNumber(balance.available))),
      h('div', { class: 'reward-figures' },
        figure('rewards.earned', balance.earned, 'rewards-earned'),
        figure('rewards.held', balance.held, 'rewards-held'),
        figure('rewards.spent', balance.spent, 'rewards-spent')),
    );
  };

  const open = async (reward: Reward) => {
    if (!balance) return;
    const answer = await redeemSheet(reward, balance);
    if (!answer) return;
    balance = answer.balance;
    mine = withRedemption(mine, answer.redemption);
    catalog = catalog.map((r) => (r.id === reward.id && r.stock !== null ? { ...r, stock: Math.max(0, r.stock - answer.redemption.quantity) } : r));
    notice.hidden = false;
    notice.textContent = t('rewards.redeemed', { name: answer.redemption.rewardName });
    render();
    void load();
  };

  const rewardCard = (reward: Reward) => {
    const available = balance?.available ?? 0;
    const canHave = affordable(reward, available) > 0;
    const missing = shortfall(reward, available);
    const soldOut = reward.stock === 0;
    return h(
      'article',
      { class: `card reward-card ${canHave ? '' : 'is-out-of-reach'}`, 'data-testid': 'reward-card', 'data-reward-id': reward.id, 'data-stock': reward.stock ?? '' },
      h('div', { class: 'reward-card-head' },
        h('h3', { class: 'reward-name' }, reward.name),
        h('span', { class: 'reward-price', 'data-testid': 'reward-price', 'data-points': reward.pointsPrice }, points(reward.pointsPrice))),
      reward.description ? h('p', { class: 'reward-desc' }, reward.description) : null,
      h('div', { class: 'reward-card-foot' },
        h('span', { class: `reward-stock ${soldOut ? 'is-none' : ''}`, 'data-testid': 'reward-stock' }, stockText(reward)),
        h('button', {
          type: 'button', class: 'btn btn-primary btn-small', disabled: !canHave, 'data-testid': 'reward-redeem',
          onclick: () => void open(reward),
        }, t('rewards.redeem'))),
      !canHave && !soldOut && missing > 0 ? h('p', { class: 'stat-foot reward-missing' }, t('rewards.needMore', { points: formatNumber(missing) })) : null,
    );
  };

  const mineItem = (r: Redemption) =>
    h('li', { class: 'reward-mine-item', 'data-testid': 'my-redemption', 'data-redemption-id': r.id, 'data-status': r.status },
      h('div', { class: 'reward-mine-main' },
        h('span', { class: 'reward-mine-name' }, r.rewardName),
        h('span', { class: 'reward-mine-line' },
          t('rewards.line', { quantity: formatNumber(r.quantity), price: formatNumber(r.unitPrice), points: formatNumber(r.points) }),
          ' · ',
          h('time', { datetime: r.createdAt }, formatTime(r.createdAt, { month: 'short', day: 'numeric' }))),
        r.decidedBy && r.decisionNote
          ? h('span', { class: 'reward-mine-decision' }, t('rewards.decidedBy', { name: r.decidedBy.name, note: r.decisionNote }))
          : null),
      statusChip(r));

  function render(): void {
    renderBalance();
    approvalsBadge.hidden = toDecide === 0;
    approvalsBadge.textContent = countLabel(toDecide);
    approvalsBadge.dataset.count = String(toDecide);
    if (!loaded) {
      replace(catalogList, h('div', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' })));
      return;
    }
    replace(catalogList, catalog.length ? catalog.map(rewardCard) : h('p', { class: 'empty' }, t('rewards.empty')));
    replace(mineList, mine.length ? mine.map(mineItem) : h('li', { class: 'empty' }, t('rewards.mineEmpty')));
  }

  let alive = true;
  disposers.push(() => {
    alive = false;
  });
  const load = async () => {
    try {
      const data = await request<{ myRewardsBalance: RewardsBalance; rewards: Reward[]; myRedemptions: Redemption[]; redemptionsToDecideCount: number }>(REWARDS_PAGE_QUERY);
      if (!alive) return;
      balance = data.myRewardsBalance;
      catalog = data.rewards;
      mine = data.myRedemptions;
      toDecide = data.redemptionsToDecideCount;
      loaded = true;
      error.hidden = true;
      render();
    } catch (failure) {
      if (!alive) return;
      error.hidden = false;
      error.textContent = failureMessage(failure);
    }
  };
  // A manager may decide while I look elsewhere: coming back to the app shows it.
  const onVisible = () => {
    if (document.visibilityState === 'visible') void load();
  };
  document.addEventListener('visibilitychange', onVisible);
  disposers.push(() => document.removeEventListener('visibilitychange', onVisible));

  texts.on(render);
  root.append(
    h('section', { class: 'page rewards-page', 'data-testid': 'rewards-page' },
      h('header', { class: 'page-head reward-head' },
        h('div', null, tx(texts, 'h1', 'rewards.title', { class: 'page-title' }), tx(texts, 'p', 'rewards.sub', { class: 'page-sub' })),
        h('nav', { class: 'reward-links' },
          manager
            ? h('a', { class: 'btn btn-ghost btn-small', href: '/rewards/approvals', 'data-testid': 'link-approvals' },
                tx(texts, 'span', 'rewards.approvals'), approvalsBadge, icon('chevron'))
            : null,
          me.user.role === 'ADMIN'
            ? h('a', { class: 'btn btn-ghost btn-small', href: '/rewards/catalog', 'data-testid': 'link-catalog' }, tx(texts, 'span', 'rewards.edit'), icon('chevron'))
            : null)),
      error,
      balanceCard,
      notice,
      h('section', { class: 'reward-section' }, tx(texts, 'h2', 'rewards.catalog', { class: 'section-title' }), catalogList),
      h('section', { class: 'card reward-section' }, tx(texts, 'h2', 'rewards.mine', { class: 'card-title' }), mineList)),
  );
  render();
  void load();
  return () => disposers.forEach((d) => d());
};
