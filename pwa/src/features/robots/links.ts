// Admins reach the group robots where the other settings are linked (the team page's header).
import type { Role } from '@/graphql/types';
import { h, type Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

export function robotsSettingsLink(texts: Texts, role: Role): HTMLElement | null {
  if (role !== 'ADMIN') return null;
  return h('a', { class: 'btn btn-ghost btn-small', href: '/settings/robots', 'data-testid': 'link-robots' },
    tx(texts, 'span', 'robots.settingsLink'), icon('chevron'));
}
