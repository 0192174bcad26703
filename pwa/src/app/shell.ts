import { html, nothing, render } from 'lit-html';
import { activeItem, navFor, type NavGroup } from '@/app/nav';
import { changeLocale, logout } from '@/app/session';
import { languageSwitchText } from '@/app/language';
import { navigate } from '@/app/router';
import { formatNumber, getLocale, onLocaleChange, t } from '@/i18n';
import type { Role } from '@/graphql/types';
import { syncBadge } from '@/features/sync/badge';
import { outboxSummary } from '@/offline/outbox';
import { connectionStatus } from '@/ui/connection';
import { h, Texts, tx } from '@/ui/dom';
import { icon, type IconName } from '@/ui/icons';

export type Chrome = 'app' | 'bare' | 'none';
export type Tab = 'home' | 'visit' | 'deals' | 'board' | 'team';

export interface Shell {
  main: HTMLElement;
  chrome: Chrome;
  setTab(tab: Tab | undefined): void;
  /** Highlights the side navigation's entry for this path. */
  setPath(path: string): void;
  dispose(): void;
}

const TABS: Array<{ tab: Tab; href: string; icon: IconName; label: 'nav.home' | 'nav.visit' | 'nav.deals' | 'nav.board' | 'nav.team' }> = [
  { tab: 'home', href: '/', icon: 'home', label: 'nav.home' },
  { tab: 'visit', href: '/visit', icon: 'visit', label: 'nav.visit' },
  { tab: 'deals', href: '/deals', icon: 'deals', label: 'nav.deals' },
  { tab: 'board', href: '/board', icon: 'board', label: 'nav.board' },
  { tab: 'team', href: '/team', icon: 'team', label: 'nav.team' },
];

/** EN / 中文: both shown, the current one highlighted; a click switches. */
export function languageSwitch(texts: Texts): HTMLButtonElement {
  const en = tx(texts, 'span', 'lang.en', { class: 'lang-opt', lang: 'en' });
  const zh = tx(texts, 'span', 'lang.zh', { class: 'lang-opt', lang: 'zh-CN' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'lang-switch',
      'data-testid': 'lang-switch',
      onclick: () => void changeLocale(getLocale() === 'en' ? 'zh-CN' : 'en'),
    },
    en,
    h('span', { class: 'lang-sep', 'aria-hidden': 'true' }, '/'),
    zh,
  );
  const render = () => {
    const locale = getLocale();
    en.classList.toggle('is-active', locale === 'en');
    zh.classList.toggle('is-active', locale === 'zh-CN');
    button.dataset.locale = locale;
    button.setAttribute('aria-label', languageSwitchText().label);
  };
  render();
  texts.on(render);
  return button;
}

function brand(): HTMLElement {
  return h(
    'a',
    { class: 'brand', href: '/' },
    h('img', { class: 'brand-mark', src: '/icons/icon.svg', alt: '', width: 28, height: 28 }),
    h('span', { class: 'brand-name' }, 'Podium'),
  );
}

/** Managers' and admins' sections, shown from 1280 px (ui/styles.css); the menu page lists the same. */
function sideNav(groups: readonly NavGroup[], path: string) {
  const active = activeItem(groups, path);
  return html`${groups.map(
    (group) => html`<div class="sidenav-group" data-group=${group.id}>
      ${group.label ? html`<h2 class="sidenav-heading">${t(group.label)}</h2>` : nothing}
      <ul class="sidenav-list">
        ${group.items.map(
          (item) => html`<li><a class="sidenav-link" href=${item.href} data-testid=${`nav-${item.id}`}
            aria-current=${item === active ? 'page' : 'false'}>${t(item.label)}</a></li>`,
        )}
      </ul>
    </div>`,
  )}`;
}

export function createShell(root: HTMLElement, chrome: Chrome, role?: Role): Shell {
  const texts = new Texts();
  const main = h('main', { class: 'main', id: 'main' });
  const disposers: Array<() => void> = [() => texts.dispose()];
  document.body.dataset.chrome = chrome;

  delete document.body.dataset.sidenav;

  if (chrome === 'none') {
    root.replaceChildren(main);
    return { main, chrome, setTab: () => {}, setPath: () => {}, dispose: () => disposers.forEach((d) => d()) };
  }

  const tabLinks = new Map<Tab, HTMLAnchorElement>();
  const actions = h('div', { class: 'topbar-actions' });
  const header = h('header', { class: 'topbar' }, h('div', { class: 'topbar-inner' }, brand(), actions));

  if (chrome === 'app') {
    const status = connectionStatus(false);
    disposers.push(status.dispose);
    actions.append(status.el);
    const badge = syncBadge();
    disposers.push(badge.dispose);
    actions.append(badge.el);
  }
  actions.append(languageSwitch(texts));

  let nav: HTMLElement | null = null;
  if (chrome === 'app') {
    const logoutButton = h(
      'button',
      {
        type: 'button',
        class: 'icon-button',
        'data-testid': 'logout',
        onclick: async () => {
          // Unsent writes stay on the phone (they are this user's, sent at their next sign-in); say so first.
          const unsent = await outboxSummary().then((s) => s.total, () => 0);
          if (unsent > 0 && !window.confirm(t('logout.unsent', { count: formatNumber(unsent) }))) return;
          logoutButton.disabled = true;
          try {
            await logout();
          } finally {
            navigate('/login', { replace: true });
          }
        },
      },
      icon('logout'),
    );
    const notifications = h('a', { class: 'icon-button', href: '/settings/notifications', 'data-testid': 'open-notifications' }, icon('bell'));
    texts.attr(notifications, 'aria-label', 'push.open');
    texts.attr(notifications, 'title', 'push.open');
    actions.append(notifications);
    texts.attr(logoutButton, 'aria-label', 'nav.logout');
    texts.attr(logoutButton, 'title', 'nav.logout');
    actions.append(logoutButton);

    nav = h('nav', { class: 'tabbar' });
    texts.attr(nav, 'aria-label', 'nav.main');
    for (const item of TABS) {
      const link = h(
        'a',
        { class: 'tab', href: item.href, 'data-testid': `tab-${item.tab}` },
        icon(item.icon),
        tx(texts, 'span', item.label, { class: 'tab-label' }),
      );
      tabLinks.set(item.tab, link);
      nav.append(link);
    }
    header.querySelector('.topbar-inner')?.insertBefore(nav, actions);
  }

  const groups = chrome === 'app' ? navFor(role) : [];
  let path = '/';
  let side: HTMLElement | null = null;
  const drawSide = () => {
    if (side) render(sideNav(groups, path), side);
  };
  if (groups.length) {
    side = h('nav', { class: 'sidenav', 'data-testid': 'sidenav' });
    texts.attr(side, 'aria-label', 'nav.side');
    document.body.dataset.sidenav = 'on';
    // A compact way to the same sections on phones and narrow windows.
    const menu = h('a', { class: 'icon-button menu-button', href: '/menu', 'data-testid': 'open-menu' }, icon('menu'));
    texts.attr(menu, 'aria-label', 'nav.menu');
    texts.attr(menu, 'title', 'nav.menu');
    actions.prepend(menu);
    disposers.push(onLocaleChange(drawSide));
    disposers.push(() => {
      delete document.body.dataset.sidenav;
    });
  }

  root.replaceChildren(...[header, side, main].filter((el): el is HTMLElement => el !== null));

  return {
    main,
    chrome,
    setTab(tab) {
      for (const [name, link] of tabLinks) {
        if (name === tab) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
    setPath(next) {
      path = next;
      drawSide();
    },
    dispose: () => disposers.forEach((d) => d()),
  };
}
