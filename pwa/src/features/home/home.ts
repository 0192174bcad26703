import '@/features/home/home.css';
import type { Screen } from '@/app/screen';
import { adminHome, managerHome } from '@/features/home/manager';
import { loadTodayPlan } from '@/features/visit/field-data';
import type { TodayPlan } from '@/features/visit/documents';
import { metricValue, ring } from '@/features/targets/team';
import { BoardStream } from '@/features/board/logic';
import { BoardView } from '@/features/board/view';
import { celebrationText, mergeCelebrations } from '@/features/celebrations/logic';
import { HOME_EARNINGS_SUBSCRIPTION } from '@/features/compensation/documents';
import { money } from '@/features/compensation/ui';
import { mapLinks } from '@/features/map/links';
import { offerPush } from '@/features/notifications/prompt';
import { pointsHomeLinks } from '@/features/points/links';
import { profileHomeLink } from '@/features/badges/links';
import { rewardsHomeCard } from '@/features/rewards/home-card';
import { contestsHomeCard } from '@/features/contests/home-card';
import { request, subscribe } from '@/graphql/client';
import {
  ATTAINMENT_SUBSCRIPTION,
  CELEBRATIONS_SUBSCRIPTION,
  HOME_QUERY,
  LEADERBOARD_SUBSCRIPTION,
  MY_POINTS_QUERY,
} from '@/graphql/documents';
import { failureMessage } from '@/graphql/errors';
import type { Attainment, Celebration, Leaderboard, Me, PointsSummary } from '@/graphql/types';
import { formatNumber, formatTime, getLocale, hourIn, onLocaleChange, t, type MessageKey } from '@/i18n';
import { avatar } from '@/ui/avatar';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

const CELEBRATIONS_SHOWN = 5;
const MINI_BOARD_SIZE = 5;
// Board frames come in bursts; my own numbers are re-read once the burst settles.
const POINTS_REFRESH_DELAY_MS = 800;

export function greetingKey(hour: number): MessageKey {
  if (hour < 12) return 'home.greetingMorning';
  if (hour < 18) return 'home.greetingAfternoon';
  return 'home.greetingEvening';
}

/** Share of the daily cap reached, 0…1 (a zero cap means "no cap": never full). */
export function capProgress(points: Pick<PointsSummary, 'visitPointsToday' | 'dailyCap'>): number {
  if (points.dailyCap <= 0) return 0;
  return Math.min(1, Math.max(0, points.visitPointsToday / points.dailyCap));
}

/** The cap bar's name (the card's visible title, so speech input can name it too) and spoken value. */
export function capBarAria(points: Pick<PointsSummary, 'visitPointsToday' | 'dailyCap'>): Record<string, string | number> {
  return {
    role: 'progressbar',
    'aria-label': t('home.capTitle'),
    'aria-valuemin': 0,
    'aria-valuemax': points.dailyCap,
    'aria-valuenow': Math.min(points.visitPointsToday, points.dailyCap),
    'aria-valuetext': t('home.capProgress', { today: formatNumber(points.visitPointsToday), cap: formatNumber(points.dailyCap) }),
  };
}

/** Today's plan on the rep's home: how many stops and the first few, read once (the phone's copy offline). */
function planCard(me: Me, texts: Texts, disposers: Array<() => void>): HTMLElement {
  const body = h('div', { class: 'rh-plan-body' }, h('div', { class: 'skeleton-row' }));
  let plan: TodayPlan | null = null;
  let alive = true;
  disposers.push(() => {
    alive = false;
  });
  const render = () => {
    if (!plan) return;
    if (plan.stops.length === 0) {
      replace(body, h('p', { class: 'empty' }, t('rh.planEmpty')));
      return;
    }
    replace(
      body,
      h('p', { class: 'stat-foot', 'data-testid': 'home-plan-count', 'data-count': plan.stops.length }, t('rh.planStops', { count: formatNumber(plan.stops.length) })),
      h('ol', { class: 'rh-plan-list' },
        plan.stops.slice(0, 3).map((stop) =>
          h('li', { class: `rh-stop ${stop.visitedToday ? 'is-done' : ''}` },
            h('span', { class: 'rh-stop-name' }, stop.customer.name),
            stop.visitedToday ? h('span', { class: 'chip' }, t('rh.visited')) : null))),
    );
  };
  texts.on(render);
  loadTodayPlan(me.user.id, null)
    .then((loaded) => {
      if (!alive) return;
      plan = loaded.value;
      render();
    })
    .catch(() => {
      if (alive) replace(body, h('p', { class: 'empty' }, t('rh.planEmpty')));
    });
  return h(
    'section',
    { class: 'card rh-plan', 'data-testid': 'home-plan' },
    h('div', { class: 'card-head' },
      tx(texts, 'h2', 'rh.plan', { class: 'card-title' }),
      h('a', { class: 'card-link', href: '/visit' }, tx(texts, 'span', 'rh.openPlan'), icon('chevron'))),
    body,
  );
}

export const homeScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  if (me.user.role === 'MANAGER') return managerHome(root, me);
  if (me.user.role === 'ADMIN') return adminHome(root, me);
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  let points: PointsSummary | null = null;
  let celebrations: Celebration[] = [];
  let celebrationsLoaded = false;

  const greeting = texts.text(h('h1', { class: 'hero-title' }), () =>
    t(greetingKey(hourIn(new Date())), { name: me.user.name }),
  );
  const teamLine = texts.text(h('p', { class: 'hero-sub' }), () =>
    [me.user.team?.name ?? t('home.noTeam'), me.org.name].join(' · '),
  );

  const rank = h('div', { class: 'stat-card rank-card', 'data-testid': 'home-rank' });
  const stats = h('div', { class: 'stat-card points-card' });
  const cap = h('div', { class: 'stat-card cap-card' });
  const miniBoard = h('div', { class: 'mini-board' });
  const celebrationList = h('ul', { class: 'celebration-list', 'aria-live': 'polite' });
  // My newest celebration as its card (the image the push shows), and the offer of pushes after it.
  const myCard = h('figure', { class: 'celebration-card', hidden: true, 'data-testid': 'home-celebration-card' });
  const pushSlot = h('div', { class: 'push-slot' });
  const pointsError = h('p', { class: 'form-error', role: 'alert', hidden: true });

  const renderPoints = () => {
    if (!points) {
      for (const card of [rank, stats, cap]) card.classList.add('is-loading');
      return;
    }
    for (const card of [rank, stats, cap]) card.classList.remove('is-loading');
    const ranked = points.monthRank !== null;
    rank.dataset.rank = ranked ? String(points.monthRank) : '';
    replace(
      rank,
      h('span', { class: 'stat-label' }, t('home.rankLabel')),
      h('span', { class: `rank-value ${ranked && points.monthRank! <= 3 ? `medal-${points.monthRank}` : ''}` },
        ranked ? `#${formatNumber(points.monthRank!)}` : '—'),
      h('span', { class: 'stat-foot' }, ranked ? me.org.name : t('home.rankOf')),
    );
    const stat = (label: MessageKey, value: number, testId?: string) =>
      h(
        'div',
        { class: 'stat' },
        h('span', { class: 'stat-value', 'data-testid': testId, 'data-value': value }, formatNumber(value)),
        h('span', { class: 'stat-label' }, t(label)),
      );
    replace(
      stats,
      stat('home.today', points.today, 'home-points-today'),
      stat('home.week', points.week, 'home-points-week'),
      stat('home.month', points.month, 'home-points-month'),
    );
    const share = capProgress(points);
    const bar = h('div', { class: 'progress-fill' });
    bar.style.width = `${Math.round(share * 100)}%`;
    replace(
      cap,
      h(
        'div',
        { class: 'cap-head' },
        h('span', { class: 'stat-label' }, t('home.capTitle')),
        h('span', { class: 'cap-numbers' },
          t('home.capProgress', { today: formatNumber(points.visitPointsToday), cap: formatNumber(points.dailyCap) })),
      ),
      h(
        'div',
        {
          class: `progress ${share >= 1 ? 'is-full' : ''}`,
          ...capBarAria(points),
          'data-testid': 'home-cap',
        },
        bar,
      ),
      h('p', { class: 'stat-foot' },
        share >= 1 ? t('home.capReached') : t('home.perVisit', { points: formatNumber(points.visitPoints) })),
    );
  };

  const renderCelebrations = () => {
    if (!celebrationsLoaded) return;
    const mine = celebrations.filter((c) => c.user.id === me.user.id);
    const newest = mine[0];
    myCard.hidden = !newest;
    if (newest) {
      const src = `/api/celebrations/${encodeURIComponent(newest.id)}/card.png?lang=${getLocale()}`;
      if (myCard.dataset.src !== src) {
        myCard.dataset.src = src;
        replace(myCard, h('img', { src, alt: celebrationText(newest), width: 1024, height: 512, loading: 'lazy', decoding: 'async' }));
      }
    }
    void offerPush(pushSlot, mine.length);
    if (celebrations.length === 0) {
      replace(celebrationList, h('li', { class: 'empty' }, t('home.noCelebrations')));
      return;
    }
    replace(
      celebrationList,
      celebrations.map((c) =>
        h(
          'li',
          { class: 'celebration-item', 'data-celebration-id': c.id },
          avatar(c.user, 36),
          h(
            'span',
            { class: 'celebration-text' },
            h('span', { class: 'celebration-message' }, celebrationText(c)),
            h('time', { class: 'celebration-time', datetime: c.createdAt },
              formatTime(c.createdAt, { weekday: 'short', hour: '2-digit', minute: '2-digit' })),
          ),
          icon('spark', 'icon celebration-icon'),
        ),
      ),
    );
  };

  const load = async () => {
    try {
      const data = await request<{ myPoints: PointsSummary; recentCelebrations: Celebration[] }>(HOME_QUERY, {
        celebrations: CELEBRATIONS_SHOWN,
      });
      points = data.myPoints;
      celebrations = mergeCelebrations(celebrations, data.recentCelebrations, CELEBRATIONS_SHOWN);
      celebrationsLoaded = true;
      pointsError.hidden = true;
    } catch (error) {
      pointsError.hidden = false;
      pointsError.textContent = failureMessage(error);
    }
    renderPoints();
    renderCelebrations();
  };

  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshPoints = () => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(async () => {
      try {
        points = (await request<{ myPoints: PointsSummary }>(MY_POINTS_QUERY)).myPoints;
        renderPoints();
      } catch {
        // The next board change tries again.
      }
    }, POINTS_REFRESH_DELAY_MS);
  };
  disposers.push(() => clearTimeout(refreshTimer));

  const view = new BoardView('mini', me.user.id, MINI_BOARD_SIZE);
  const stream = new BoardStream();
  miniBoard.replaceChildren(h('div', { class: 'skeleton-list' }, Array.from({ length: 3 }, () => h('div', { class: 'skeleton-row' }))));
  if (me.user.team) {
    disposers.push(
      subscribe<{ leaderboardChanged: Leaderboard }>(
        LEADERBOARD_SUBSCRIPTION,
        { period: 'WEEK', scope: 'TEAM' },
        {
          next: ({ leaderboardChanged: board }, epoch) => {
            if (!stream.accept(board, epoch)) return;
            if (board.entries.length === 0) {
              replace(miniBoard, h('p', { class: 'empty' }, t('home.boardEmpty')));
            } else {
              if (!miniBoard.contains(view.el)) miniBoard.replaceChildren(view.el);
              view.update(board, true);
            }
            if (board.changedUserIds.length > 0) refreshPoints();
          },
        },
      ),
    );
  } else {
    replace(miniBoard, h('p', { class: 'empty' }, t('home.noTeam')));
  }

  disposers.push(
    subscribe<{ celebrations: Celebration }>(CELEBRATIONS_SUBSCRIPTION, {}, {
      next: ({ celebrations: celebration }) => {
        celebrations = mergeCelebrations(celebrations, [celebration], CELEBRATIONS_SHOWN);
        renderCelebrations();
        celebrationList.querySelector(`[data-celebration-id="${CSS.escape(celebration.id)}"]`)?.classList.add('is-new');
      },
    }),
  );

  // Revenue attainment rings: this month and this quarter, live.
  const rings = h('div', { class: 'attainment-rings' });
  const ringSlots = { MONTH: h('div', { class: 'ring-slot', 'data-testid': 'ring-month' }), QUARTER: h('div', { class: 'ring-slot', 'data-testid': 'ring-quarter' }) };
  const latest: Partial<Record<'MONTH' | 'QUARTER', Attainment>> = {};
  const renderRing = (grain: 'MONTH' | 'QUARTER') => {
    const a = latest[grain];
    if (!a) return;
    replace(
      ringSlots[grain],
      ring(a.ratio, 96),
      h('span', { class: 'ring-caption' }, t(grain === 'MONTH' ? 'targets.month' : 'targets.quarter')),
      h('span', { class: 'ring-figure', 'data-actual': a.actual },
        a.target ? t('targets.ofTarget', { actual: metricValue('REVENUE', a.actual, me.org.currency, true), target: metricValue('REVENUE', a.target, me.org.currency, true) }) : t('targets.noTarget')),
    );
  };
  rings.append(ringSlots.MONTH, ringSlots.QUARTER);
  for (const grain of ['MONTH', 'QUARTER'] as const) {
    disposers.push(
      subscribe<{ attainmentChanged: Attainment }>(ATTAINMENT_SUBSCRIPTION, { metric: 'REVENUE', grain }, {
        next: ({ attainmentChanged }) => {
          latest[grain] = attainmentChanged;
          renderRing(grain);
        },
      }),
    );
  }

  // This month's earnings, live; hidden while I am on no plan.
  const earningsCard = h('a', { class: 'card earnings-home', href: '/earnings', hidden: true, 'data-testid': 'home-earnings' });
  let earnings: { earned: string; payable: string; currency: string } | null = null;
  const renderEarnings = () => {
    earningsCard.hidden = earnings === null;
    if (earnings === null) return;
    replace(
      earningsCard,
      h('span', { class: 'card-title' }, t('earnings.homeTitle')),
      h('strong', { class: 'earnings-home-figure', 'data-testid': 'home-earnings-earned', 'data-value': earnings.earned }, money(earnings.earned, earnings.currency)),
      h('span', { class: 'earnings-home-sub' }, t('earnings.homePayable', { payable: money(earnings.payable, earnings.currency) })),
      h('span', { class: 'card-link' }, t('earnings.homeOpen'), icon('chevron')),
    );
  };
  disposers.push(
    subscribe<{ earningsChanged: { earned: string; payable: string; currency: string } | null }>(HOME_EARNINGS_SUBSCRIPTION, {}, {
      next: ({ earningsChanged }) => {
        earnings = earningsChanged;
        renderEarnings();
      },
    }),
  );

  texts.on(() => {
    renderEarnings();
    renderRing('MONTH');
    renderRing('QUARTER');
    renderPoints();
    renderCelebrations();
    view.refresh();
  });

  root.append(
    h(
      'section',
      { class: 'page home-page' },
      h('header', { class: 'hero' }, avatar(me.user, 56), h('div', { class: 'hero-text' }, greeting, teamLine)),
      pointsError,
      // Above the fold on a phone: what a rep does first.
      h(
        'div',
        { class: 'rh-today' },
        h(
          'a',
          { class: 'btn btn-primary btn-xl log-visit-cta', href: '/visit', 'data-testid': 'home-log-visit' },
          icon('plus'),
          tx(texts, 'span', 'home.logVisit'),
        ),
        planCard(me, texts, disposers),
      ),
      h(
        'div',
        { class: 'home-grid' },
        h(
          'div',
          { class: 'home-col' },
          h('div', { class: 'home-stats' }, rank, cap, stats),
          pointsHomeLinks(texts),
          profileHomeLink(texts),
          h(
            'section',
            { class: 'card attainment-card', 'data-testid': 'home-attainment' },
            h(
              'div',
              { class: 'card-head' },
              tx(texts, 'h2', 'targets.ringTitle', { class: 'card-title' }),
              me.user.role !== 'REP'
                ? h('a', { class: 'card-link', href: '/team' }, tx(texts, 'span', 'targets.manage'), icon('chevron'))
                : h('a', { class: 'card-link', href: '/deals' }, tx(texts, 'span', 'nav.deals'), icon('chevron')),
            ),
            rings,
          ),
          earningsCard,
          rewardsHomeCard(texts, disposers),
          mapLinks(texts, me.user.role, disposers),
        ),
        h(
          'div',
          { class: 'home-col' },
          contestsHomeCard(me, texts, disposers),
          h(
            'section',
            { class: 'card home-board' },
            h(
              'div',
              { class: 'card-head' },
              tx(texts, 'h2', 'home.teamBoard', { class: 'card-title' }),
              h('a', { class: 'card-link', href: '/board?period=week&scope=team' }, tx(texts, 'span', 'home.seeAll'), icon('chevron')),
            ),
            miniBoard,
          ),
          h(
            'section',
            { class: 'card home-celebrations' },
            h('div', { class: 'card-head' }, tx(texts, 'h2', 'home.celebrations', { class: 'card-title' })),
            pushSlot,
            myCard,
            celebrationList,
          ),
        ),
      ),
    ),
  );
  renderPoints();
  renderCelebrations();
  void load();

  return () => disposers.forEach((d) => d());
};
