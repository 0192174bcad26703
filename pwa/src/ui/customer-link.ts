// A customer's name wherever a customer is named: a link to its page (/customers/<id>) when the viewer may
// open it. Managers and admins open any customer's page (the page itself says when one is outside their
// reach); a rep only their own customers'. A customer added offline has no page until it has a server id.
import type { Role } from '@/graphql/types';
import { t } from '@/i18n';
import { h } from '@/ui/dom';
import { icon } from '@/ui/icons';

export interface NamedCustomer {
  id: string;
  name: string;
  /** Its owner when known: a rep's link depends on it (unknown: no link for a rep). */
  ownerId?: string | null;
}

export interface CustomerViewer {
  id: string;
  role: Role;
}

export function mayOpenCustomer(viewer: CustomerViewer, customer: Pick<NamedCustomer, 'id' | 'ownerId'>): boolean {
  if (!/^\d+$/.test(customer.id)) return false;
  if (viewer.role === 'ADMIN' || viewer.role === 'MANAGER') return true;
  return customer.ownerId != null && customer.ownerId === viewer.id;
}

export function customerLink(customer: { id: string; name: string }, className = 'customer-link'): HTMLElement {
  return h('a', { class: className, href: `/customers/${encodeURIComponent(customer.id)}`, draggable: 'false' }, customer.name);
}

/** The customer's name: a link to its page for a viewer who may open it, else plain text. */
export function customerName(viewer: CustomerViewer, customer: NamedCustomer, className = 'customer-link'): HTMLElement {
  return mayOpenCustomer(viewer, customer) ? customerLink(customer, className) : h('span', { class: 'customer-name-text' }, customer.name);
}

/** Beside a row that is itself a button (a link cannot sit inside one): a small link to the customer's page,
 * named for the customer, or null when the viewer may not open it. */
export function customerPageLink(viewer: CustomerViewer, customer: NamedCustomer, className = 'customer-page-link'): HTMLElement | null {
  if (!mayOpenCustomer(viewer, customer)) return null;
  const label = t('customers.openPage', { name: customer.name });
  return h('a', {
    class: className, href: `/customers/${encodeURIComponent(customer.id)}`, 'aria-label': label, title: label,
    'data-testid': 'customer-page-link', 'data-customer-id': customer.id, draggable: 'false',
  }, icon('chevron'));
}
