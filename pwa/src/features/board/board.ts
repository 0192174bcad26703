import '@/features/board/board.css';
import { replaceParams } from '@/app/router';
import type { Screen } from '@/app/screen';
import { BoardStream } from '@/features/board/logic';
import { BoardView } from '@/features/board/view';
import { subscribe } from '@/graphql/client';
import { LEADERBOARD_SUBSCRIPTION } from '@/graphql/documents';
import { BOARD_METRICS, PERIODS, SCOPES, type BoardMetric, type BoardScope, type Leaderboard, type Period } from '@/graphql/types';
import { formatTime, t, type MessageKey } from '@/i18n';
import { h, Texts, tx } from '@/ui/dom';

const SCOPE_LABEL: Record<BoardScope, MessageKey> = { TEAM: 'board.scopeTeam', ORG: 'board.scopeOrg' };
const METRIC_LABEL: Record<BoardMetric, MessageKey> = { POINTS: 'board.metricPoints', REVENUE: 'board.metricRevenue' };

export function parsePeriod(value: string | null, fallback: Period): Period {
  const upper = value?.toUpperCase();
  return (PERIODS as readonly string[]).includes(upper ?? '') ? (upper as Period) : fallback;
}

export function parseScope(value: string | null, fallback: BoardScope): BoardScope {
  const upper = value?.toUpperCase();
  return (SCOPES as readonly string[]).includes(upper ?? '') ? (upper as BoardScope) : fallback;
}

export function parseMetric(value: string | null, fallback: BoardMetric): BoardMetric {
  const upper = value?.toUpperCase();
  return (BOARD_METRICS as readonly string[]).includes(upper ?? '') ? (upper as BoardMetric) : fallback;
}

/** "1 Nov – 30 Nov" in the org's zone; the end is exclusive, so step back a moment. */
export function formatRange(board: Pick<Leaderboard, 'period' | 'startsAt' | 'endsAt'>): string {
  const end = new Date(new Date(board.endsAt).getTime() - 1);
  const day: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric' };
  if (board.period === 'TODAY') return formatTime(board.startsAt, { weekday: 'long', ...day });
  return t('board.range', { start: formatTime(board.startsAt, day), end: formatTime(end, day) });
}

/** A row of buttons acting as tabs; `select` is called with the chosen value. */
function segmented<T extends string>(
  texts: Texts,
  label: MessageKey,
  options: ReadonlyArray<{ value: T; label: MessageKey; disabled?: boolean }>,
  current: T,
  select: (value: T) => void,
  testId: string,
): { el: HTMLElement; set: (value: T) => void } {
  const buttons = options.map((option) =>
    tx(texts, 'button', option.label, {
      type: 'button',
      role: 'tab',
      class: 'seg-option',
      disabled: option.disabled,
      'data-value': option.value,
      'data-testid': `${testId}-${option.value.toLowerCase()}`,
      onclick: () => select(option.value),
    }),
  );
  const el = h('div', { class: 'segmented', role: 'tablist' }, buttons);
  texts.attr(el, 'aria-label', label);
  const set = (value: T) =>
    buttons.forEach((b) => b.setAttribute('aria-selected', String(b.dataset.value === value)));
  set(current);
  return { el, set };
}

export const boardScreen: Screen = (root, { location, me }) => {
  const texts = new Texts();
  const hasTeam = Boolean(me?.user.team);
  let period = parsePeriod(location.params.get('period'), 'WEEK');
  let scope = hasTeam ? parseScope(location.params.get('scope'), 'TEAM') : 'ORG';
  let metric = parseMetric(location.params.get('metric'), 'POINTS');

  const range = h('p', { class: 'page-sub' });
  const body = h('div', { class: 'card board-card', 'aria-live': 'polite' });
  let view: BoardView | null = null;
  let stream = new BoardStream();
  let stop: (() => void) | null = null;

  const renderRange = () => {
    const board = stream.board;
    range.textContent = board
      ? [board.scope === 'TEAM' ? board.team?.name : me?.org.name, formatRange(board)].filter(Boolean).join(' · ')
      : '';
  };

  const renderBoard = (board: Leaderboard, animate: boolean) => {
    renderRange();
    if (board.entries.length === 0) {
      view = null;
      body.replaceChildren(tx(texts, 'p', board.metric === 'REVENUE' ? 'board.emptyRevenue' : 'board.empty', { class: 'empty' }));
      return;
    }
    if (!view) {
      view = new BoardView('list', me?.user.id ?? null, Infinity, board.scope === 'ORG');
      body.replaceChildren(view.el);
      animate = false;
    }
    view.update(board, animate);
  };

  const start = () => {
    stop?.();
    stream = new BoardStream();
    view = null;
    body.classList.add('is-loading');
    body.replaceChildren(h('div', { class: 'skeleton-list' }, Array.from({ length: 6 }, () => h('div', { class: 'skeleton-row' }))));
    renderRange();
    stop = subscribe<{ leaderboardChanged: Leaderboard }>(
      LEADERBOARD_SUBSCRIPTION,
      { period, scope, metric },
      {
        next: ({ leaderboardChanged: board }, epoch) => {
          if (!stream.accept(board, epoch)) return;
          body.classList.remove('is-loading');
          renderBoard(board, true);
        },
      },
    );
    const params = new URLSearchParams(window.location.search);
    params.set('period', period.toLowerCase());
    params.set('scope', scope.toLowerCase());
    if (metric === 'POINTS') params.delete('metric');
    else params.set('metric', metric.toLowerCase());
    replaceParams(params);
  };

  const periodTabs = segmented(
    texts,
    'board.period',
    PERIODS.map((p) => ({ value: p, label: `period.${p}` as MessageKey })),
    period,
    (value) => {
      if (value === period) return;
      period = value;
      periodTabs.set(value);
      start();
    },
    'board-period',
  );
  const metricTabs = segmented(
    texts,
    'board.metric',
    BOARD_METRICS.map((m) => ({ value: m, label: METRIC_LABEL[m] })),
    metric,
    (value) => {
      if (value === metric) return;
      metric = value;
      metricTabs.set(value);
      start();
    },
    'board-metric',
  );
  const scopeTabs = segmented(
    texts,
    'board.scope',
    SCOPES.map((s) => ({ value: s, label: SCOPE_LABEL[s], disabled: s === 'TEAM' && !hasTeam })),
    scope,
    (value) => {
      if (value === scope) return;
      scope = value;
      scopeTabs.set(value);
      start();
    },
    'board-scope',
  );

  texts.on(() => {
    renderRange();
    view?.refresh();
  });

  root.append(
    h(
      'section',
      { class: 'page board-page' },
      h('header', { class: 'page-head' }, tx(texts, 'h1', 'board.title', { class: 'page-title' }), range),
      h('div', { class: 'board-controls' }, periodTabs.el, metricTabs.el, scopeTabs.el),
      body,
    ),
  );
  start();

  return () => {
    stop?.();
    texts.dispose();
  };
};
