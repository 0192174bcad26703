// The office TV's contest slide: a running contest's standings, readable from five metres
// (top 10, huge numbers; head to head as two huge halves), live through the same
// subscription as the phones. Nobody touches it, so nothing here is interactive.
import '@/features/contests/contests.css';
import { metricModeText } from '@/features/contests/contests';
import { CONTEST_SUBSCRIPTION, CONTESTS_QUERY, type Contest } from '@/features/contests/documents';
import { ContestStream, groupContests, timeLeftText } from '@/features/contests/logic';
import { HeadToHeadView, podium, StandingsView } from '@/features/contests/view';
import { request, subscribe } from '@/graphql/client';
import { formatNumber, getLocale, t } from '@/i18n';
import { h, replace } from '@/ui/dom';
import { icon } from '@/ui/icons';

const ROWS = 10;
/** Contests start and end rarely: the list of running ones is read again this often. */
const REFRESH_MS = 5 * 60_000;
const TICK_MS = 30_000;

export interface TvContest {
  kind: 'contest';
  id: string;
  name: string;
}

/** Calls `onChange` with the running contests now and whenever the list changes; a failure keeps the last list. */
export function watchRunningContests(onChange: (contests: TvContest[]) => void): () => void {
  let stopped = false;
  let shown = '';
  const load = () =>
    request<{ contests: Contest[] }>(CONTESTS_QUERY, { status: 'RUNNING' })
      .then(({ contests }) => {
        if (stopped) return;
        const list = groupContests(contests).RUNNING.map((c): TvContest => ({ kind: 'contest', id: c.id, name: c.name }));
        const key = JSON.stringify(list);
        if (key === shown) return;
        shown = key;
        onChange(list);
      })
      .catch(() => {
        // A display that may not read contests, or the server away: boards only, for now.
      });
  void load();
  const timer = setInterval(() => void load(), REFRESH_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** Shows contest `id` full-size in `root`, live, until the returned stopper is called. */
export function showContestSlide(root: HTMLElement, id: string): { stop: () => void; refresh: () => void } {
  const stream = new ContestStream();
  const meta = h('p', { class: 'tv-contest-meta' });
  const body = h('div', { class: 'tv-contest-body' });
  const el = h('div', { class: 'tv-contest', 'data-testid': 'tv-contest', 'data-contest-id': id }, meta, body);
  let standings: StandingsView | null = null;
  let duel: HeadToHeadView | null = null;

  const renderMeta = () => {
    const contest = stream.contest;
    if (!contest) return;
    const prizes = [...contest.prizes].sort((a, b) => a.rank - b.rank).slice(0, 3)
      .map((p) => h('span', { class: 'tv-contest-prize' }, icon('board', 'icon trophy'), p.title, p.points > 0 ? ` ${t('contests.prizePoints', { points: formatNumber(p.points) })}` : ''));
    replace(meta,
      h('span', null, metricModeText(contest)),
      h('span', { class: 'tv-contest-left' }, timeLeftText(contest, Date.now(), getLocale())),
      // Individual and team rows name their prize already; a duel has no rows to put it on.
      prizes.length && contest.mode === 'HEAD_TO_HEAD' ? h('span', { class: 'tv-contest-prizes' }, prizes) : null);
  };

  const render = (animate: boolean) => {
    const contest = stream.contest;
    renderMeta();
    if (!contest || contest.standings.length === 0) {
      standings = duel = null;
      replace(body, h('p', { class: 'tv-waiting' }, t('contests.tvWaiting')));
      return;
    }
    el.dataset.mode = contest.mode;
    if (contest.status === 'ENDED') {
      standings = duel = null;
      replace(body, podium(contest, 'tv'));
    } else if (contest.mode === 'HEAD_TO_HEAD') {
      standings = null;
      duel ??= new HeadToHeadView('tv', null);
      if (!body.contains(duel.el)) body.replaceChildren(duel.el);
      duel.update(contest);
    } else {
      duel = null;
      if (!standings) {
        standings = new StandingsView('tv', null, ROWS);
        animate = false;
      }
      if (!body.contains(standings.el)) body.replaceChildren(standings.el);
      standings.update(contest, animate);
    }
  };

  const stop = subscribe<{ contestStandingsChanged: Contest | null }>(CONTEST_SUBSCRIPTION, { id }, {
    next: ({ contestStandingsChanged: frame }, epoch) => {
      if (!frame) return; // cancelled: the next look at the list drops it
      if (stream.accept(frame, epoch)) render(true);
    },
  });
  const timer = setInterval(renderMeta, TICK_MS);
  root.replaceChildren(el);
  render(false);
  return {
    stop: () => {
      stop();
      clearInterval(timer);
      el.remove();
    },
    refresh: () => render(false),
  };
}
