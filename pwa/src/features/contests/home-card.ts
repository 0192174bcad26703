// Home's way in to contests: the running ones with time left and where I stand, read once
// when home is shown.
import '@/features/contests/contests.css';
import { myStanding } from '@/features/contests/contests';
import { CONTESTS_QUERY, type Contest } from '@/features/contests/documents';
import { groupContests, timeLeftText } from '@/features/contests/logic';
import { request } from '@/graphql/client';
import type { Me } from '@/graphql/types';
import { getLocale, t } from '@/i18n';
import { h, replace, type Texts } from '@/ui/dom';
import { icon } from '@/ui/icons';

const SHOWN = 3;

export function contestsHomeCard(me: Me, texts: Texts, disposers: Array<() => void>): HTMLElement {
  const card = h('section', { class: 'card contest-home', 'data-testid': 'home-contests' });
  let running: Contest[] | null = null;
  let alive = true;
  disposers.push(() => {
    alive = false;
  });
  const render = () => {
    replace(
      card,
      h('div', { class: 'card-head' },
        h('h2', { class: 'card-title' }, t('contests.homeTitle')),
        h('a', { class: 'card-link', href: '/contests', 'data-testid': 'home-contests-open' }, h('span', null, t('contests.homeOpen')), icon('chevron'))),
      running === null
        ? null
        : running.length === 0
          ? h('a', { class: 'contest-home-none', href: '/contests' }, t('contests.homeNone'))
          : h('ul', { class: 'contest-home-list' },
              running.slice(0, SHOWN).map((c) =>
                h('li', null,
                  h('a', { class: 'contest-home-item', href: `/contests/${encodeURIComponent(c.id)}`, 'data-testid': 'home-contest', 'data-contest-id': c.id },
                    h('span', { class: 'contest-home-name' }, c.name),
                    h('span', { class: 'contest-home-sub' }, myStanding(c, me), ' · ', timeLeftText(c, Date.now(), getLocale())),
                    icon('chevron'))))),
    );
  };
  texts.on(render);
  render();
  request<{ contests: Contest[] }>(CONTESTS_QUERY, { status: 'RUNNING' })
    .then(({ contests }) => {
      if (!alive) return;
      running = groupContests(contests).RUNNING;
      render();
    })
    .catch(() => {
      // The link still works; the contests page says what failed.
    });
  return card;
}
