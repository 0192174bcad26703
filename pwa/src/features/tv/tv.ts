import type { Screen } from '@/app/screen';
import { parseMetric, parsePeriod } from '@/features/board/board';
import { BoardStream } from '@/features/board/logic';
import { BoardView } from '@/features/board/view';
import { CelebrationQueue } from '@/features/celebrations/logic';
import { showContestSlide, watchRunningContests, type TvContest } from '@/features/contests/tv-slide';
import {
  MY_DISPLAY_QUERY,
  TV_BOARD_SUBSCRIPTION,
  TV_CELEBRATIONS_SUBSCRIPTION,
  TV_KPIS_SUBSCRIPTION,
  TV_RECENT_CELEBRATIONS_QUERY,
  type Display,
  type TvKpis,
} from '@/features/tv/documents';
import { kpiKey, kpiSlides, personKpiSlides, type TvKpiSlide } from '@/features/tv/kpi-logic';
import { renderKpiSlide } from '@/features/tv/kpi-slide';
import { displaySlides, missedCelebrations, slideKey, type TvSlide } from '@/features/tv/logic';
import { showCelebration } from '@/features/tv/overlay';
import { pairingView } from '@/features/tv/pairing';
import '@/features/tv/tv.css';
import {
  backoffDelay,
  GraphQLRequestError,
  onConnectionState,
  request,
  resetSubscriptions,
  subscribe,
} from '@/graphql/client';
import type { BoardMetric, Celebration, Leaderboard, Period } from '@/graphql/types';
import { formatTime, setUiLocale, t, toUiLocale, type MessageKey } from '@/i18n';
import { connectionStatus } from '@/ui/connection';
import { h, replace, Texts } from '@/ui/dom';

const ROWS = 10;
const ROTATE_MS = 30_000;
/** A paired display asks this often whether it is still paired (a revocation also closes its socket at once). */
const RECHECK_MS = 60_000;
/** Celebrations missed while the TV was away, shown after a reconnect. */
const CATCH_UP = 3;

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

/** The boards a signed-in TV cycles through: all of them, or the one pinned by `?period=` and/or `?metric=`. */
export function playlist(period: Period | null, metric: BoardMetric | null): readonly Slide[] {
  if (!period && !metric) return ROTATION;
  return [{ period: period ?? 'MONTH', metric: metric ?? 'POINTS' }];
}

/** Which board the TV shows `tick` rotations after it started. */
export function rotationSlide<S>(tick: number, slides: readonly S[]): S {
  return slides[((tick % slides.length) + slides.length) % slides.length]!;
}

function orgSlide(slide: Slide): TvSlide {
  return { ...slide, scope: 'ORG', teamId: null, teamName: null };
}

function kpiLabel(slide: TvKpiSlide): string {
  return slide.teamName ? `${slide.teamName} · ${t('tv.kpi.title')}` : t('tv.kpi.title');
}

function slideLabel(slide: TvSlide): string {
  const period = t(`period.${slide.period}` as MessageKey);
  const label = slide.metric === 'REVENUE' ? t('tv.revenue', { period }) : period;
  return slide.teamName ? `${slide.teamName} · ${label}` : label;
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

interface PlaylistOptions {
  title: string;
  slides: readonly TvSlide[];
  /** KPI slides, after the boards (each scope's tiles, live). */
  kpis: readonly TvKpiSlide[];
  rotateMs: number;
  /** A subscription failed for good (a revoked display): the caller decides what comes next. */
  onTrouble?: () => void;
}

/** The rotating boards and the celebration overlay, until the returned stopper is called. */
function runPlaylist(root: HTMLElement, options: PlaylistOptions): () => void {
  const { slides, kpis } = options;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  let stopped = false;
  let tick = 0;
  let slide = rotationSlide(tick, slides);
  // KPI slides, then running contests, rotate after the boards; while one of those (the feature) is on screen the board area is its.
  let contests: TvContest[] = [];
  let feature: { item: TvContest | TvKpiSlide; stop: () => void; refresh: () => void } | null = null;
  const kpiFrames = new Map<string, TvKpis>();

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
    const shown = feature?.item;
    const label = !shown ? slideLabel(slide) : shown.kind === 'kpi' ? kpiLabel(shown) : shown.name;
    title.replaceChildren(h('span', { class: 'tv-org' }, options.title), h('span', { class: 'tv-period' }, label));
    replace(
      pills,
      slides.map((s) => h('span', { class: `tv-pill ${s === slide && !shown ? 'is-active' : ''}` }, slideLabel(s))),
      kpis.map((k) => h('span', { class: `tv-pill is-kpi ${k === shown ? 'is-active' : ''}` }, kpiLabel(k))),
      contests.map((c) => h('span', { class: `tv-pill is-contest ${shown?.kind === 'contest' && c.id === shown.id ? 'is-active' : ''}` }, c.name)),
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
    if (feature) return;
    const current = streams.get(slideKey(slide))?.board;
    board.dataset.period = slide.period;
    board.dataset.metric = slide.metric;
    board.dataset.scope = slide.scope;
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
        TV_BOARD_SUBSCRIPTION,
        { period: s.period, scope: s.scope, teamId: s.teamId, metric: s.metric },
        {
          next: ({ leaderboardChanged: frame }, epoch) => {
            const first = stream.board === null;
            if (!stream.accept(frame, epoch)) return;
            if (s === slide) renderBoard(!first);
          },
          error: () => options.onTrouble?.(),
        },
      ),
    );
  }

  for (const k of kpis) {
    disposers.push(
      subscribe<{ tvKpisChanged: TvKpis }>(TV_KPIS_SUBSCRIPTION, { teamId: k.teamId }, {
        next: ({ tvKpisChanged: frame }) => {
          kpiFrames.set(kpiKey(k), frame);
          if (feature?.item === k) feature.refresh();
        },
        error: () => options.onTrouble?.(),
      }),
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
  const offer = (celebration: Celebration) => {
    if (queue.push(celebration) && !showing) showNext();
  };
  disposers.push(() => overlayStop?.());
  disposers.push(
    subscribe<{ celebrations: Celebration }>(TV_CELEBRATIONS_SUBSCRIPTION, {}, {
      next: ({ celebrations: celebration }) => offer(celebration),
      error: () => options.onTrouble?.(),
    }),
  );

  // Back after an outage: boards re-send their snapshot by themselves; celebrations are a
  // stream, so the ones missed meanwhile are read back (at most a few, never twice).
  let wasOpen = false;
  let catchUps = 0;
  disposers.push(
    onConnectionState((state) => {
      if (state !== 'open') return;
      if (!wasOpen) {
        wasOpen = true;
        return;
      }
      const mine = ++catchUps;
      request<{ recentCelebrations: Celebration[] }>(TV_RECENT_CELEBRATIONS_QUERY, { first: 10 })
        .then(({ recentCelebrations }) => {
          if (mine !== catchUps || stopped) return;
          for (const c of missedCelebrations(recentCelebrations, (id) => queue.has(id), CATCH_UP)) offer(c);
        })
        .catch(() => {
          // Still unreachable over HTTP: the next reconnect tries again.
        });
    }),
  );

  const clockTimer = setInterval(renderClock, 1000);
  disposers.push(() => clearInterval(clockTimer));
  const rotateTimer = setInterval(() => {
    const items: ReadonlyArray<TvSlide | TvKpiSlide | TvContest> = [...slides, ...kpis, ...contests];
    if (items.length <= 1 && !feature) return;
    tick += 1;
    const next = rotationSlide(tick, items);
    feature?.stop();
    feature = null;
    if ('kind' in next) {
      if (next.kind === 'kpi') {
        const draw = () => renderKpiSlide(board, kpiFrames.get(kpiKey(next)) ?? null, next.teamId);
        feature = { item: next, stop: () => {}, refresh: draw };
        draw();
        delete board.dataset.contestId;
        board.dataset.kpi = kpiKey(next);
      } else {
        feature = { item: next, ...showContestSlide(board, next.id) };
        board.dataset.contestId = next.id;
        delete board.dataset.kpi;
      }
      board.classList.remove('tv-swap');
      void board.offsetWidth;
      board.classList.add('tv-swap');
    } else {
      slide = next;
      delete board.dataset.contestId;
      delete board.dataset.kpi;
    }
    renderHeader();
    renderBoard(false);
  }, options.rotateMs);
  disposers.push(() => clearInterval(rotateTimer));
  disposers.push(
    watchRunningContests((running) => {
      contests = running;
      renderHeader();
    }),
  );
  disposers.push(() => feature?.stop());

  texts.on(() => {
    renderHeader();
    renderClock();
    feature?.refresh();
    renderBoard(false);
  });

  const section = h(
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
  );
  root.replaceChildren(section);
  renderHeader();
  renderClock();
  renderBoard(false);

  return () => {
    stopped = true;
    disposers.forEach((d) => d());
    section.remove();
  };
}

/**
 * /tv: a signed-in person's browser shows the org's boards (as it always has); a paired
 * display shows the playlist it was given; any other browser shows a pairing code.
 * Nobody ever touches it: every failure is retried, a revocation falls back to a new code.
 */
export const tvScreen: Screen = (root, { location, me }) => {
  const disposers: Array<() => void> = [];
  document.body.classList.add('tv-mode');
  disposers.push(() => document.body.classList.remove('tv-mode'));
  disposers.push(keepAwake());
  const stage = h('div', { class: 'tv-stage' });
  root.append(stage);

  if (me) {
    const pinnedPeriod = location.params.get('period');
    const pinnedMetric = location.params.get('metric');
    const slides = playlist(
      pinnedPeriod ? parsePeriod(pinnedPeriod, 'MONTH') : null,
      pinnedMetric ? parseMetric(pinnedMetric, 'POINTS') : null,
    ).map(orgSlide);
    // The org's KPI tiles and the person's own team's: public to everyone in the org, as on the office TV.
    const kpis = personKpiSlides(slides, me.user.team);
    disposers.push(runPlaylist(stage, { title: me.org.name, slides, kpis, rotateMs: ROTATE_MS }));
    return () => disposers.forEach((d) => d());
  }

  let stopMode: (() => void) | null = null;
  let shown: string | null = null; // the configuration on screen, to notice changes
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let checking = false;
  let stopped = false;

  const setMode = (next: (() => void) | null) => {
    stopMode?.();
    stopMode = next;
  };

  const showPairing = () => {
    shown = null;
    resetSubscriptions(); // the old socket carried a revoked token
    setMode(
      pairingView(stage, () => {
        // The claim set the display cookie: a new socket carries it.
        resetSubscriptions();
        void check();
      }),
    );
  };

  const showDisplay = (display: Display) => {
    const config = JSON.stringify([display.name, display.rotateSeconds, display.locale, display.boards]);
    if (config === shown) return;
    shown = config;
    setUiLocale(toUiLocale(display.locale));
    const slides = displaySlides(display.boards);
    setMode(
      runPlaylist(stage, {
        title: display.name,
        slides,
        kpis: kpiSlides(slides),
        rotateMs: display.rotateSeconds * 1000,
        onTrouble: () => void check(),
      }),
    );
  };

  /** Asks who this TV is; the answer picks the mode. Unreachable: keep what is shown and ask again. */
  async function check(): Promise<void> {
    if (checking || stopped) return;
    checking = true;
    clearTimeout(timer);
    try {
      const { myDisplay } = await request<{ myDisplay: Display | null }>(MY_DISPLAY_QUERY);
      if (stopped) return;
      failures = 0;
      if (myDisplay) showDisplay(myDisplay);
      else if (shown !== null || stopMode === null) showPairing();
      timer = setTimeout(() => void check(), RECHECK_MS);
    } catch (error) {
      if (stopped) return;
      if (error instanceof GraphQLRequestError && !error.unauthenticated) {
        timer = setTimeout(() => void check(), RECHECK_MS);
      } else {
        if (stopMode === null) stage.replaceChildren(h('div', { class: 'splash', 'aria-busy': 'true' }, h('span', { class: 'spinner' }), t('app.loading')));
        timer = setTimeout(() => void check(), backoffDelay(failures++));
      }
    } finally {
      checking = false;
    }
  }

  void check();
  return () => {
    stopped = true;
    clearTimeout(timer);
    setMode(null);
    disposers.forEach((d) => d());
  };
};
