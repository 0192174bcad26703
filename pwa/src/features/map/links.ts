// The ways in: home and the team screen link to the map, and managers to the review queue
// with a count of what waits there (there is no room in the tab bar).
import '@/features/map/map.css';
import { REVIEW_COUNT_QUERY } from '@/features/map/documents';
import { request } from '@/graphql/client';
import type { Role } from '@/graphql/types';
import { formatNumber, t } from '@/i18n';
import { h, type Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

/** The badge reads "99+" from this many on. */
const COUNT_CAP = 100;

export function countLabel(count: number, cap = COUNT_CAP): string {
  return count >= cap ? `${formatNumber(cap - 1)}+` : formatNumber(count);
}

/** "Visits to review (3)": the count is read once when the link is shown. */
export function reviewLink(texts: Texts, disposers: Array<() => void>): HTMLElement {
  const badge = h('span', { class: 'count-badge', 'data-testid': 'review-count', hidden: true });
  const link = h(
    'a',
    { class: 'btn btn-ghost btn-small map-link', href: '/visits/review', 'data-testid': 'link-review' },
    tx(texts, 'span', 'review.link'),
    badge,
    icon('chevron'),
  );
  let alive = true;
  disposers.push(() => {
    alive = false;
  });
  let count = 0;
  const show = () => {
    badge.hidden = count === 0;
    badge.dataset.count = String(count);
    badge.textContent = countLabel(count);
    badge.setAttribute('aria-label', t('review.badge', { count: countLabel(count) }));
  };
  texts.on(show);
  request<{ visitsToReviewCount: number }>(REVIEW_COUNT_QUERY)
    .then(({ visitsToReviewCount }) => {
      if (!alive) return;
      count = visitsToReviewCount;
      show();
    })
    .catch(() => {
      // No badge is better than a wrong one; the queue itself says what failed.
    });
  return link;
}

/** Home and team: the map for everyone; the review queue for managers and admins. */
export function mapLinks(texts: Texts, role: Role, disposers: Array<() => void>): HTMLElement {
  const manager = role !== 'REP';
  return h(
    'nav',
    { class: 'map-links' },
    h('a', { class: 'btn btn-ghost btn-small map-link', href: '/map', 'data-testid': 'link-map' },
      icon('visit'), tx(texts, 'span', manager ? 'map.openTeam' : 'map.openMine'), icon('chevron')),
    manager ? reviewLink(texts, disposers) : null,
  );
}
