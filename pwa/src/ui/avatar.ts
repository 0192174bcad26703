import { h } from '@/ui/dom';
import type { User } from '@/graphql/types';

/** Initials on the user's colour; the colour goes through the CSSOM, never markup. */
export function avatar(user: Pick<User, 'initials' | 'avatarColor' | 'name'>, size = 40): HTMLElement {
  const el = h('span', { class: 'avatar', 'aria-hidden': 'true' }, user.initials);
  el.style.backgroundColor = user.avatarColor;
  el.style.setProperty('--avatar-size', `${size}px`);
  return el;
}
