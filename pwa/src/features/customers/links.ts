// Reps reach their customers from the team page's header; managers and admins from the side navigation or the menu.
import type { Role } from '@/graphql/types';
import { h, type Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

export function customersLink(texts: Texts, role: Role): HTMLElement | null {
  if (role !== 'REP') return null;
  return h('a', { class: 'btn btn-ghost btn-small', href: '/customers', 'data-testid': 'link-customers' },
    tx(texts, 'span', 'customers.title'), icon('chevron'));
}
