// The customer list is linked where everyone finds the team's other lists (the team page's header); each sees their reach.
import { h, type Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

export function customersLink(texts: Texts): HTMLElement {
  return h('a', { class: 'btn btn-ghost btn-small', href: '/customers', 'data-testid': 'link-customers' },
    tx(texts, 'span', 'customers.title'), icon('chevron'));
}
