// How contest standings look, on a phone and on the office TV: the leaderboard's rows
// (same look, same gliding rank changes), the head-to-head bar, prizes and the podium.
import '@/features/contests/contests.css';
import { flipOffsets } from '@/features/board/logic';
import type { Contest, ContestEntry } from '@/features/contests/documents';
import { formatValue, headToHeadShare, prizesOf, prizeTracks, rankLabel, scored, tiedRanks, type PrizeTrack } from '@/features/contests/logic';
import { formatNumber, getLocale, t } from '@/i18n';
import { h, prefersReducedMotion } from '@/ui/dom';
import { icon } from '@/ui/icons';

export type ContestVariant = 'list' | 'tv';

const FLASH_MS = 1600;
const NARROW = '(max-width: 480px)';

export function entryAvatar(entry: Pick<ContestEntry, 'initials' | 'color'>, size: number): HTMLElement {
  const el = h('span', { class: 'avatar', 'aria-hidden': 'true' }, entry.initials);
  el.style.backgroundColor = entry.color;
  el.style.setProperty('--avatar-size', `${size}px`);
  return el;
}

export function membersText(count: number): string {
  return t(count === 1 ? 'contests.members.one' : 'contests.members.other', { count: formatNumber(count) });
}

export function valueParts(contest: Contest, entry: ContestEntry, compact: boolean): [string, string] {
  return formatValue(contest.metric, entry, contest.currency, getLocale(), compact);
}

/**
 * The ranked rows of a contest, keyed by entry key: a new frame moves the existing rows
 * (FLIP) instead of redrawing them, and values that changed flash, as on the boards.
 */
export class StandingsView {
  readonly el: HTMLOListElement;
  private readonly rows = new Map<string, { row: HTMLLIElement; entry: ContestEntry }>();
  private contest: Contest | null = null;
  private readonly compact: boolean;

  constructor(
    private readonly variant: ContestVariant,
    private readonly mine: string | null,
    private readonly limit = Infinity,
  ) {
    this.el = h('ol', { class: `lb lb-${variant} contest-lb`, 'data-testid': variant === 'tv' ? 'tv-contest-standings' : 'contest-standings' });
    this.compact = variant === 'list' && (globalThis.matchMedia?.(NARROW).matches ?? false);
  }

  update(contest: Contest, animate: boolean): void {
    const entries = contest.standings.slice(0, this.limit);
    const motion = animate && this.contest !== null && !prefersReducedMotion();
    const before = motion ? this.measure() : new Map<string, number>();
    const previous = new Map(this.rows);
    this.contest = contest;
    const tied = tiedRanks(contest.standings);
    const tracks = prizeTracks(contest);

    const keys = new Set(entries.map((e) => e.key));
    for (const [key, parts] of this.rows) {
      if (keys.has(key)) continue;
      parts.row.remove();
      this.rows.delete(key);
    }
    entries.forEach((entry, index) => {
      let parts = this.rows.get(entry.key);
      if (!parts) {
        parts = { row: h('li', { class: 'lb-row' }), entry };
        this.rows.set(entry.key, parts);
        if (motion) parts.row.classList.add('lb-enter');
      }
      parts.entry = entry;
      this.fill(parts.row, contest, entry, tied, tracks);
      if (this.el.children[index] !== parts.row) this.el.insertBefore(parts.row, this.el.children[index] ?? null);
    });

    if (motion) {
      const offsets = flipOffsets(before, this.measure());
      for (const [key, dy] of offsets) {
        const row = this.rows.get(key)?.row;
        if (!row) continue;
        row.style.transition = 'none';
        row.style.transform = `translateY(${dy}px)`;
      }
      void this.el.offsetHeight; // Commit the shifted positions before gliding back.
      for (const key of offsets.keys()) {
        const row = this.rows.get(key)?.row;
        if (!row) continue;
        row.style.transition = '';
        row.style.transform = '';
      }
      for (const entry of entries) {
        const old = previous.get(entry.key)?.entry;
        if (!old) continue;
        const row = this.rows.get(entry.key)!.row;
        if (old.value !== entry.value) this.pulse(row, 'lb-flash');
        if (entry.rank < old.rank) this.pulse(row, 'lb-climbed');
      }
    }
  }

  refresh(): void {
    if (this.contest) this.update(this.contest, false);
  }

  private measure(): Map<string, number> {
    const tops = new Map<string, number>();
    for (const [key, { row }] of this.rows) tops.set(key, row.getBoundingClientRect().top);
    return tops;
  }

  private pulse(row: HTMLElement, className: string): void {
    row.classList.remove(className);
    void row.offsetWidth;
    row.classList.add(className);
    setTimeout(() => row.classList.remove(className), FLASH_MS);
  }

  private fill(row: HTMLLIElement, contest: Contest, entry: ContestEntry, tied: Set<number>, tracks: PrizeTrack[]): void {
    const isMe = entry.key === this.mine;
    const tv = this.variant === 'tv';
    const [value, unit] = valueParts(contest, entry, this.compact);
    const hasScore = scored(entry);
    row.classList.toggle('is-me', isMe && !tv);
    for (const medal of [1, 2, 3]) row.classList.toggle(`lb-medal-${medal}`, hasScore && entry.rank === medal);
    row.dataset.testid = tv ? 'tv-contest-row' : 'contest-row';
    row.dataset.key = entry.key;
    row.dataset.rank = String(entry.rank);
    row.dataset.value = entry.value ?? '';
    if (isMe && !tv) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
    const prizes = contest.status === 'ENDED' || hasScore ? prizesOf(tracks, entry.key) : [];
    const members = contest.mode !== 'INDIVIDUAL' ? membersText(entry.members) : null;
    const sub = members || prizes.length
      ? [members, prizes.map((p) => h('span', { class: 'lb-prize' }, icon('board', 'icon trophy'), p.title))]
      : null;
    row.replaceChildren(
      h('span', { class: 'lb-rank' }, rankLabel(entry.rank, tied, getLocale()), h('span', { class: 'lb-climb', 'aria-hidden': 'true' }, '▲')),
      entryAvatar(entry, tv ? 84 : 40),
      h('span', { class: 'lb-who' },
        h('span', { class: 'lb-name' },
          h('span', { class: 'lb-name-text' }, entry.name),
          isMe && !tv ? h('span', { class: 'you-tag' }, t(contest.mode === 'INDIVIDUAL' ? 'contests.you' : 'contests.yourTeam')) : null),
        sub ? h('span', { class: 'lb-team contest-sub' }, sub) : null),
      h('span', { class: 'lb-points' },
        h('span', { class: 'lb-points-value', 'data-testid': 'contest-value' }, value),
        unit ? h('span', { class: 'lb-points-unit' }, unit) : null),
    );
  }
}

/** Two teams, one bar: each side's share of the combined score; the halves slide as it changes. */
export class HeadToHeadView {
  readonly el: HTMLElement;
  private readonly sides: Array<{ el: HTMLElement; name: HTMLElement; value: HTMLElement; unit: HTMLElement; members: HTMLElement; avatar: HTMLElement }>;
  private readonly barLeft: HTMLElement;
  private readonly barRight: HTMLElement;
  private readonly vs: HTMLElement;

  constructor(private readonly variant: ContestVariant, private readonly mine: string | null) {
    const side = (which: 'left' | 'right') => {
      const parts = {
        el: h('div', { class: `h2h-side is-${which}`, 'data-testid': 'h2h-side' }),
        name: h('span', { class: 'h2h-name' }),
        value: h('span', { class: 'h2h-value', 'data-testid': 'h2h-value' }),
        unit: h('span', { class: 'h2h-unit' }),
        members: h('span', { class: 'h2h-members' }),
        avatar: h('span'),
      };
      parts.el.append(parts.avatar, h('div', { class: 'h2h-text' }, parts.name, parts.members), h('div', { class: 'h2h-figure' }, parts.value, parts.unit));
      return parts;
    };
    this.sides = [side('left'), side('right')];
    this.barLeft = h('div', { class: 'h2h-bar-left' });
    this.barRight = h('div', { class: 'h2h-bar-right' });
    this.vs = h('span', { class: 'h2h-vs' });
    this.el = h('div', { class: `h2h h2h-${variant}`, 'data-testid': 'head-to-head' },
      h('div', { class: 'h2h-sides' }, this.sides[0]!.el, this.vs, this.sides[1]!.el),
      h('div', { class: 'h2h-bar', 'aria-hidden': 'true' }, this.barLeft, this.barRight));
  }

  update(contest: Contest): void {
    // Keep the two teams on their sides whoever leads: a TV whose halves swapped would confuse.
    const [a, b] = [...contest.standings].sort((x, y) => x.key.localeCompare(y.key));
    const share = headToHeadShare(a, b);
    this.vs.textContent = t('contests.vs');
    [a, b].forEach((entry, i) => {
      const side = this.sides[i]!;
      if (!entry) {
        side.el.hidden = true;
        return;
      }
      side.el.hidden = false;
      const [value, unit] = valueParts(contest, entry, true);
      side.el.dataset.key = entry.key;
      side.el.dataset.rank = String(entry.rank);
      side.el.classList.toggle('is-me', entry.key === this.mine && this.variant !== 'tv');
      side.el.classList.toggle('is-leading', entry.rank === 1 && scored(entry) && (a?.rank !== b?.rank));
      side.name.textContent = entry.name;
      side.members.textContent = membersText(entry.members);
      side.value.textContent = value;
      side.unit.textContent = unit;
      const avatar = entryAvatar(entry, this.variant === 'tv' ? 120 : 48);
      side.avatar.replaceWith(avatar);
      side.avatar = avatar;
      (i === 0 ? this.barLeft : this.barRight).style.backgroundColor = entry.color;
    });
    this.barLeft.style.flexGrow = String(share);
    this.barRight.style.flexGrow = String(1 - share);
    this.el.dataset.share = share.toFixed(3);
  }
}

/** Prizes and who is on track for each (or who won it). */
export function prizeList(contest: Contest, mine: string | null): HTMLElement {
  const tracks = prizeTracks(contest);
  if (tracks.length === 0) return h('p', { class: 'empty' }, t('contests.noPrizes'));
  const ended = contest.status === 'ENDED';
  const each = contest.mode !== 'INDIVIDUAL';
  return h('ul', { class: 'contest-prizes', 'data-testid': 'contest-prizes' },
    tracks.map(({ prize, entries }) => {
      const names = new Intl.ListFormat(getLocale(), { type: 'conjunction' }).format(entries.map((e) => e.name));
      const holds = entries.some((e) => e.key === mine);
      return h('li', { class: `contest-prize ${holds ? 'is-mine' : ''}`, 'data-testid': 'contest-prize', 'data-rank': prize.rank },
        h('span', { class: `prize-rank rank-${Math.min(prize.rank, 4)}` }, t('contests.prizeRank', { rank: formatNumber(prize.rank) })),
        h('span', { class: 'prize-main' },
          h('span', { class: 'prize-title' }, prize.title),
          h('span', { class: 'prize-track', 'data-testid': 'prize-track' },
            entries.length
              ? t(ended ? 'contests.won' : 'contests.onTrack', { names })
              : ended ? t('contests.noWinners') : t('contests.onTrackNone'))),
        prize.points > 0
          ? h('span', { class: 'prize-points' }, t(each ? 'contests.prizePointsEach' : 'contests.prizePoints', { points: formatNumber(prize.points) }))
          : null);
    }));
}

/** An ended contest's winners on the podium: second, first, third; the rest of the prize winners below. */
export function podium(contest: Contest, variant: ContestVariant): HTMLElement {
  const tracks = prizeTracks(contest);
  const winners = [...contest.winners].sort((a, b) => a.rank - b.rank);
  if (winners.length === 0) return h('p', { class: 'empty' }, t('contests.noWinners'));
  const top = winners.filter((w) => w.rank <= 3);
  const rest = winners.filter((w) => w.rank > 3);
  const order = [top.find((w) => w.rank === 2), top.find((w) => w.rank === 1), top.find((w) => w.rank === 3)];
  const extra = top.filter((w) => !order.includes(w)); // a shared rank puts a second entry on the same step
  const step = (entry: ContestEntry) => {
    const [value, unit] = valueParts(contest, entry, variant === 'list');
    return h('div', { class: `podium-step place-${Math.min(entry.rank, 3)}`, 'data-testid': 'contest-winner', 'data-key': entry.key, 'data-rank': entry.rank },
      entryAvatar(entry, variant === 'tv' ? 120 : 56),
      h('span', { class: 'podium-name' }, entry.name),
      h('span', { class: 'podium-value' }, value, unit ? h('span', { class: 'podium-unit' }, unit) : null),
      prizesOf(tracks, entry.key).map((p) =>
        h('span', { class: 'podium-prize' }, icon('board', 'icon trophy'), p.title, p.points > 0 ? ` · ${t('contests.prizePoints', { points: formatNumber(p.points) })}` : '')),
      h('span', { class: 'podium-block' }, formatNumber(entry.rank)));
  };
  return h('div', { class: `podium podium-${variant}`, 'data-testid': 'contest-podium' },
    h('div', { class: 'podium-steps' }, order.filter((e): e is ContestEntry => Boolean(e)).map(step), extra.map(step)),
    rest.length ? h('ul', { class: 'podium-rest' }, rest.map((e) => h('li', null, `#${formatNumber(e.rank)} ${e.name}`))) : null);
}
