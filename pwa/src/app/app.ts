import { currentLocation, loginPathFor, navigate, safeNext, startRouter, type AppLocation } from '@/app/router';
import type { Screen } from '@/app/screen';
import { currentMe, fetchMe, isSetupNeeded, setMe, setSetupNeeded } from '@/app/session';
import { createShell, type Chrome, type Shell, type Tab } from '@/app/shell';
import { SETUP_NEEDED_QUERY } from '@/features/accounts/documents';
import { backoffDelay, NetworkError, request, resetSubscriptions, setSessionCheck, setUnauthenticatedHandler } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import { detectLocale, setUiLocale, t } from '@/i18n';
import { cachedMe } from '@/offline/me';
import { followSession } from '@/offline/start';
import { h } from '@/ui/dom';

interface Route {
  /** The screen's chunk, fetched the first time the route opens (the service worker has it offline). */
  load: () => Promise<Screen>;
  auth: boolean;
  chrome: Chrome;
  tab?: Tab;
}

const ROUTES: Record<string, Route> = {
  '/': { load: () => import('@/features/home/home').then((m) => m.homeScreen), auth: true, chrome: 'app', tab: 'home' },
  '/visit': { load: () => import('@/features/visit/visit').then((m) => m.visitScreen), auth: true, chrome: 'app', tab: 'visit' },
  '/sync': { load: () => import('@/features/sync/sync').then((m) => m.syncScreen), auth: true, chrome: 'app', tab: 'visit' },
  '/board': { load: () => import('@/features/board/board').then((m) => m.boardScreen), auth: true, chrome: 'app', tab: 'board' },
  '/contests': { load: () => import('@/features/contests/contests').then((m) => m.contestsScreen), auth: true, chrome: 'app', tab: 'board' },
  '/contests/new': { load: () => import('@/features/contests/new').then((m) => m.newContestScreen), auth: true, chrome: 'app', tab: 'board' },
  '/deals': { load: () => import('@/features/pipeline/pipeline').then((m) => m.pipelineScreen), auth: true, chrome: 'app', tab: 'deals' },
  '/deals/new': { load: () => import('@/features/pipeline/new-deal').then((m) => m.newDealScreen), auth: true, chrome: 'app', tab: 'deals' },
  '/deals/team': { load: () => import('@/features/team-pipeline/team-pipeline').then((m) => m.teamPipelineScreen), auth: true, chrome: 'app', tab: 'deals' },
  '/settings/stages': { load: () => import('@/features/pipeline/stages').then((m) => m.stagesScreen), auth: true, chrome: 'app', tab: 'deals' },
  '/settings/notifications': { load: () => import('@/features/notifications/notifications').then((m) => m.notificationsScreen), auth: true, chrome: 'app', tab: 'home' },
  '/analytics': { load: () => import('@/features/analytics/analytics').then((m) => m.analyticsScreen), auth: true, chrome: 'app', tab: 'team' },
  '/analytics/customers': { load: () => import('@/features/analytics/customers').then((m) => m.customersAnalyticsScreen), auth: true, chrome: 'app', tab: 'team' },
  '/team': { load: () => import('@/features/targets/team').then((m) => m.teamScreen), auth: true, chrome: 'app', tab: 'team' },
  '/customers': { load: () => import('@/features/customers/list').then((m) => m.customersScreen), auth: true, chrome: 'app', tab: 'team' },
  '/customers/new': { load: () => import('@/features/customers/form').then((m) => m.customerFormScreen), auth: true, chrome: 'app', tab: 'team' },
  '/map': { load: () => import('@/features/map/routes').then((m) => m.mapScreen), auth: true, chrome: 'app', tab: 'visit' },
  '/visits/review': { load: () => import('@/features/map/routes').then((m) => m.reviewScreen), auth: true, chrome: 'app', tab: 'team' },
  '/earnings': { load: () => import('@/features/compensation/earnings').then((m) => m.earningsScreen), auth: true, chrome: 'app', tab: 'home' },
  '/rewards': { load: () => import('@/features/rewards/rewards').then((m) => m.rewardsScreen), auth: true, chrome: 'app', tab: 'home' },
  '/rewards/approvals': { load: () => import('@/features/rewards/approvals').then((m) => m.approvalsScreen), auth: true, chrome: 'app', tab: 'team' },
  '/rewards/catalog': { load: () => import('@/features/rewards/catalog').then((m) => m.catalogScreen), auth: true, chrome: 'app', tab: 'team' },
  '/statements': { load: () => import('@/features/compensation/statements').then((m) => m.statementsScreen), auth: true, chrome: 'app', tab: 'team' },
  '/settings/plans': { load: () => import('@/features/compensation/plans').then((m) => m.plansScreen), auth: true, chrome: 'app', tab: 'team' },
  '/settings/points': { load: () => import('@/features/points/rules').then((m) => m.pointRulesScreen), auth: true, chrome: 'app', tab: 'home' },
  '/points': { load: () => import('@/features/points/history').then((m) => m.pointsScreen), auth: true, chrome: 'app', tab: 'home' },
  '/profile': { load: () => import('@/features/badges/profile').then((m) => m.profileScreen), auth: true, chrome: 'app', tab: 'home' },
  '/settings/badges': { load: () => import('@/features/badges/settings').then((m) => m.badgeSettingsScreen), auth: true, chrome: 'app', tab: 'team' },
  '/settings/robots': { load: () => import('@/features/robots/robots').then((m) => m.robotsScreen), auth: true, chrome: 'app', tab: 'team' },
  '/settings/webhooks': { load: () => import('@/features/webhooks/webhooks').then((m) => m.webhooksScreen), auth: true, chrome: 'app', tab: 'team' },
  '/settings/events': { load: () => import('@/features/events/events').then((m) => m.eventsScreen), auth: true, chrome: 'app', tab: 'team' },
  '/settings/tokens': { load: () => import('@/features/tokens/tokens').then((m) => m.tokensScreen), auth: true, chrome: 'app', tab: 'team' },
  '/settings/audit': { load: () => import('@/features/audit/audit').then((m) => m.auditScreen), auth: true, chrome: 'app', tab: 'team' },
  '/menu': { load: () => import('@/app/menu').then((m) => m.menuScreen), auth: true, chrome: 'app', tab: 'team' },
  '/settings/people': { load: () => import('@/features/accounts/people').then((m) => m.peopleScreen), auth: true, chrome: 'app', tab: 'team' },
  '/settings/password': { load: () => import('@/features/accounts/password').then((m) => m.passwordScreen), auth: true, chrome: 'app', tab: 'home' },
  '/settings/org': { load: () => import('@/features/org/org').then((m) => m.orgScreen), auth: true, chrome: 'app', tab: 'team' },
  '/settings/products': { load: () => import('@/features/products/products').then((m) => m.productsScreen), auth: true, chrome: 'app', tab: 'team' },
  '/settings/import': { load: () => import('@/features/imports/imports').then((m) => m.importScreen), auth: true, chrome: 'app', tab: 'team' },
  '/login': { load: () => import('@/features/login/login').then((m) => m.loginScreen), auth: false, chrome: 'bare' },
  // An install with no company opens here, whatever the path.
  '/setup': { load: () => import('@/features/accounts/setup').then((m) => m.setupScreen), auth: false, chrome: 'bare' },
  '/join': { load: () => import('@/features/accounts/join').then((m) => m.joinScreen), auth: false, chrome: 'bare' },
  // Signed in: the org's boards; a paired display: its playlist; anyone else: a pairing code.
  '/tv': { load: () => import('@/features/tv/tv').then((m) => m.tvScreen), auth: false, chrome: 'none' },
  '/tv/pair': { load: () => import('@/features/tv/pair').then((m) => m.pairTvScreen), auth: true, chrome: 'app', tab: 'team' },
};

/** Paths with an id in them (`/deals/42`); exact paths above win (`/deals/new`). */
const PATTERNS: Array<[RegExp, Route]> = [
  [/^\/deals\/[^/]+$/, { load: () => import('@/features/pipeline/deal').then((m) => m.dealScreen), auth: true, chrome: 'app', tab: 'deals' }],
  [/^\/customers\/[^/]+\/edit$/, { load: () => import('@/features/customers/form').then((m) => m.customerFormScreen), auth: true, chrome: 'app', tab: 'team' }],
  [/^\/customers\/[^/]+$/, { load: () => import('@/features/customers/page').then((m) => m.customerPageScreen), auth: true, chrome: 'app', tab: 'team' }],
  [/^\/contests\/[^/]+$/, { load: () => import('@/features/contests/contests').then((m) => m.contestScreen), auth: true, chrome: 'app', tab: 'board' }],
  [/^\/join\/[^/]+$/, { load: () => import('@/features/accounts/join').then((m) => m.joinScreen), auth: false, chrome: 'bare' }],
  [/^\/reset\/[^/]+$/, { load: () => import('@/features/accounts/reset').then((m) => m.resetScreen), auth: false, chrome: 'bare' }],
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
/** Which navigation is current: a chunk that arrives after the user moved on is ignored. */
let navigation = 0;
/** Paths whose chunk failed to load: a second failure reloads the page (a deploy renamed it). */
const failedLoads = new Set<string>();
// Only a slow chunk shows a spinner; a fast one would only make it flash.
const SPINNER_DELAY_MS = 150;

function loadingView(): HTMLElement {
  const el = h('div', { class: 'route-loading', 'aria-busy': 'true', 'data-testid': 'route-loading', hidden: true },
    h('span', { class: 'spinner' }), h('span', { class: 'visually-hidden' }, t('route.loading')));
  setTimeout(() => {
    el.hidden = false;
  }, SPINNER_DELAY_MS);
  return el;
}

function loadFailed(retry: () => void): HTMLElement {
  return h(
    'section',
    { class: 'page page-narrow empty-page', role: 'alert', 'data-testid': 'route-failed' },
    h('p', null, t('route.failed')),
    h('button', { type: 'button', class: 'btn btn-primary', onclick: retry }, t('app.retry')),
  );
}

function render(root: HTMLElement, location: AppLocation): void {
  const route = routeFor(location.path);
  const me = currentMe();
  followSession(me?.user.id ?? null);
  if (!me && isSetupNeeded() && location.path !== '/setup') {
    navigate('/setup', { replace: true });
    return;
  }
  if (location.path === '/setup' && (me || !isSetupNeeded())) {
    navigate(me ? '/' : '/login', { replace: true });
    return;
  }
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
  const current = ++navigation;
  stopScreen?.();
  stopScreen = undefined;
  if (!shell || shell.chrome !== chrome) {
    shell?.dispose();
    shell = createShell(root, chrome, me?.user.role);
  }
  const main = shell.main;
  shell.setTab(route?.tab);
  shell.setPath(location.path);
  if (!route) {
    show(main, notFound, location, me);
    return;
  }
  main.replaceChildren(loadingView());
  route.load().then(
    (screen) => {
      if (current !== navigation) return;
      failedLoads.delete(location.path);
      show(main, screen, location, me);
    },
    () => {
      if (current !== navigation) return;
      main.replaceChildren(
        loadFailed(() => {
          if (failedLoads.has(location.path)) window.location.reload();
          else {
            failedLoads.add(location.path);
            render(root, currentLocation());
          }
        }),
      );
    },
  );
}

function show(main: HTMLElement, screen: Screen, location: AppLocation, me: ReturnType<typeof currentMe>): void {
  main.replaceChildren();
  window.scrollTo(0, 0);
  stopScreen = screen(main, { location, me });
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
  if (!me) {
    try {
      setSetupNeeded((await request<{ setupNeeded: boolean }>(SETUP_NEEDED_QUERY)).setupNeeded);
    } catch {
      // Unreachable now: the login page stands in; it says what failed when used.
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
