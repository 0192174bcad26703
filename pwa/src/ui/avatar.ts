import { h } from '@/ui/dom';
import type { User } from '@/graphql/types';

// Initials are drawn in this on every avatar colour (the server's palette, orgs/service.py, is dark enough for it:
// avatar.test.ts checks each colour reaches WCAG AA, 4.5:1).
export const AVATAR_INK = '#ffffff';
// A person not loaded yet.
export const AVATAR_PLACEHOLDER = '#64748b';

/**
 * The person's photo when they have one, else their initials on their colour (also behind the photo
 * while it loads, and if it fails). The colour goes through the CSSOM, never markup.
 */
export function avatar(user: Pick<User, 'initials' | 'avatarColor' | 'name'> & { photoUrl?: string | null }, size = 40): HTMLElement {
  const el = h('span', { class: 'avatar', 'aria-hidden': 'true' }, user.initials);
  el.style.backgroundColor = user.avatarColor;
  el.style.color = AVATAR_INK;
  el.style.setProperty('--avatar-size', `${size}px`);
  if (user.photoUrl) {
    const img = h('img', { class: 'avatar-photo', src: user.photoUrl, alt: '', loading: 'lazy', decoding: 'async' });
    img.addEventListener('error', () => img.remove(), { once: true });
    el.classList.add('has-photo');
    el.append(img);
  }
  return el;
}
