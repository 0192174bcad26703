// The ways in to badges from other screens: home (my profile), board rows and team members
// (anyone's profile), and the settings links where admins find the other settings.
import '@/features/badges/badges.css';
import type { Role } from '@/graphql/types';
import { h, type Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

export function profileHref(userId: string | null = null): string {
  return userId === null ? '/profile' : `/profile?user=${encodeURIComponent(userId)}`;
}

/** Home's way to my profile: streak and badges. */
export function profileHomeLink(texts: Texts): HTMLElement {
  return h('nav', { class: 'profile-home-links' },
    h('a', { class: 'btn btn-ghost btn-small', href: profileHref(), 'data-testid': 'home-profile' }, tx(texts, 'span', 'badges.myProfile'), icon('chevron')));
}

/** Admins reach the badge and holiday settings where the other settings are linked. */
export function badgeSettingsLink(texts: Texts, role: Role): HTMLElement | null {
  if (role !== 'ADMIN') return null;
  return h('a', { class: 'btn btn-ghost btn-small', href: '/settings/badges', 'data-testid': 'link-badge-settings' },
    tx(texts, 'span', 'badges.settingsLink'), icon('chevron'));
}

/** A person's name as a link to their profile (board rows, team members). */
export function profileNameLink(userId: string, name: string, className: string): HTMLElement {
  return h('a', { class: `${className} profile-name-link`, href: profileHref(userId), 'data-testid': 'profile-link' }, name);
}
