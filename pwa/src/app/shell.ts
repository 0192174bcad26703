import { changeLocale, logout } from '@/app/session';
import { languageSwitchText } from '@/app/language';
import { navigate } from '@/app/router';
import { formatNumber, getLocale, t } from '@/i18n';
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

export function createShell(root: HTMLElement, chrome: Chrome): Shell {
  const texts = new Texts();
  const main = h('main', { class: 'main', id: 'main' });
  const disposers: Array<() => void> = [() => texts.dispose()];
  document.body.dataset.chrome = chrome;

  if (chrome === 'none') {
    root.replaceChildren(main);
    return { main, chrome, setTab: () => {}, dispose: () => disposers.forEach((d) => d()) };
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

  root.replaceChildren(header, main);

  return {
    main,
    chrome,
    setTab(tab) {
      for (const [name, link] of tabLinks) {
        if (name === tab) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
    dispose: () => disposers.forEach((d) => d()),
  };
}
