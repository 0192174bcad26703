// /contests: running, upcoming and past contests as cards; /contests/<id>: one contest's
// live standings (snapshot first, then the whole contest again on every change), its
// prizes and who is on track for them, the winners on a podium once it has ended.
import '@/features/contests/contests.css';
import { navigate } from '@/app/router';
import type { Screen } from '@/app/screen';
import {
  CANCEL_CONTEST_MUTATION,
  CONTEST_SUBSCRIPTION,
  CONTESTS_QUERY,
  type Contest,
  type ContestResult,
} from '@/features/contests/documents';
import { ContestStream, dateRange, groupContests, leader, myKey, tiedRanks, timeLeftText } from '@/features/contests/logic';
import { HeadToHeadView, podium, prizeList, StandingsView } from '@/features/contests/view';
import { request, subscribe } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatNumber, getLocale, t, type MessageKey } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

const TICK_MS = 30_000;

export function metricModeText(contest: Pick<Contest, 'metric' | 'mode'>): string {
  return `${t(`contests.metric.${contest.metric}` as MessageKey)} · ${t(`contests.mode.${contest.mode}` as MessageKey)}`;
}

export function statusChip(contest: Pick<Contest, 'status'>): HTMLElement {
  return h('span', { class: `contest-status is-${contest.status.toLowerCase()}`, 'data-testid': 'contest-status', 'data-status': contest.status },
    t(`contests.status.${contest.status}` as MessageKey));
}

/** "You: #2", "North team: #1 (tied)", or that I am not in it. */
export function myStanding(contest: Contest, me: Me): string {
  const key = myKey(contest, me.user.id, me.user.team?.id ?? null);
  const mine = key ? contest.standings.find((e) => e.key === key) : undefined;
  if (!mine) return t('contests.notIn');
  const tied = tiedRanks(contest.standings).has(mine.rank);
  const rank = formatNumber(mine.rank);
  if (contest.mode === 'INDIVIDUAL') return t(tied ? 'contests.myRankTied' : 'contests.myRank', { rank });
  return t(tied ? 'contests.myTeamRankTied' : 'contests.myTeamRank', { team: mine.name, rank });
}

export function leaderText(contest: Contest): string {
  if (contest.status === 'ENDED') {
    const first = contest.winners.find((w) => w.rank === 1) ?? leader(contest);
    return first ? t('contests.winner', { name: first.name }) : t('contests.leaderNone');
  }
  const first = leader(contest);
  return first ? t('contests.leader', { name: first.name }) : t('contests.leaderNone');
}

export function contestCard(contest: Contest, me: Me): HTMLElement {
  const first = contest.status === 'ENDED' ? contest.winners.find((w) => w.rank === 1) ?? leader(contest) : leader(contest);
  return h('a', { class: `card contest-card is-${contest.status.toLowerCase()}`, href: `/contests/${encodeURIComponent(contest.id)}`, 'data-testid': 'contest-card', 'data-contest-id': contest.id, 'data-status': contest.status },
    h('div', { class: 'contest-card-head' },
      h('h3', { class: 'contest-card-name' }, contest.name),
      statusChip(contest)),
    h('p', { class: 'contest-card-meta' }, metricModeText(contest), ' · ', dateRange(contest, getLocale())),
    h('p', { class: 'contest-card-time', 'data-testid': 'contest-time-left' }, icon('calendar'), timeLeftText(contest, Date.now(), getLocale())),
    h('div', { class: 'contest-card-foot' },
      h('span', { class: 'contest-card-mine', 'data-testid': 'contest-my-rank' }, myStanding(contest, me)),
      h('span', { class: 'contest-card-leader', 'data-testid': 'contest-leader' }, first ? [icon('board', 'icon trophy'), first.name] : t('contests.leaderNone'))));
}

export const contestsScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  let contests: Contest[] | null = null;
  const lists = h('div', { class: 'contest-groups' });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'contests-error' });

  const render = () => {
    if (!contests) {
      replace(lists, h('div', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' }), h('div', { class: 'skeleton-row' })));
      return;
    }
    const groups = groupContests(contests);
    const group = (status: Contest['status'], title: MessageKey, none: MessageKey) =>
      h('section', { class: 'contest-group', 'data-testid': `contests-${status.toLowerCase()}` },
        h('h2', { class: 'section-title' }, t(title)),
        groups[status].length
          ? h('div', { class: 'contest-grid' }, groups[status].map((c) => contestCard(c, me)))
          : h('p', { class: 'empty' }, t(none)));
    replace(lists,
      group('RUNNING', 'contests.running', 'contests.noneRunning'),
      group('UPCOMING', 'contests.upcoming', 'contests.noneUpcoming'),
      group('ENDED', 'contests.past', 'contests.nonePast'));
  };

  let alive = true;
  disposers.push(() => {
    alive = false;
  });
  const load = async () => {
    try {
      const data = await request<{ contests: Contest[] }>(CONTESTS_QUERY);
      if (!alive) return;
      contests = data.contests;
      error.hidden = true;
      render();
    } catch (failure) {
      if (!alive) return;
      error.hidden = false;
      error.textContent = failureMessage(failure);
    }
  };
  // Time left moves on its own; statuses change when a contest starts or ends.
  const timer = setInterval(() => void load(), TICK_MS * 2);
  disposers.push(() => clearInterval(timer));
  texts.on(render);

  root.append(
    h('section', { class: 'page contests-page', 'data-testid': 'contests-page' },
      h('header', { class: 'page-head contest-head' },
        h('div', null, tx(texts, 'h1', 'contests.title', { class: 'page-title' }), tx(texts, 'p', 'contests.sub', { class: 'page-sub' })),
        me.user.role !== 'REP'
          ? h('a', { class: 'btn btn-primary btn-small', href: '/contests/new', 'data-testid': 'new-contest' }, icon('plus'), tx(texts, 'span', 'contests.new'))
          : null),
      error,
      lists),
  );
  render();
  void load();
  return () => disposers.forEach((d) => d());
};

export const contestScreen: Screen = (root, { location, me: maybeMe }) => {
  const me = maybeMe as Me;
  const id = decodeURIComponent(location.path.split('/')[2] ?? '');
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  const stream = new ContestStream();
  let contest: Contest | null = null;
  let missing = false;
  let view: StandingsView | null = null;
  let h2h: HeadToHeadView | null = null;
  let mine: string | null = null;

  const head = h('header', { class: 'contest-hero' });
  const timeLeft = h('p', { class: 'contest-time', 'data-testid': 'contest-time-left' });
  const mineLine = h('p', { class: 'contest-mine', 'data-testid': 'contest-my-rank' });
  const duel = h('div', { class: 'contest-duel' });
  const finals = h('section', { class: 'card contest-finals', hidden: true });
  const board = h('div', { class: 'contest-board', 'aria-live': 'polite' });
  const standingsTitle = h('h2', { class: 'card-title' }, t('contests.standings'));
  const prizes = h('div', { class: 'contest-prizes-slot' });
  const notice = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'contest-error' });
  const cancelButton = h('button', { type: 'button', class: 'btn btn-ghost btn-small contest-cancel', 'data-testid': 'cancel-contest', hidden: true });

  const renderTime = () => {
    if (!contest) return;
    timeLeft.replaceChildren(icon('calendar'), timeLeftText(contest, Date.now(), getLocale()));
  };

  const renderHead = () => {
    if (!contest) return;
    replace(head,
      h('div', { class: 'contest-hero-top' },
        h('h1', { class: 'page-title', 'data-testid': 'contest-name' }, contest.name),
        statusChip(contest)),
      h('p', { class: 'page-sub' }, metricModeText(contest), ' · ', dateRange(contest, getLocale())),
      contest.description ? h('p', { class: 'contest-desc' }, contest.description) : null,
      h('div', { class: 'contest-facts' },
        timeLeft,
        mineLine,
        h('p', { class: 'contest-fact' }, t(contest.participants === 1 ? 'contests.participants.one' : 'contests.participants.other', { count: formatNumber(contest.participants) })),
        h('p', { class: 'contest-fact' }, t('contests.by', { name: contest.createdBy }))));
    renderTime();
    mineLine.textContent = myStanding(contest, me);
    cancelButton.hidden = me.user.role === 'REP' || contest.status === 'ENDED';
    cancelButton.textContent = t('contests.cancel');
  };

  const render = (animate: boolean) => {
    if (missing) {
      replace(board, h('p', { class: 'empty', 'data-testid': 'contest-missing' }, t('contests.notFound')));
      head.replaceChildren(tx(texts, 'h1', 'contests.title', { class: 'page-title' }));
      cancelButton.hidden = true;
      prizes.replaceChildren();
      duel.replaceChildren();
      finals.hidden = true;
      return;
    }
    if (!contest) return;
    renderHead();
    standingsTitle.textContent = t(contest.status === 'ENDED' ? 'contests.final' : 'contests.standings');
    board.classList.remove('is-loading');
    if (contest.mode === 'HEAD_TO_HEAD' && contest.standings.length > 0) {
      h2h ??= new HeadToHeadView('list', mine);
      if (!duel.contains(h2h.el)) duel.replaceChildren(h2h.el);
      h2h.update(contest);
    } else duel.replaceChildren();
    finals.hidden = contest.status !== 'ENDED';
    if (contest.status === 'ENDED') replace(finals, h('h2', { class: 'card-title' }, t('contests.winners')), podium(contest, 'list'));
    if (contest.standings.length === 0) {
      view = null;
      replace(board, h('p', { class: 'empty' }, t('contests.emptyStandings')));
    } else {
      if (!view) {
        view = new StandingsView('list', mine);
        board.replaceChildren(view.el);
        animate = false;
      }
      view.update(contest, animate);
    }
    replace(prizes, prizeList(contest, mine));
  };

  board.classList.add('is-loading');
  board.replaceChildren(h('div', { class: 'skeleton-list' }, Array.from({ length: 5 }, () => h('div', { class: 'skeleton-row' }))));
  disposers.push(
    subscribe<{ contestStandingsChanged: Contest | null }>(CONTEST_SUBSCRIPTION, { id }, {
      next: ({ contestStandingsChanged: frame }, epoch) => {
        if (!frame) {
          missing = true;
          render(false);
          return;
        }
        if (!stream.accept(frame, epoch)) return;
        missing = false;
        contest = frame;
        mine = myKey(frame, me.user.id, me.user.team?.id ?? null);
        render(true);
      },
      error: (failure) => {
        notice.hidden = false;
        notice.textContent = failureMessage(failure);
      },
    }),
  );
  const timer = setInterval(renderTime, TICK_MS);
  disposers.push(() => clearInterval(timer));

  cancelButton.addEventListener('click', async () => {
    if (!contest || !window.confirm(t('contests.cancelConfirm', { name: contest.name }))) return;
    cancelButton.disabled = true;
    try {
      const { cancelContest } = await request<{ cancelContest: ContestResult }>(CANCEL_CONTEST_MUTATION, { id: contest.id });
      if (cancelContest.__typename === 'OperationError') {
        notice.hidden = false;
        notice.textContent = cancelContest.errors.map(fieldErrorMessage).join(' ');
        return;
      }
      navigate('/contests');
    } catch (failure) {
      notice.hidden = false;
      notice.textContent = failureMessage(failure);
    } finally {
      cancelButton.disabled = false;
    }
  });

  texts.on(() => {
    render(false);
    view?.refresh();
  });

  root.append(
    h('section', { class: 'page contest-page', 'data-testid': 'contest-page' },
      h('nav', { class: 'contest-nav' },
        h('a', { class: 'card-link contest-back', href: '/contests', 'data-testid': 'contests-back' }, icon('chevron', 'icon flip'), tx(texts, 'span', 'contests.back')),
        cancelButton),
      head,
      notice,
      finals,
      duel,
      h('div', { class: 'contest-layout' },
        h('section', { class: 'card contest-standings-card' },
          standingsTitle,
          board),
        h('section', { class: 'card contest-prizes-card' }, tx(texts, 'h2', 'contests.prizes', { class: 'card-title' }), prizes))),
  );
  return () => disposers.forEach((d) => d());
};
