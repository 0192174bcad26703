// The ways in to points from other screens: home (how points work, my history), the team
// screen (the admins' rule editor, and each person's points for their manager).
import '@/features/points/points.css';
import { h, type Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

export function pointsHomeLinks(texts: Texts): HTMLElement {
  return h('nav', { class: 'points-home-links', 'data-testid': 'home-points-links' },
    h('a', { class: 'btn btn-ghost btn-small', href: '/points', 'data-testid': 'home-points-history' }, tx(texts, 'span', 'points.historyLink'), icon('chevron')),
    h('a', { class: 'btn btn-ghost btn-small', href: '/settings/points', 'data-testid': 'home-points-rules' }, tx(texts, 'span', 'points.howLink'), icon('chevron')));
}

/** A person's points (and the adjust sheet) from their row on the team screen. */
export function memberPointsLink(userId: string, label: string): HTMLElement {
  return h('a', { class: 'member-points-link', href: `/points?user=${encodeURIComponent(userId)}`, 'data-testid': 'member-points' }, label);
}
