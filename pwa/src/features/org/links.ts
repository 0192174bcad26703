// Admins and managers reach the org tree and the product catalog where the other settings are
// linked (the team page's header).
import type { Role } from '@/graphql/types';
import { h, type Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

export function orgSettingsLinks(texts: Texts, role: Role): HTMLElement[] {
  if (role !== 'ADMIN' && role !== 'MANAGER') return [];
  return [
    h('a', { class: 'btn btn-ghost btn-small', href: '/settings/org', 'data-testid': 'link-org' }, tx(texts, 'span', 'org.settingsLink'), icon('chevron')),
    h('a', { class: 'btn btn-ghost btn-small', href: '/settings/products', 'data-testid': 'link-products' }, tx(texts, 'span', 'products.settingsLink'), icon('chevron')),
  ];
}
