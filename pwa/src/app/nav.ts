// Where managers and admins go: the desktop side navigation (app/shell.ts, from 1280 px) and
// the phones' menu page (app/menu.ts) list the same groups. Reps keep the bottom tab bar.
import type { Role } from '@/graphql/types';
import type { MessageKey } from '@/i18n';

export interface NavItem {
  /** Test ids: `nav-<id>` in the side navigation, `menu-<id>` on the menu page. */
  id: string;
  href: string;
  label: MessageKey;
  /** Admins only (the rest of the list is for managers and admins). */
  admin?: boolean;
}

export interface NavGroup {
  id: string;
  /** No heading for the first group (Home). */
  label?: MessageKey;
  items: NavItem[];
}

export const NAV_GROUPS: readonly NavGroup[] = [
  { id: 'home', items: [{ id: 'home', href: '/', label: 'nav.item.home' }] },
  {
    id: 'sales',
    label: 'nav.group.sales',
    items: [
      { id: 'analytics', href: '/analytics', label: 'nav.item.analytics' },
      { id: 'team-pipeline', href: '/deals/team', label: 'nav.item.teamPipeline' },
      { id: 'customers', href: '/customers', label: 'nav.item.customers' },
      { id: 'visits-review', href: '/visits/review', label: 'nav.item.visitsReview' },
      { id: 'team', href: '/team', label: 'nav.item.team' },
    ],
  },
  {
    id: 'pay',
    label: 'nav.group.pay',
    items: [
      { id: 'statements', href: '/statements', label: 'nav.item.statements' },
      { id: 'plans', href: '/settings/plans', label: 'nav.item.plans' },
    ],
  },
  {
    id: 'motivation',
    label: 'nav.group.motivation',
    items: [
      { id: 'board', href: '/board', label: 'nav.item.board' },
      { id: 'contests', href: '/contests', label: 'nav.item.contests' },
      { id: 'approvals', href: '/rewards/approvals', label: 'nav.item.approvals' },
      { id: 'catalog', href: '/rewards/catalog', label: 'nav.item.catalog', admin: true },
      { id: 'point-rules', href: '/settings/points', label: 'nav.item.pointRules' },
      { id: 'badges', href: '/settings/badges', label: 'nav.item.badges', admin: true },
    ],
  },
  {
    id: 'company',
    label: 'nav.group.company',
    items: [
      { id: 'people', href: '/settings/people', label: 'nav.item.people', admin: true },
      // Managers read the tree (the units they reach) and the catalog; admins change them.
      { id: 'org', href: '/settings/org', label: 'nav.item.org' },
      { id: 'products', href: '/settings/products', label: 'nav.item.products' },
      { id: 'stages', href: '/settings/stages', label: 'nav.item.stages', admin: true },
      // Managers pair the TV in their own office too.
      { id: 'tvs', href: '/tv/pair', label: 'nav.item.tvs' },
      { id: 'robots', href: '/settings/robots', label: 'nav.item.robots', admin: true },
      { id: 'webhooks', href: '/settings/webhooks', label: 'nav.item.webhooks', admin: true },
      { id: 'events', href: '/settings/events', label: 'nav.item.events', admin: true },
      { id: 'tokens', href: '/settings/tokens', label: 'nav.item.tokens', admin: true },
      { id: 'audit', href: '/settings/audit', label: 'nav.item.audit', admin: true },
      { id: 'imports', href: '/settings/import', label: 'nav.item.imports', admin: true },
    ],
  },
];

/** Who gets the side navigation and the menu page: managers and admins. */
export function hasSideNav(role: Role | undefined): boolean {
  return role === 'MANAGER' || role === 'ADMIN';
}

/** The groups a role sees; empty for reps. */
export function navFor(role: Role | undefined): NavGroup[] {
  if (!hasSideNav(role)) return [];
  const admin = role === 'ADMIN';
  return NAV_GROUPS.map((g) => ({ ...g, items: g.items.filter((i) => admin || !i.admin) }))
    .filter((g) => g.items.length > 0);
}

/** The item to highlight: the longest href that is the path or a parent of it ('/' only itself). */
export function activeItem(groups: readonly NavGroup[], path: string): NavItem | undefined {
  let best: NavItem | undefined;
  for (const item of groups.flatMap((g) => g.items)) {
    const match = item.href === '/' ? path === '/' : path === item.href || path.startsWith(`${item.href}/`);
    if (match && (!best || item.href.length > best.href.length)) best = item;
  }
  return best;
}
