// Home's way in to the rewards store: my points to spend, read once when home is shown.
import '@/features/rewards/rewards.css';
import { REWARDS_BALANCE_QUERY, type RewardsBalance } from '@/features/rewards/documents';
import { request } from '@/graphql/client';
import { formatNumber, t } from '@/i18n';
import { h, replace, type Texts } from '@/ui/dom';
import { icon } from '@/ui/icons';

export function rewardsHomeCard(texts: Texts, disposers: Array<() => void>): HTMLElement {
  const card = h('a', { class: 'card reward-home', href: '/rewards', 'data-testid': 'home-rewards' });
  let available: number | null = null;
  let alive = true;
  disposers.push(() => {
    alive = false;
  });
  const render = () => {
    replace(
      card,
      h('span', { class: 'card-title' }, t('rewards.homeTitle')),
      available === null
        ? null
        : h('strong', { class: 'reward-home-figure', 'data-testid': 'home-rewards-available', 'data-value': available },
            t('rewards.homeAvailable', { points: formatNumber(available) })),
      h('span', { class: 'card-link' }, t('rewards.homeOpen'), icon('chevron')),
    );
  };
  texts.on(render);
  render();
  request<{ myRewardsBalance: RewardsBalance }>(REWARDS_BALANCE_QUERY)
    .then(({ myRewardsBalance }) => {
      if (!alive) return;
      available = myRewardsBalance.available;
      render();
    })
    .catch(() => {
      // The link still works; the store itself says what failed.
    });
  return card;
}
