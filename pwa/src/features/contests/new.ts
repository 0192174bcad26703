// /contests/new (managers, admins): name, what counts, who competes (people or teams in
// my reach, from the org tree), the days, and prize rows with presets. One clientId per
// contest being created, kept across retries, so a resend never makes two.
import '@/features/contests/contests.css';
import { navigate } from '@/app/router';
import type { Screen } from '@/app/screen';
import {
  CONTEST_TREE_QUERY,
  CREATE_CONTEST_MUTATION,
  type ContestMetric,
  type ContestMode,
  type ContestPrizeInput,
  type ContestResult,
  type TreeEntry,
} from '@/features/contests/documents';
import { dayIn, errorSlot, METRICS, MODES, presetPrizes, weekEnd, type PresetKind } from '@/features/contests/logic';
import { PendingWrite } from '@/features/rewards/logic';
import { NetworkError, request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { getTimeZone, t, type MessageKey } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

interface PrizeRow {
  el: HTMLElement;
  rank: HTMLInputElement;
  title: HTMLInputElement;
  points: HTMLInputElement;
  errors: Record<'rank' | 'title' | 'points', HTMLElement>;
}

function fieldError(field: string): HTMLElement {
  return h('p', { class: 'field-error', 'data-testid': 'field-error', 'data-field': field, hidden: true });
}

function showError(slot: HTMLElement, message: string, code: string): void {
  slot.hidden = false;
  slot.textContent = [slot.textContent, message].filter(Boolean).join(' ');
  slot.dataset.code = code;
}

export const newContestScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  if (me.user.role === 'REP') {
    root.append(h('section', { class: 'page page-narrow empty-page' }, tx(texts, 'p', 'contests.managersOnly'),
      h('a', { class: 'btn btn-primary', href: '/contests' }, tx(texts, 'span', 'contests.back'))));
    return () => texts.dispose();
  }
  const write = new PendingWrite();
  let tree: TreeEntry[] | null = null;
  let sending = false;

  const today = dayIn(new Date(), getTimeZone());
  const name = h('input', { id: 'contest-name', class: 'input', maxlength: 120, required: true, 'data-testid': 'contest-name-input' });
  texts.attr(name, 'placeholder', 'contests.namePlaceholder');
  const description = h('textarea', { id: 'contest-description', class: 'input textarea', rows: 2, maxlength: 1000, 'data-testid': 'contest-description' });
  const metric = h('select', { id: 'contest-metric', class: 'input', 'data-testid': 'contest-metric' });
  const mode = h('select', { id: 'contest-mode', class: 'input', 'data-testid': 'contest-mode' });
  const startsOn = h('input', { id: 'contest-starts', class: 'input', type: 'date', value: today, 'data-testid': 'contest-starts' });
  const endsOn = h('input', { id: 'contest-ends', class: 'input', type: 'date', value: weekEnd(today), 'data-testid': 'contest-ends' });
  const who = h('div', { class: 'contest-who', 'data-testid': 'contest-who' });
  const prizeRows = h('div', { class: 'prize-rows', 'data-testid': 'prize-rows' });
  const errors: Record<string, HTMLElement> = {
    name: fieldError('name'),
    description: fieldError('description'),
    metric: fieldError('metric'),
    mode: fieldError('mode'),
    startsOn: fieldError('startsOn'),
    endsOn: fieldError('endsOn'),
    participantIds: fieldError('participantIds'),
    teamIds: fieldError('teamIds'),
    prizes: fieldError('prizes'),
  };
  const formError = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'contest-form-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-xl', 'data-testid': 'contest-submit' });
  const rows: PrizeRow[] = [];
  const picked = new Set<string>(); // people or teams ticked, by id, for the current mode
  const duel: [HTMLSelectElement, HTMLSelectElement] = [
    h('select', { class: 'input', 'data-testid': 'h2h-team-a', 'aria-label': t('contests.teamA') }),
    h('select', { class: 'input', 'data-testid': 'h2h-team-b', 'aria-label': t('contests.teamB') }),
  ];

  const renderOptions = () => {
    const metricValue = metric.value || 'POINTS';
    const modeValue = mode.value || 'INDIVIDUAL';
    replace(metric, METRICS.map((m) => h('option', { value: m }, t(`contests.metric.${m}` as MessageKey))));
    replace(mode, MODES.map((m) => h('option', { value: m }, t(`contests.mode.${m}` as MessageKey))));
    metric.value = metricValue;
    mode.value = modeValue;
    submit.textContent = sending ? t('contests.creating') : t('contests.create');
  };

  const renderWho = () => {
    const current = mode.value as ContestMode;
    if (!tree) {
      replace(who, h('p', { class: 'stat-foot' }, t('contests.loadingTree')));
      return;
    }
    const teams = tree.filter((e) => e.node.kind === 'TEAM');
    if (current === 'HEAD_TO_HEAD') {
      duel.forEach((select, i) => {
        const before = select.value;
        replace(select, h('option', { value: '' }, t('contests.pickTeam')), teams.map((e) => h('option', { value: e.node.id }, e.node.name)));
        select.value = before || teams[i]?.node.id || '';
      });
      replace(who,
        h('label', { class: 'label' }, t('contests.teams')),
        h('div', { class: 'contest-duel-pick' }, duel[0], h('span', { class: 'h2h-vs' }, t('contests.vs')), duel[1]),
        errors.teamIds);
      return;
    }
    const kind = current === 'TEAM' ? 'TEAM' : 'USER';
    const box = (entry: TreeEntry) => {
      const input = h('input', { type: 'checkbox', value: entry.node.id, checked: picked.has(entry.node.id), 'data-testid': kind === 'TEAM' ? 'contest-team' : 'contest-person', 'data-id': entry.node.id });
      input.addEventListener('change', () => (input.checked ? picked.add(entry.node.id) : picked.delete(entry.node.id)));
      return h('label', { class: 'contest-pick' }, input, h('span', null, entry.node.name));
    };
    const groups: HTMLElement[] = [];
    if (kind === 'TEAM') groups.push(h('div', { class: 'contest-picks' }, teams.map(box)));
    else {
      let group: HTMLElement | null = null;
      for (const entry of tree) {
        if (entry.node.kind !== 'USER') {
          group = h('div', { class: 'contest-picks' });
          groups.push(h('div', { class: 'contest-pick-group' }, h('span', { class: 'contest-pick-team' }, entry.node.name), group));
        } else {
          if (!group) {
            group = h('div', { class: 'contest-picks' });
            groups.push(group);
          }
          group.append(box(entry));
        }
      }
    }
    replace(who,
      h('span', { class: 'label' }, t(kind === 'TEAM' ? 'contests.teams' : 'contests.people')),
      h('p', { class: 'stat-foot' }, t(kind === 'TEAM' ? 'contests.teamsHint' : 'contests.peopleHint')),
      groups.filter((g) => g.querySelector('input')),
      kind === 'TEAM' ? errors.teamIds : errors.participantIds);
  };

  const clearErrors = () => {
    for (const slot of Object.values(errors)) {
      slot.hidden = true;
      slot.textContent = '';
    }
    for (const row of rows) for (const slot of Object.values(row.errors)) {
      slot.hidden = true;
      slot.textContent = '';
    }
    formError.hidden = true;
    formError.textContent = '';
  };

  const renumber = () => rows.forEach((row, i) => {
    row.el.dataset.index = String(i);
    for (const [field, slot] of Object.entries(row.errors)) slot.dataset.field = `prizes.${i}.${field}`;
  });

  const addPrize = (prize: ContestPrizeInput) => {
    const rank = h('input', { class: 'input prize-rank-input', type: 'number', inputmode: 'numeric', min: 1, value: prize.rank, 'data-testid': 'prize-rank', 'aria-label': t('contests.prizeRankLabel') });
    const title = h('input', { class: 'input', maxlength: 80, value: prize.title, 'data-testid': 'prize-title', 'aria-label': t('contests.prizeTitle') });
    const points = h('input', { class: 'input prize-points-input', type: 'number', inputmode: 'numeric', value: prize.points, 'data-testid': 'prize-points', 'aria-label': t('contests.prizePointsLabel') });
    const rowErrors = { rank: fieldError(''), title: fieldError(''), points: fieldError('') };
    const el = h('div', { class: 'prize-row', 'data-testid': 'prize-row' });
    const row: PrizeRow = { el, rank, title, points, errors: rowErrors };
    const remove = h('button', {
      type: 'button', class: 'icon-button prize-remove', 'data-testid': 'prize-remove', 'aria-label': t('contests.removePrize'), title: t('contests.removePrize'),
      onclick: () => {
        rows.splice(rows.indexOf(row), 1);
        el.remove();
        renumber();
      },
    }, '×');
    el.append(
      h('label', { class: 'prize-cell' }, h('span', { class: 'label' }, t('contests.prizeRankLabel')), rank, rowErrors.rank),
      h('label', { class: 'prize-cell prize-cell-title' }, h('span', { class: 'label' }, t('contests.prizeTitle')), title, rowErrors.title),
      h('label', { class: 'prize-cell' }, h('span', { class: 'label' }, t('contests.prizePointsLabel')), points, rowErrors.points),
      remove,
    );
    rows.push(row);
    prizeRows.append(el);
    renumber();
  };

  const preset = (kind: PresetKind) => {
    for (const row of rows.splice(0)) row.el.remove();
    const award = t(kind === 'growth' ? 'contests.preset.growth' : 'contests.preset.team');
    presetPrizes(kind, (rank) => t(`contests.presetTitle.${rank}` as MessageKey), award).forEach(addPrize);
    // The preset names a kind of contest: follow it, so the prize means what it says.
    if (kind === 'growth') metric.value = 'GROWTH';
    if (kind === 'team' && mode.value === 'INDIVIDUAL') {
      mode.value = 'TEAM';
      picked.clear();
      renderWho();
    }
  };

  const input = () => {
    const current = mode.value as ContestMode;
    return {
      clientId: write.clientId,
      name: name.value.trim(),
      description: description.value.trim(),
      metric: metric.value as ContestMetric,
      mode: current,
      startsOn: startsOn.value,
      endsOn: endsOn.value,
      participantIds: current === 'INDIVIDUAL' ? [...picked] : [],
      teamIds: current === 'HEAD_TO_HEAD' ? duel.map((s) => s.value).filter(Boolean) : current === 'TEAM' ? [...picked] : [],
      prizes: rows.map((row) => ({ rank: Number(row.rank.value) || 0, title: row.title.value.trim(), points: Number(row.points.value) || 0 })),
    };
  };

  const send = async () => {
    sending = true;
    submit.disabled = true;
    renderOptions();
    clearErrors();
    try {
      const { createContest } = await request<{ createContest: ContestResult }>(CREATE_CONTEST_MUTATION, { input: input() });
      write.settle();
      if (createContest.__typename === 'OperationError') {
        let first: HTMLElement | null = null;
        for (const error of createContest.errors) {
          const slot = errorSlot(error.field);
          let target: HTMLElement = formError;
          if (slot && 'prize' in slot) {
            const row = rows[slot.prize];
            target = row ? row.errors[slot.field as keyof PrizeRow['errors']] ?? row.errors.title : errors.prizes!;
          } else if (slot && errors[slot.field]) target = errors[slot.field]!;
          showError(target, fieldErrorMessage(error), error.code);
          first ??= target;
        }
        first?.scrollIntoView({ block: 'center', behavior: 'smooth' });
        return;
      }
      navigate(`/contests/${encodeURIComponent(createContest.contest.id)}`);
    } catch (failure) {
      // No answer: the same clientId goes again on the next tap.
      showError(formError, failure instanceof NetworkError ? t('contests.retryHint') : failureMessage(failure), 'NETWORK');
    } finally {
      sending = false;
      submit.disabled = false;
      renderOptions();
    }
  };

  mode.addEventListener('change', () => {
    picked.clear();
    renderWho();
  });
  name.addEventListener('input', () => (errors.name!.hidden = true));
  endsOn.addEventListener('input', () => (errors.endsOn!.hidden = true));

  const field = (id: string, label: MessageKey, control: HTMLElement, error: HTMLElement) =>
    h('div', { class: 'field' }, tx(texts, 'label', label, { class: 'label', for: id }), control, error);

  texts.on(() => {
    renderOptions();
    renderWho();
  });

  root.append(
    h('section', { class: 'page page-narrow contest-new-page', 'data-testid': 'new-contest-page' },
      h('nav', { class: 'contest-nav' },
        h('a', { class: 'card-link contest-back', href: '/contests' }, icon('chevron', 'icon flip'), tx(texts, 'span', 'contests.back'))),
      h('header', { class: 'page-head' }, tx(texts, 'h1', 'contests.newTitle', { class: 'page-title' }), tx(texts, 'p', 'contests.newSub', { class: 'page-sub' })),
      h('form', {
        class: 'card contest-form', novalidate: true, 'data-testid': 'contest-form',
        onsubmit: (event: Event) => {
          event.preventDefault();
          if (!sending) void send();
        },
      },
      field('contest-name', 'contests.name', name, errors.name!),
      field('contest-description', 'contests.description', description, errors.description!),
      h('div', { class: 'contest-form-pair' },
        field('contest-metric', 'contests.metric', metric, errors.metric!),
        field('contest-mode', 'contests.mode', mode, errors.mode!)),
      h('div', { class: 'contest-form-pair' },
        field('contest-starts', 'contests.startsOn', startsOn, errors.startsOn!),
        field('contest-ends', 'contests.endsOn', endsOn, errors.endsOn!)),
      h('div', { class: 'field' }, who),
      h('fieldset', { class: 'field contest-prize-set' },
        tx(texts, 'legend', 'contests.prizeRows', { class: 'label' }),
        h('div', { class: 'prize-presets' },
          tx(texts, 'button', 'contests.preset.top3', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'preset-top3', onclick: () => preset('top3') }),
          tx(texts, 'button', 'contests.preset.team', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'preset-team', onclick: () => preset('team') }),
          tx(texts, 'button', 'contests.preset.growth', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'preset-growth', onclick: () => preset('growth') })),
        prizeRows,
        errors.prizes!,
        h('button', {
          type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'add-prize',
          onclick: () => addPrize({ rank: rows.length + 1, title: '', points: 0 }),
        }, icon('plus'), tx(texts, 'span', 'contests.addPrize'))),
      formError,
      submit)),
  );
  renderOptions();
  renderWho();

  let alive = true;
  disposers.push(() => {
    alive = false;
  });
  request<{ orgTree: TreeEntry[] }>(CONTEST_TREE_QUERY)
    .then(({ orgTree }) => {
      if (!alive) return;
      tree = orgTree;
      renderWho();
    })
    .catch((failure) => {
      if (!alive) return;
      showError(formError, failureMessage(failure), 'NETWORK');
    });
  return () => disposers.forEach((d) => d());
};
