import type { Screen } from '@/app/screen';
import { parseMetric, parsePeriod } from '@/features/board/board';
import { BoardStream } from '@/features/board/logic';
import { BoardView } from '@/features/board/view';
import { CelebrationQueue } from '@/features/celebrations/logic';
import { showCelebration } from '@/features/tv/overlay';
import { subscribe } from '@/graphql/client';
import { CELEBRATIONS_SUBSCRIPTION, LEADERBOARD_SUBSCRIPTION } from '@/graphql/documents';
import type { BoardMetric, Celebration, Leaderboard, Me, Period } from '@/graphql/types';
import { formatTime, t, type MessageKey } from '@/i18n';
import { connectionStatus } from '@/ui/connection';
import { h, replace, Texts } from '@/ui/dom';

const ROWS = 10;
const ROTATE_MS = 30_000;

export interface Slide {
  period: Period;
  metric: BoardMetric;
}
/** Month first: the default board; then the shorter periods; then the month's revenue. */
const ROTATION: readonly Slide[] = [
  { period: 'MONTH', metric: 'POINTS' },
  { period: 'TODAY', metric: 'POINTS' },
  { period: 'WEEK', metric: 'POINTS' },
  { period: 'MONTH', metric: 'REVENUE' },
];

/** The boards the TV cycles through: all of them, or the one pinned by `?period=` and/or `?metric=`. */
export function playlist(period: Period | null, metric: BoardMetric | null): readonly Slide[] {
  if (!period && !metric) return ROTATION;
  return [{ period: period ?? 'MONTH', metric: metric ?? 'POINTS' }];
}

/** Which board the TV shows `tick` rotations after it started. */
export function rotationSlide(tick: number, slides: readonly Slide[]): Slide {
  return slides[((tick % slides.length) + slides.length) % slides.length]!;
}

function slideKey(slide: Slide): string {
  return `${slide.period}:${slide.metric}`;
}

function slideLabel(slide: Slide): string {
  const period = t(`period.${slide.period}` as MessageKey);
  return slide.metric === 'REVENUE' ? t('tv.revenue', { period }) : period;
}

/** Keeps a wall screen awake (where supported) for as long as the TV runs. */
function keepAwake(): () => void {
  let lock: WakeLockSentinel | null = null;
  let stopped = false;
  const acquire = async () => {
    if (stopped || document.visibilityState !== 'visible' || !('wakeLock' in navigator)) return;
    try {
      lock = await navigator.wakeLock.request('screen');
    } catch {
      // Not allowed (battery saver, no user gesture yet): the screen may sleep.
    }
  };
  document.addEventListener('visibilitychange', acquire);
  void acquire();
  return () => {
    stopped = true;
    document.removeEventListener('visibilitychange', acquire);
    void lock?.release().catch(() => {});
  };
}

export const tvScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  document.body.classList.add('tv-mode');
  disposers.push(() => document.body.classList.remove('tv-mode'));
  disposers.push(keepAwake());

  const pinnedPeriod = location.params.get('period');
  const pinnedMetric = location.params.get('metric');
  const slides = playlist(
    pinnedPeriod ? parsePeriod(pinnedPeriod, 'MONTH') : null,
    pinnedMetric ? parseMetric(pinnedMetric, 'POINTS') : null,
  );
  let tick = 0;
  let slide = rotationSlide(tick, slides);

  const streams = new Map<string, BoardStream>();
  const view = new BoardView('tv', null, ROWS);
  const board = h('div', { class: 'tv-board', 'data-testid': 'tv-board' });
  const title = h('h1', { class: 'tv-title' });
  const clock = h('time', { class: 'tv-clock' });
  const date = h('span', { class: 'tv-date' });
  const pills = h('div', { class: 'tv-periods' });
  const status = connectionStatus(true);
  disposers.push(status.dispose);

  const renderHeader = () => {
    title.replaceChildren(
      h('span', { class: 'tv-org' }, me.org.name),
      h('span', { class: 'tv-period' }, slideLabel(slide)),
    );
    replace(
      pills,
      slides.map((s) => h('span', { class: `tv-pill ${s === slide ? 'is-active' : ''}` }, slideLabel(s))),
    );
  };

  const renderClock = () => {
    const now = new Date();
    clock.textContent = formatTime(now, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clock.dateTime = now.toISOString();
    date.textContent = formatTime(now, { weekday: 'long', month: 'long', day: 'numeric' });
  };

  /** `animate` for a newer frame of the shown board; a switch of board fades instead. */
  const renderBoard = (animate: boolean) => {
    const current = streams.get(slideKey(slide))?.board;
    board.dataset.period = slide.period;
    board.dataset.metric = slide.metric;
    if (!current || current.entries.length === 0) {
      replace(board, h('p', { class: 'tv-waiting' }, t(slide.metric === 'REVENUE' ? 'tv.waitingRevenue' : 'tv.waiting')));
      return;
    }
    if (!board.contains(view.el)) board.replaceChildren(view.el);
    view.update(current, animate);
    if (!animate) {
      board.classList.remove('tv-swap');
      void board.offsetWidth;
      board.classList.add('tv-swap');
    }
  };

  for (const s of slides) {
    const stream = new BoardStream();
    streams.set(slideKey(s), stream);
    disposers.push(
      subscribe<{ leaderboardChanged: Leaderboard }>(
        LEADERBOARD_SUBSCRIPTION,
        { period: s.period, scope: 'ORG', metric: s.metric },
        {
          next: ({ leaderboardChanged: frame }, epoch) => {
            const first = stream.board === null;
            if (!stream.accept(frame, epoch)) return;
            if (s === slide) renderBoard(!first);
          },
        },
      ),
    );
  }

  // Celebrations: one full-screen overlay at a time, the rest wait their turn.
  const queue = new CelebrationQueue();
  const overlayLayer = h('div', { class: 'tv-overlay-layer' });
  let showing = false;
  let overlayStop: (() => void) | null = null;
  const showNext = () => {
    const next = queue.shift();
    if (!next) {
      showing = false;
      return;
    }
    showing = true;
    overlayStop = showCelebration(overlayLayer, next, () => {
      overlayStop = null;
      showNext();
    });
  };
  disposers.push(() => overlayStop?.());
  disposers.push(
    subscribe<{ celebrations: Celebration }>(CELEBRATIONS_SUBSCRIPTION, {}, {
      next: ({ celebrations: celebration }) => {
        if (queue.push(celebration) && !showing) showNext();
      },
    }),
  );

  const clockTimer = setInterval(renderClock, 1000);
  disposers.push(() => clearInterval(clockTimer));
  if (slides.length > 1) {
    const rotateTimer = setInterval(() => {
      tick += 1;
      slide = rotationSlide(tick, slides);
      renderHeader();
      renderBoard(false);
    }, ROTATE_MS);
    disposers.push(() => clearInterval(rotateTimer));
  }

  texts.on(() => {
    renderHeader();
    renderClock();
    renderBoard(false);
  });

  root.append(
    h(
      'section',
      { class: 'tv' },
      h(
        'header',
        { class: 'tv-head' },
        h('img', { class: 'tv-mark', src: '/icons/icon.svg', alt: '' }),
        title,
        h('div', { class: 'tv-head-right' }, h('div', { class: 'tv-time' }, clock, date), status.el),
      ),
      board,
      h('footer', { class: 'tv-foot' }, pills),
      overlayLayer,
    ),
  );
  renderHeader();
  renderClock();
  renderBoard(false);

  return () => disposers.forEach((d) => d());
};
