import type { Screen } from '@/app/screen';
import {
  DISPLAYS_QUERY,
  PAIR_DISPLAY_MUTATION,
  REVOKE_DISPLAY_MUTATION,
  type Display,
  type DisplayBoardInput,
  type DisplayResult,
} from '@/features/tv/documents';
import { formatCode, normalizeCode } from '@/features/tv/logic';
import '@/features/tv/tv.css';
import { request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { BoardMetric, Period, Team } from '@/graphql/types';
import { formatTime, t, type MessageKey } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';

const PERIODS: readonly Period[] = ['TODAY', 'WEEK', 'MONTH'];
const METRICS: readonly BoardMetric[] = ['POINTS', 'REVENUE'];
const ROTATIONS = [15, 30, 60, 120] as const;

interface Choice {
  key: string;
  input: DisplayBoardInput;
  box: HTMLInputElement;
}

function boardLabel(period: Period, metric: BoardMetric): string {
  const name = t(`period.${period}` as MessageKey);
  return metric === 'REVENUE' ? t('tv.revenue', { period: name }) : name;
}

function describe(display: Display): string {
  return display.boards
    .map((b) => `${b.team ? b.team.name : t('tv.pair.company')} · ${boardLabel(b.period, b.metric)}`)
    .join(', ');
}

/** /tv/pair: enter the code a TV shows, name it, choose its boards; below, the org's displays with revoke. */
export const pairTvScreen: Screen = (root, { me }) => {
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  let alive = true;
  disposers.push(() => {
    alive = false;
  });

  if (me && me.user.role === 'REP') {
    root.append(h('section', { class: 'page page-narrow empty-page' }, tx(texts, 'p', 'tv.pair.managersOnly')));
    return () => disposers.forEach((d) => d());
  }

  const code = h('input', {
    id: 'pair-code', class: 'input tv-code-input', 'data-testid': 'pair-code', autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', inputmode: 'text', maxlength: 9, placeholder: 'K7P-4QX',
  });
  code.addEventListener('input', () => {
    const clean = normalizeCode(code.value);
    const shown = clean.length > 3 ? formatCode(clean.padEnd(6, ' ')).trimEnd() : clean;
    if (code.value !== shown) code.value = shown;
  });
  const name = h('input', { id: 'pair-name', class: 'input', 'data-testid': 'pair-name', maxlength: 120, autocomplete: 'off' });
  texts.attr(name, 'placeholder', 'tv.pair.namePlaceholder');
  const rotate = h(
    'select',
    { id: 'pair-rotate', class: 'input', 'data-testid': 'pair-rotate' },
    ROTATIONS.map((s) => h('option', { value: String(s), selected: s === 30 }, `${s} s`)),
  );
  const boardsBox = h('div', { class: 'tv-pair-boards', 'data-testid': 'pair-boards' });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'pair-error', hidden: true });
  const ok = h('p', { class: 'form-ok', role: 'status', 'data-testid': 'pair-ok', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'pair-submit' });
  texts.text(submit, 'tv.pair.submit');
  const list = h('div', { class: 'tv-displays', 'data-testid': 'display-list' });

  let choices: Choice[] = [];
  let teams: Team[] = [];
  let displays: Display[] = [];

  const renderBoards = () => {
    const checked = new Set(choices.filter((c) => c.box.checked).map((c) => c.key));
    const first = choices.length === 0;
    choices = [];
    const scopes: Array<{ label: string; teamId: string | null }> = [
      { label: t('tv.pair.company'), teamId: null },
      ...teams.map((team) => ({ label: team.name, teamId: team.id })),
    ];
    replace(
      boardsBox,
      scopes.map((scope) =>
        h(
          'fieldset',
          { class: 'chip-field tv-pair-scope' },
          h('legend', { class: 'label' }, scope.label),
          h(
            'div',
            { class: 'chip-options' },
            PERIODS.flatMap((period) =>
              METRICS.map((metric) => {
                const key = `${scope.teamId ? `TEAM-${scope.teamId}` : 'ORG'}-${period}-${metric}`;
                const box = h('input', {
                  type: 'checkbox', class: 'chip-radio', 'data-testid': `pair-board-${key}`,
                  checked: first ? key === 'ORG-MONTH-POINTS' : checked.has(key),
                });
                choices.push({
                  key,
                  box,
                  input: { period, metric, scope: scope.teamId ? 'TEAM' : 'ORG', teamId: scope.teamId },
                });
                return h('label', { class: 'chip-option' }, box, h('span', null, boardLabel(period, metric)));
              }),
            ),
          ),
        ),
      ),
    );
  };

  const renderList = () => {
    if (displays.length === 0) {
      replace(list, h('p', { class: 'empty-inline' }, t('tv.pair.none')));
      return;
    }
    replace(
      list,
      h(
        'ul',
        { class: 'tv-display-list' },
        displays.map((d) => {
          const revoke = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'revoke-display' }, t('tv.pair.revoke'));
          let armed = false;
          revoke.addEventListener('click', () => {
            if (!armed) {
              armed = true;
              revoke.classList.add('btn-danger');
              revoke.textContent = t('tv.pair.revokeConfirm');
              return;
            }
            revoke.disabled = true;
            void revokeDisplay(d.id);
          });
          const seen = d.paired
            ? d.lastSeenAt
              ? t('tv.pair.seen', { time: formatTime(new Date(d.lastSeenAt), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) })
              : t('tv.pair.pairedShort')
            : t('tv.pair.notYet');
          return h(
            'li',
            { class: 'tv-display', 'data-testid': 'display-row', 'data-display-id': d.id },
            h('div', { class: 'tv-display-main' },
              h('strong', { class: 'tv-display-name' }, d.name),
              h('span', { class: 'tv-display-boards' }, describe(d)),
              h('span', { class: 'tv-display-seen' }, seen)),
            revoke,
          );
        }),
      ),
    );
  };

  const load = async () => {
    try {
      const data = await request<{ displays: Display[]; displayTeams: Team[] }>(DISPLAYS_QUERY);
      if (!alive) return;
      displays = data.displays;
      teams = data.displayTeams;
      renderBoards();
      renderList();
    } catch (err) {
      if (!alive) return;
      replace(list, h('p', { class: 'form-error', role: 'alert' }, failureMessage(err)));
      if (choices.length === 0) renderBoards();
    }
  };

  async function revokeDisplay(id: string): Promise<void> {
    try {
      const { revokeDisplay: result } = await request<{ revokeDisplay: DisplayResult }>(REVOKE_DISPLAY_MUTATION, { id });
      if (result.__typename === 'OperationError') {
        error.textContent = result.errors.map(fieldErrorMessage).join(' ');
        error.hidden = false;
      }
    } catch (err) {
      error.textContent = failureMessage(err);
      error.hidden = false;
    }
    await load();
  }

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    error.hidden = true;
    ok.hidden = true;
    const boards = choices.filter((c) => c.box.checked).map((c) => c.input);
    const typed = normalizeCode(code.value);
    if (typed.length !== 6) {
      error.textContent = t('tv.pair.codeHint');
      error.hidden = false;
      code.setAttribute('aria-invalid', 'true');
      code.focus();
      return;
    }
    code.removeAttribute('aria-invalid');
    submit.disabled = true;
    try {
      const { pairDisplay } = await request<{ pairDisplay: DisplayResult }>(PAIR_DISPLAY_MUTATION, {
        input: { code: typed, name: name.value, boards, rotateSeconds: Number(rotate.value) },
      });
      if (!alive) return;
      if (pairDisplay.__typename === 'OperationError') {
        error.textContent = pairDisplay.errors
          .map((e) => (e.field === 'code' && e.code === 'NOT_FOUND' ? t('tv.pair.codeUnknown') : fieldErrorMessage(e)))
          .join(' ');
        error.hidden = false;
        if (pairDisplay.errors.some((e) => e.field === 'code')) code.setAttribute('aria-invalid', 'true');
        return;
      }
      ok.textContent = t('tv.pair.done', { name: pairDisplay.display.name });
      ok.hidden = false;
      code.value = '';
      name.value = '';
      await load();
    } catch (err) {
      error.textContent = failureMessage(err);
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  };

  texts.on(() => {
    renderBoards();
    renderList();
  });

  root.append(
    h(
      'section',
      { class: 'page page-narrow tv-pair-page' },
      h('header', { class: 'page-head' }, tx(texts, 'h1', 'tv.pair.heading', { class: 'page-title' }), tx(texts, 'p', 'tv.pair.intro', { class: 'page-sub' })),
      h(
        'form',
        { class: 'card tv-pair-form', novalidate: true, onsubmit: onSubmit },
        h('div', { class: 'field' }, tx(texts, 'label', 'tv.pair.code', { for: 'pair-code', class: 'label' }), code),
        h('div', { class: 'field' }, tx(texts, 'label', 'tv.pair.name', { for: 'pair-name', class: 'label' }), name),
        h('div', { class: 'field' }, tx(texts, 'span', 'tv.pair.boards', { class: 'label' }), boardsBox),
        h('div', { class: 'field' }, tx(texts, 'label', 'tv.pair.rotate', { for: 'pair-rotate', class: 'label' }), rotate),
        error,
        ok,
        submit,
      ),
      h('section', { class: 'tv-pair-displays' }, tx(texts, 'h2', 'tv.pair.displays', { class: 'section-title' }), list),
    ),
  );
  void load();
  return () => disposers.forEach((d) => d());
};
