// Admins reach background work where the other settings are linked (the team page's header).
import type { Role } from '@/graphql/types';
import { h, type Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

export function eventsSettingsLink(texts: Texts, role: Role): HTMLElement | null {
  if (role !== 'ADMIN') return null;
  return h('a', { class: 'btn btn-ghost btn-small', href: '/settings/events', 'data-testid': 'link-events' },
    tx(texts, 'span', 'events.settingsLink'), icon('chevron'));
}
