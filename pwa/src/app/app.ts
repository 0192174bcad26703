import { loginPathFor, navigate, safeNext, startRouter, type AppLocation } from '@/app/router';
import type { Screen } from '@/app/screen';
import { currentMe, fetchMe, setMe } from '@/app/session';
import { createShell, type Chrome, type Shell, type Tab } from '@/app/shell';
import { badgeSettingsScreen } from '@/features/badges/settings';
import { robotsScreen } from '@/features/robots/robots';
import { eventsScreen } from '@/features/events/events';
import { profileScreen } from '@/features/badges/profile';
import { boardScreen } from '@/features/board/board';
import { plansScreen } from '@/features/compensation/plans';
import { earningsScreen } from '@/features/compensation/earnings';
import { statementsScreen } from '@/features/compensation/statements';
import { contestScreen, contestsScreen } from '@/features/contests/contests';
import { newContestScreen } from '@/features/contests/new';
import { homeScreen } from '@/features/home/home';
import { notificationsScreen } from '@/features/notifications/notifications';
import { dealScreen } from '@/features/pipeline/deal';
import { newDealScreen } from '@/features/pipeline/new-deal';
import { pipelineScreen } from '@/features/pipeline/pipeline';
import { teamPipelineScreen } from '@/features/team-pipeline/team-pipeline';
import { stagesScreen } from '@/features/pipeline/stages';
import { teamScreen } from '@/features/targets/team';
import { loginScreen } from '@/features/login/login';
import { mapScreen, reviewScreen } from '@/features/map/routes';
import { pointsScreen } from '@/features/points/history';
import { pointRulesScreen } from '@/features/points/rules';
import { approvalsScreen } from '@/features/rewards/approvals';
import { catalogScreen } from '@/features/rewards/catalog';
import { rewardsScreen } from '@/features/rewards/rewards';
import { syncScreen } from '@/features/sync/sync';
import { pairTvScreen } from '@/features/tv/pair';
import { tvScreen } from '@/features/tv/tv';
import { visitScreen } from '@/features/visit/visit';
import { backoffDelay, NetworkError, resetSubscriptions, setSessionCheck, setUnauthenticatedHandler } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import { detectLocale, setUiLocale, t } from '@/i18n';
import { cachedMe } from '@/offline/me';
import { followSession } from '@/offline/start';
import { h } from '@/ui/dom';

interface Route {
  screen: Screen;
  auth: boolean;
  chrome: Chrome;
  tab?: Tab;
}

const ROUTES: Record<string, Route> = {
  '/': { screen: homeScreen, auth: true, chrome: 'app', tab: 'home' },
  '/visit': { screen: visitScreen, auth: true, chrome: 'app', tab: 'visit' },
  '/sync': { screen: syncScreen, auth: true, chrome: 'app', tab: 'visit' },
  '/board': { screen: boardScreen, auth: true, chrome: 'app', tab: 'board' },
  '/contests': { screen: contestsScreen, auth: true, chrome: 'app', tab: 'board' },
  '/contests/new': { screen: newContestScreen, auth: true, chrome: 'app', tab: 'board' },
  '/deals': { screen: pipelineScreen, auth: true, chrome: 'app', tab: 'deals' },
  '/deals/new': { screen: newDealScreen, auth: true, chrome: 'app', tab: 'deals' },
  '/deals/team': { screen: teamPipelineScreen, auth: true, chrome: 'app', tab: 'deals' },
  '/settings/stages': { screen: stagesScreen, auth: true, chrome: 'app', tab: 'deals' },
  '/settings/notifications': { screen: notificationsScreen, auth: true, chrome: 'app', tab: 'home' },
  '/team': { screen: teamScreen, auth: true, chrome: 'app', tab: 'team' },
  '/map': { screen: mapScreen, auth: true, chrome: 'app', tab: 'visit' },
  '/visits/review': { screen: reviewScreen, auth: true, chrome: 'app', tab: 'team' },
  '/earnings': { screen: earningsScreen, auth: true, chrome: 'app', tab: 'home' },
  '/rewards': { screen: rewardsScreen, auth: true, chrome: 'app', tab: 'home' },
  '/rewards/approvals': { screen: approvalsScreen, auth: true, chrome: 'app', tab: 'team' },
  '/rewards/catalog': { screen: catalogScreen, auth: true, chrome: 'app', tab: 'team' },
  '/statements': { screen: statementsScreen, auth: true, chrome: 'app', tab: 'team' },
  '/settings/plans': { screen: plansScreen, auth: true, chrome: 'app', tab: 'team' },
  '/settings/points': { screen: pointRulesScreen, auth: true, chrome: 'app', tab: 'home' },
  '/points': { screen: pointsScreen, auth: true, chrome: 'app', tab: 'home' },
  '/profile': { screen: profileScreen, auth: true, chrome: 'app', tab: 'home' },
  '/settings/badges': { screen: badgeSettingsScreen, auth: true, chrome: 'app', tab: 'team' },
  '/settings/robots': { screen: robotsScreen, auth: true, chrome: 'app', tab: 'team' },
  '/settings/events': { screen: eventsScreen, auth: true, chrome: 'app', tab: 'team' },
  '/login': { screen: loginScreen, auth: false, chrome: 'bare' },
  // Signed in: the org's boards; a paired display: its playlist; anyone else: a pairing code.
  '/tv': { screen: tvScreen, auth: false, chrome: 'none' },
  '/tv/pair': { screen: pairTvScreen, auth: true, chrome: 'app', tab: 'team' },
};

/** Paths with an id in them (`/deals/42`); exact paths above win (`/deals/new`). */
const PATTERNS: Array<[RegExp, Route]> = [
  [/^\/deals\/[^/]+$/, { screen: dealScreen, auth: true, chrome: 'app', tab: 'deals' }],
  [/^\/contests\/[^/]+$/, { screen: contestScreen, auth: true, chrome: 'app', tab: 'board' }],
];

function routeFor(path: string): Route | undefined {
  return ROUTES[path] ?? PATTERNS.find(([pattern]) => pattern.test(path))?.[1];
}

const notFound: Screen = (root) => {
  root.append(
    h(
      'section',
      { class: 'page page-narrow empty-page' },
      h('h1', null, t('app.notFound')),
      h('a', { class: 'btn btn-primary', href: '/' }, t('app.backHome')),
    ),
  );
};

let shell: Shell | null = null;
let stopScreen: (() => void) | void;

function render(root: HTMLElement, location: AppLocation): void {
  const route = routeFor(location.path);
  const me = currentMe();
  followSession(me?.user.id ?? null);
  if (route?.auth && !me) {
    navigate(loginPathFor(window.location), { replace: true });
    return;
  }
  // A manager's or admin's Deals tab is their team's pipeline; `?owner=` still opens one person's board.
  if (location.path === '/deals' && me && me.user.role !== 'REP' && !location.params.has('owner')) {
    navigate('/deals/team', { replace: true });
    return;
  }
  if (location.path === '/login' && me) {
    navigate(safeNext(location.params.get('next')), { replace: true });
    return;
  }
  const chrome: Chrome = route?.chrome ?? (me ? 'app' : 'bare');
  stopScreen?.();
  stopScreen = undefined;
  if (!shell || shell.chrome !== chrome) {
    shell?.dispose();
    shell = createShell(root, chrome);
  }
  shell.setTab(route?.tab);
  shell.main.replaceChildren();
  window.scrollTo(0, 0);
  stopScreen = (route?.screen ?? notFound)(shell.main, { location, me });
}

function sessionEnded(): void {
  if (!currentMe()) return;
  resetSubscriptions();
  setMe(null);
  navigate(loginPathFor(window.location), { replace: true });
}

let bootAttempt = 0;
let bootRetry: ReturnType<typeof setTimeout> | undefined;

/** Shows why, and keeps trying: a wall TV that booted during an outage must recover alone. */
function bootFailed(root: HTMLElement, error: unknown): void {
  const retry = () => {
    clearTimeout(bootRetry);
    window.removeEventListener('online', retry);
    void boot(root);
  };
  bootRetry = setTimeout(retry, backoffDelay(bootAttempt++));
  window.addEventListener('online', retry);
  root.replaceChildren(
    h(
      'section',
      { class: 'page page-narrow empty-page', role: 'alert' },
      h('img', { class: 'empty-mark', src: '/icons/icon.svg', alt: '' }),
      h('p', null, failureMessage(error)),
      h('button', { type: 'button', class: 'btn btn-primary', onclick: retry }, t('app.retry')),
    ),
  );
}

export async function boot(root: HTMLElement): Promise<void> {
  setUiLocale(detectLocale());
  root.replaceChildren(h('div', { class: 'splash', 'aria-busy': 'true' }, h('span', { class: 'spinner' }), t('app.loading')));
  let me;
  try {
    me = await fetchMe();
  } catch (error) {
    // Offline (an installed app opened in the field): the last signed-in user gets their app.
    me = error instanceof NetworkError ? cachedMe() : null;
    if (!me) {
      bootFailed(root, error);
      return;
    }
  }
  bootAttempt = 0;
  setMe(me);
  setUnauthenticatedHandler(sessionEnded);
  setSessionCheck(() => {
    fetchMe()
      .then((current) => {
        if (!current) sessionEnded();
      })
      .catch(() => {
        // Unreachable server: the socket keeps retrying; nothing to decide yet.
      });
  });
  startRouter((location) => render(root, location));
}
