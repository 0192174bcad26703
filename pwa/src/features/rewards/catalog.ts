// /rewards/catalog: the admins' editor. A new reward on top; every reward (retired ones too)
// editable in place: name, description, price, stock (empty: unlimited), retire or offer
// again. The server's typed errors are shown under the fields they name.
import '@/features/rewards/rewards.css';
import type { Screen } from '@/app/screen';
import { FieldErrors } from '@/ui/form';
import {
  CATALOG_EDITOR_QUERY,
  CREATE_REWARD_MUTATION,
  UPDATE_REWARD_MUTATION,
  type Reward,
  type SaveRewardResult,
} from '@/features/rewards/documents';
import { DESCRIPTION_MAX, parsePrice, parseStock, PendingWrite, unsendable } from '@/features/rewards/logic';
import { NetworkError, request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { t } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';

interface FormParts {
  el: HTMLElement;
}

export const catalogScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  const back = h('a', { class: 'back-link', href: '/rewards' }, tx(texts, 'span', 'rewards.back'));
  if (me.user.role !== 'ADMIN') {
    root.append(h('section', { class: 'page page-narrow empty-page', role: 'alert', 'data-testid': 'catalog-forbidden' },
      tx(texts, 'h1', 'rewards.adminsOnly', { class: 'page-title' }), back));
    return () => disposers.forEach((d) => d());
  }
  const notice = h('p', { class: 'form-ok', role: 'status', 'data-testid': 'catalog-notice', hidden: true });
  const list = h('div', { class: 'reward-editor-list', 'data-testid': 'catalog-list' });
  const saved = (reward: Reward) => {
    notice.hidden = false;
    notice.textContent = t('rewards.saved', { name: reward.name });
  };

  /** One form: a new reward when `reward` is undefined, else that reward's edit. */
  const form = (reward?: Reward): FormParts => {
    const errors = new FieldErrors(reward ? 'reward-form-error' : 'new-reward-error', texts);
    const write = new PendingWrite();
    const name = h('input', { class: 'input', maxlength: 200, value: reward?.name ?? '', 'data-testid': 'reward-name', autocomplete: 'off' });
    const description = h('textarea', { class: 'input textarea', rows: 2, maxlength: DESCRIPTION_MAX * 2, 'data-testid': 'reward-description' });
    description.value = reward?.description ?? '';
    const price = h('input', { class: 'input', type: 'text', inputmode: 'numeric', value: reward ? String(reward.pointsPrice) : '', 'data-testid': 'reward-price-input' });
    const stock = h('input', {
      class: 'input', type: 'text', inputmode: 'numeric', value: reward?.stock ?? '', placeholder: t('rewards.stockHint'), 'data-testid': 'reward-stock-input',
    });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'reward-save' }, t(reward ? 'rewards.save' : 'rewards.add'));
    const toggle = reward
      ? h('button', {
          type: 'button', class: `btn ${reward.active ? 'btn-danger' : 'btn-ghost'}`, 'data-testid': reward.active ? 'reward-retire' : 'reward-offer',
          onclick: () => void save({ active: !reward.active }),
        }, t(reward.active ? 'rewards.retire' : 'rewards.offerAgain'))
      : null;

    const save = async (only?: { active: boolean }) => {
      errors.clear();
      let input: Record<string, unknown>;
      if (only) {
        input = { rewardId: reward!.id, active: only.active };
      } else {
        const values = { price: parsePrice(price.value), stock: parseStock(stock.value) };
        const local = unsendable(values);
        if (local.length) {
          errors.show(local.map((p) => ({ field: p.field, code: p.code, message: t('error.INVALID') })));
          return;
        }
        const fields = { name: name.value, description: description.value, pointsPrice: values.price };
        input = reward
          ? { rewardId: reward.id, ...fields, ...(values.stock === null ? { unlimited: true } : { stock: values.stock }) }
          : { clientId: write.clientId, ...fields, stock: values.stock };
      }
      submit.disabled = true;
      try {
        const data = await request<{ createReward?: SaveRewardResult; updateReward?: SaveRewardResult }>(
          reward ? UPDATE_REWARD_MUTATION : CREATE_REWARD_MUTATION, { input },
        );
        write.settle();
        const result = (data.createReward ?? data.updateReward)!;
        if (result.__typename === 'OperationError') {
          errors.show(result.errors);
          return;
        }
        saved(result.reward);
        if (!reward) {
          // Ready for the next one (a new clientId comes with it).
          for (const control of [name, description, price, stock]) control.value = '';
        }
        void load();
      } catch (failure) {
        // Without an answer the create keeps its clientId: saving again cannot add it twice.
        errors.message(failure instanceof NetworkError ? t('rewards.retryHint') : failureMessage(failure));
      } finally {
        submit.disabled = false;
      }
    };

    const el = h('form', {
      class: `card reward-editor ${reward && !reward.active ? 'is-retired' : ''}`, novalidate: true,
      'data-testid': reward ? 'reward-editor' : 'new-reward', 'data-reward-id': reward?.id ?? '',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void save();
      },
    },
    reward
      ? h('div', { class: 'reward-card-head' }, h('h2', { class: 'card-title' }, reward.name),
          reward.active ? null : h('span', { class: 'reward-status is-rejected' }, t('rewards.retired')))
      : tx(texts, 'h2', 'rewards.new', { class: 'card-title' }),
    h('div', { class: 'form-grid reward-editor-grid' },
      errors.field('rewards.name', name, 'name'),
      errors.field('rewards.price', price, 'pointsPrice'),
      errors.field('rewards.stock', stock, 'stock'),
      errors.field('rewards.description', description, 'description')),
    errors.summary,
    h('div', { class: 'form-actions' }, toggle, submit));
    return { el };
  };

  const load = async () => {
    try {
      const { rewards } = await request<{ rewards: Reward[] }>(CATALOG_EDITOR_QUERY);
      replace(list, rewards.map((r) => form(r).el));
    } catch (failure) {
      replace(list, h('p', { class: 'form-error', role: 'alert' }, failureMessage(failure)));
    }
  };

  root.append(
    h('section', { class: 'page page-narrow rewards-page', 'data-testid': 'catalog-page' },
      back,
      h('header', { class: 'page-head' },
        h('div', null, tx(texts, 'h1', 'rewards.editTitle', { class: 'page-title' }), tx(texts, 'p', 'rewards.editSub', { class: 'page-sub' }))),
      notice,
      form().el,
      list),
  );
  replace(list, h('div', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' })));
  void load();
  return () => disposers.forEach((d) => d());
};
