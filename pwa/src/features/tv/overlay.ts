import '@/features/tv/tv.css';
import { celebrationText } from '@/features/celebrations/logic';
import type { Celebration } from '@/graphql/types';
import { formatNumber, t } from '@/i18n';
import { avatar } from '@/ui/avatar';
import { h, prefersReducedMotion } from '@/ui/dom';

export const CELEBRATION_MS = 6000;
const FADE_MS = 600;
const CONFETTI_PIECES = 80;
const CONFETTI_COLORS = ['#f5b301', '#ffd75e', '#7c6cff', '#a78bfa', '#34d399', '#f472b6', '#60a5fa', '#ffffff'];

/** Pure-CSS confetti: each piece gets its own place, colour, size, delay and drift. */
function confetti(): HTMLElement {
  const layer = h('div', { class: 'confetti', 'aria-hidden': 'true' });
  for (let i = 0; i < CONFETTI_PIECES; i += 1) {
    const piece = h('span', { class: 'confetti-piece' });
    const s = piece.style;
    s.left = `${Math.random() * 100}%`;
    s.backgroundColor = CONFETTI_COLORS[i % CONFETTI_COLORS.length]!;
    s.width = `${8 + Math.random() * 10}px`;
    s.height = `${12 + Math.random() * 16}px`;
    s.animationDelay = `${Math.random() * 2.5}s`;
    s.animationDuration = `${3 + Math.random() * 2.5}s`;
    s.setProperty('--drift', `${(Math.random() - 0.5) * 240}px`);
    s.setProperty('--spin', `${(Math.random() > 0.5 ? 1 : -1) * (360 + Math.random() * 720)}deg`);
    layer.append(piece);
  }
  return layer;
}

/** Shows one celebration full screen for ~6 s, then calls `done`. Returns a stopper. */
export function showCelebration(layer: HTMLElement, c: Celebration, done: () => void): () => void {
  const overlay = h(
    'div',
    { class: `celebration-overlay kind-${c.kind.toLowerCase()}`, 'data-testid': 'celebration-overlay', role: 'alert' },
    prefersReducedMotion() ? null : confetti(),
    h(
      'div',
      { class: 'celebration-card' },
      h('div', { class: 'celebration-avatars' }, avatar(c.user, 200)),
      h('p', { class: 'celebration-kicker' }, t('tv.celebrate')),
      h('p', { class: 'celebration-big' }, celebrationText(c)),
      // A won deal's celebration carries no points of its own: "0 pts" would read as nothing won.
      c.points > 0
        ? h(
            'p',
            { class: 'celebration-points' },
            h('span', { class: 'celebration-points-value' }, formatNumber(c.points)),
            ' ',
            t('board.pointsUnit'),
          )
        : null,
    ),
  );
  layer.replaceChildren(overlay);
  const timers = [
    setTimeout(() => overlay.classList.add('is-leaving'), CELEBRATION_MS - FADE_MS),
    setTimeout(() => {
      overlay.remove();
      done();
    }, CELEBRATION_MS),
  ];
  return () => {
    timers.forEach(clearTimeout);
    overlay.remove();
  };
}
