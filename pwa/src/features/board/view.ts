import { profileNameLink } from '@/features/badges/links';
import { climbed, diffBoards, flipOffsets, formatRevenue } from '@/features/board/logic';
import type { Leaderboard, LeaderboardEntry } from '@/graphql/types';
import { formatNumber, getLocale, t } from '@/i18n';
import { avatar } from '@/ui/avatar';
import { h, prefersReducedMotion } from '@/ui/dom';

export type BoardVariant = 'list' | 'mini' | 'tv';

interface RowParts {
  row: HTMLLIElement;
  entry: LeaderboardEntry;
}

const AVATAR_SIZE: Record<BoardVariant, number> = { list: 40, mini: 32, tv: 84 };
const ROW_TEST_ID: Record<BoardVariant, string> = { list: 'board-row', mini: 'home-board-row', tv: 'tv-row' };
const FLASH_MS = 1600;
/** Phone-wide lists shorten large revenues; the TV has room for every digit. */
const NARROW = '(max-width: 480px)';

/**
 * A ranked list whose rows are keyed by user id, so a new frame moves the
 * existing rows (FLIP: measure, reorder, shift back, let them glide) instead of
 * redrawing, and points that changed flash.
 */
export class BoardView {
  readonly el: HTMLOListElement;
  private readonly rows = new Map<string, RowParts>();
  private entries: LeaderboardEntry[] | null = null;
  private board: Leaderboard | null = null;
  private readonly compact: boolean;

  constructor(
    private readonly variant: BoardVariant,
    private readonly meId: string | null,
    private readonly limit = Infinity,
    /** Off on a team's own board, where every row would name the same team. */
    private readonly showTeam = variant !== 'mini',
  ) {
    this.el = h('ol', { class: `lb lb-${variant}` });
    this.compact = variant === 'mini' || (variant === 'list' && (globalThis.matchMedia?.(NARROW).matches ?? false));
  }

  /** Shows `board`; `animate` only for a newer frame of the same board. */
  update(board: Leaderboard, animate: boolean): void {
    const entries = board.entries.slice(0, this.limit);
    const motion = animate && this.entries !== null && !prefersReducedMotion();
    const before = motion ? this.measure() : new Map<string, number>();
    const diff = diffBoards(animate ? this.entries : null, entries, animate ? board.changedUserIds : []);
    this.board = board; // fill() reads its metric and currency

    const ids = new Set(entries.map((e) => e.user.id));
    for (const [id, parts] of this.rows) {
      if (ids.has(id)) continue;
      parts.row.remove();
      this.rows.delete(id);
    }

    entries.forEach((entry, index) => {
      let parts = this.rows.get(entry.user.id);
      if (!parts) {
        parts = { row: h('li', { class: 'lb-row' }), entry };
        this.rows.set(entry.user.id, parts);
        if (motion) parts.row.classList.add('lb-enter');
      }
      parts.entry = entry;
      this.fill(parts.row, entry);
      // insertBefore moves an existing node: the list ends up in board order.
      if (this.el.children[index] !== parts.row) this.el.insertBefore(parts.row, this.el.children[index] ?? null);
    });

    if (motion) {
      const offsets = flipOffsets(before, this.measure());
      for (const [id, dy] of offsets) {
        const row = this.rows.get(id)?.row;
        if (!row) continue;
        row.style.transition = 'none';
        row.style.transform = `translateY(${dy}px)`;
      }
      void this.el.offsetHeight; // Commit the shifted positions before gliding back.
      for (const id of offsets.keys()) {
        const row = this.rows.get(id)?.row;
        if (!row) continue;
        row.style.transition = '';
        row.style.transform = '';
      }
    }
    if (animate) {
      for (const change of diff.rows) {
        const row = this.rows.get(change.userId)?.row;
        if (!row) continue;
        if (change.changed) this.pulse(row, 'lb-flash');
        if (climbed(change)) this.pulse(row, 'lb-climbed');
      }
    }
    this.entries = entries;
  }

  /** Re-renders text (after a language change) without animating. */
  refresh(): void {
    if (this.board) this.update(this.board, false);
  }

  get size(): number {
    return this.entries?.length ?? 0;
  }

  private measure(): Map<string, number> {
    const tops = new Map<string, number>();
    for (const [id, { row }] of this.rows) tops.set(id, row.getBoundingClientRect().top);
    return tops;
  }

  private pulse(row: HTMLElement, className: string): void {
    row.classList.remove(className);
    void row.offsetWidth; // Restart the animation when it is already running.
    row.classList.add(className);
    setTimeout(() => row.classList.remove(className), FLASH_MS);
  }

  /** The score column: points and their unit, or revenue and the deals won behind it. */
  private score(entry: LeaderboardEntry): [string, string] {
    const board = this.board;
    if (board?.metric !== 'REVENUE') return [formatNumber(entry.points), t('board.pointsUnit')];
    const revenue = formatRevenue(entry.amount ?? '0', board.currency, getLocale(), this.compact);
    return [revenue, t('board.dealsWon', { count: formatNumber(entry.dealsWon ?? 0) })];
  }

  private fill(row: HTMLLIElement, entry: LeaderboardEntry): void {
    const isMe = entry.user.id === this.meId;
    const [value, unit] = this.score(entry);
    row.classList.add('lb-row');
    row.classList.toggle('is-me', isMe);
    // Nobody earns a medal for nothing: a row at zero is unranked in looks, whatever its shared rank.
    const scored = this.board?.metric === 'REVENUE' ? Number(entry.amount ?? 0) > 0 : entry.points > 0;
    for (const medal of [1, 2, 3]) row.classList.toggle(`lb-medal-${medal}`, scored && entry.rank === medal);
    row.dataset.testid = ROW_TEST_ID[this.variant];
    row.dataset.userId = entry.user.id;
    row.dataset.rank = String(entry.rank);
    if (isMe) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
    row.replaceChildren(
      h(
        'span',
        { class: 'lb-rank' },
        formatNumber(entry.rank),
        h('span', { class: 'lb-climb', 'aria-hidden': 'true' }, '▲'),
      ),
      avatar(entry.user, AVATAR_SIZE[this.variant]),
      h(
        'span',
        { class: 'lb-who' },
        h(
          'span',
          { class: 'lb-name' },
          this.variant === 'tv' ? h('span', { class: 'lb-name-text' }, entry.user.name) : profileNameLink(entry.user.id, entry.user.name, 'lb-name-text'),
          isMe && this.variant !== 'tv' ? h('span', { class: 'you-tag' }, t('board.you')) : null,
        ),
        entry.user.team && this.showTeam ? h('span', { class: 'lb-team' }, entry.user.team.name) : null,
      ),
      h(
        'span',
        { class: 'lb-points' },
        h('span', { class: 'lb-points-value' }, value),
        h('span', { class: 'lb-points-unit' }, unit),
      ),
    );
  }
}
