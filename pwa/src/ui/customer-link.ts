// A customer's name wherever a customer is named: a link to its page (/customers/<id>), which each viewer
// may open within their reach.
import { h } from '@/ui/dom';

export function customerLink(customer: { id: string; name: string }, className = 'customer-link'): HTMLElement {
  return h('a', { class: className, href: `/customers/${encodeURIComponent(customer.id)}`, draggable: 'false' }, customer.name);
}
