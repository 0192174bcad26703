// /settings/badges (admins): the company's own badges — a new one on top, each saved one
// editable in place, its rule said in words as it is typed — and a year's holidays and working
// weekends (调休), saved as a whole list. The server's typed errors go next to what they name
// (`days.3.day` beside row 4's date).
import '@/features/badges/badges.css';
import type { Screen } from '@/app/screen';
import {
  BADGE_DEFINITIONS_QUERY,
  BADGE_SETTINGS_QUERY,
  CALENDAR_QUERY,
  SAVE_BADGE_DEFINITION_MUTATION,
  SET_CALENDAR_MUTATION,
  type BadgeDefinition,
  type BadgeMetric,
  type BadgePeriod,
  type CalendarDay,
  type SaveBadgeDefinitionResult,
  type SetCalendarResult,
} from '@/features/badges/documents';
import { calendarProblems, calendarSlot, dayIn, definitionInWords, NAME_MAX, parseThreshold, type CalendarRow } from '@/features/badges/logic';
import { FieldErrors } from '@/ui/form';
import { request } from '@/graphql/client';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { FieldError, Me } from '@/graphql/types';
import { getLocale, t, type MessageKey } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

const METRICS: readonly BadgeMetric[] = ['points', 'verified_visits', 'deals_won', 'revenue_won'];
const PERIODS: readonly BadgePeriod[] = ['day', 'week', 'month'];
const KINDS = ['holiday', 'workday'] as const;

export const badgeSettingsScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  const disposers: Array<() => void> = [() => texts.dispose()];
  if (me.user.role !== 'ADMIN') {
    root.append(h('section', { class: 'page page-narrow empty-page', role: 'alert', 'data-testid': 'badge-settings-forbidden' },
      tx(texts, 'h1', 'badges.adminsOnly', { class: 'page-title' }),
      h('a', { class: 'btn btn-primary', href: '/profile' }, tx(texts, 'span', 'badges.myProfile'))));
    return () => disposers.forEach((d) => d());
  }

  // ---------------------------------------------------------------- company badges

  const notice = h('p', { class: 'form-ok', role: 'status', 'data-testid': 'badge-notice', hidden: true });
  const list = h('div', { class: 'badge-def-list', 'data-testid': 'badge-definitions' });

  const options = <T extends string>(select: HTMLSelectElement, values: readonly T[], label: (v: T) => string, chosen: T) => {
    replace(select, values.map((v) => h('option', { value: v, selected: v === chosen }, label(v))));
    select.value = chosen;
  };

  // Labels of the editors follow a language switch; the list's are replaced with the list.
  const newLabels: Array<() => void> = [];
  let listLabels: Array<() => void> = [];
  texts.on(() => [...newLabels, ...listLabels].forEach((fn) => fn()));

  /** One editor: a new badge when `definition` is undefined. */
  const editor = (definition?: BadgeDefinition): HTMLElement => {
    const errors = new FieldErrors(definition ? 'badge-form-error' : 'new-badge-error', texts);
    const name = h('input', {
      class: 'input', maxlength: NAME_MAX * 2, value: definition?.name ?? '', autocomplete: 'off',
      placeholder: t('badges.fieldNamePlaceholder'), 'data-testid': 'badge-name-input',
    });
    const metric = h('select', { class: 'input', 'data-testid': 'badge-metric' });
    const period = h('select', { class: 'input', 'data-testid': 'badge-period' });
    const threshold = h('input', {
      class: 'input', type: 'text', inputmode: 'numeric', value: definition ? String(definition.threshold) : '', 'data-testid': 'badge-threshold',
    });
    const active = h('input', { type: 'checkbox', class: 'badge-active-box', checked: definition?.active ?? true, 'data-testid': 'badge-active' });
    const preview = h('p', { class: 'badge-def-preview', 'data-testid': 'badge-preview' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'badge-save' });
    let chosenMetric: BadgeMetric = definition?.metric ?? 'points';
    let chosenPeriod: BadgePeriod = definition?.period ?? 'day';

    const labels = () => {
      options(metric, METRICS, (m) => t(`badges.metric.${m}` as MessageKey, { currency: me.org.currency }), chosenMetric);
      options(period, PERIODS, (p) => t(`badges.periodChoice.${p}` as MessageKey), chosenPeriod);
      submit.textContent = t(definition ? 'badges.save' : 'badges.add');
      name.placeholder = t('badges.fieldNamePlaceholder');
      updatePreview();
    };
    const updatePreview = () => {
      const value = parseThreshold(threshold.value);
      preview.hidden = value === null || value < 1;
      if (value !== null && value >= 1) {
        preview.replaceChildren(icon('spark', 'icon icon-small'), definitionInWords({ metric: chosenMetric, period: chosenPeriod, threshold: value }, getLocale(), me.org.currency));
      }
    };
    metric.addEventListener('change', () => {
      chosenMetric = metric.value as BadgeMetric;
      updatePreview();
    });
    period.addEventListener('change', () => {
      chosenPeriod = period.value as BadgePeriod;
      updatePreview();
    });
    threshold.addEventListener('input', updatePreview);
    (definition ? listLabels : newLabels).push(labels);
    labels();

    const save = async () => {
      errors.clear();
      const value = parseThreshold(threshold.value);
      if (value === null) {
        errors.show([{ field: 'threshold', code: threshold.value.trim() ? 'INVALID' : 'REQUIRED', message: t(threshold.value.trim() ? 'badges.thresholdInvalid' : 'error.REQUIRED') }]);
        return;
      }
      submit.disabled = true;
      try {
        const input = {
          ...(definition ? { id: definition.id } : {}),
          name: name.value, metric: chosenMetric, period: chosenPeriod, threshold: value, active: active.checked,
        };
        const { saveBadgeDefinition: result } = await request<{ saveBadgeDefinition: SaveBadgeDefinitionResult }>(SAVE_BADGE_DEFINITION_MUTATION, { input });
        if (result.__typename === 'OperationError') {
          errors.show(result.errors);
          return;
        }
        notice.hidden = false;
        notice.textContent = t('badges.saved', { name: result.definition.name });
        if (!definition) {
          name.value = '';
          threshold.value = '';
          updatePreview();
        }
        void loadDefinitions();
      } catch (failure) {
        errors.message(failureMessage(failure));
      } finally {
        submit.disabled = false;
      }
    };

    return h('form', {
      class: `card badge-def ${definition && !definition.active ? 'is-paused' : ''}`, novalidate: true,
      'data-testid': definition ? 'badge-editor' : 'new-badge', 'data-definition-id': definition?.id ?? '',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void save();
      },
    },
    h('div', { class: 'badge-def-head' },
      definition ? h('h3', { class: 'badge-def-title' }, definition.name) : tx(texts, 'h3', 'badges.new', { class: 'badge-def-title' }),
      definition && !definition.active ? tx(texts, 'span', 'badges.paused', { class: 'chip badge-paused-chip' }) : null),
    h('div', { class: 'badge-def-grid' },
      errors.field('badges.fieldName', name, 'name'),
      errors.field('badges.fieldMetric', metric, 'metric'),
      errors.field('badges.fieldThreshold', threshold, 'threshold'),
      errors.field('badges.fieldPeriod', period, 'period')),
    preview,
    errors.summary,
    h('div', { class: 'badge-def-actions' },
      h('label', { class: 'badge-active' }, active, tx(texts, 'span', 'badges.fieldActive')),
      submit));
  };

  const renderDefinitions = (definitions: BadgeDefinition[]) => {
    listLabels = [];
    replace(list, definitions.length ? definitions.map((d) => editor(d)) : h('p', { class: 'empty-inline' }, t('badges.noDefinitions')));
  };

  const loadDefinitions = async () => {
    try {
      const { badgeDefinitions } = await request<{ badgeDefinitions: BadgeDefinition[] }>(BADGE_DEFINITIONS_QUERY);
      renderDefinitions(badgeDefinitions);
    } catch (failure) {
      replace(list, h('p', { class: 'form-error', role: 'alert' }, failureMessage(failure)));
    }
  };

  // ---------------------------------------------------------------- calendar

  let year = Number(dayIn(new Date(), me.org.timeZone).slice(0, 4));
  let rows: CalendarRow[] = [];
  let rowErrors: HTMLElement[][] = [];
  const yearLabel = h('strong', { class: 'year-label', 'data-testid': 'calendar-year' });
  const rowList = h('ol', { class: 'calendar-rows', 'data-testid': 'calendar-rows' });
  const calendarSummary = h('div', { class: 'form-error error-summary', role: 'alert', 'data-testid': 'calendar-error', hidden: true });
  const calendarNotice = h('p', { class: 'form-ok', role: 'status', 'data-testid': 'calendar-notice', hidden: true });
  const saveYear = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'calendar-save' });

  const clearCalendarErrors = () => {
    calendarSummary.hidden = true;
    calendarSummary.replaceChildren();
    for (const errs of rowErrors) for (const e of errs) {
      e.hidden = true;
      e.textContent = '';
    }
    rowList.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  };

  const showCalendarErrors = (errors: ReadonlyArray<Pick<FieldError, 'field' | 'code' | 'message'>>) => {
    clearCalendarErrors();
    const rest: string[] = [];
    let first: HTMLElement | null = null;
    for (const error of errors) {
      const slot = calendarSlot(error.field);
      const part = slot ? ['day', 'kind', 'name'].indexOf(slot.part) : -1;
      const line = slot && part >= 0 ? rowErrors[slot.row]?.[part] : undefined;
      if (!slot || !line) {
        rest.push(fieldErrorMessage(error));
        continue;
      }
      line.hidden = false;
      line.textContent = [line.textContent, fieldErrorMessage(error)].filter(Boolean).join(' ');
      const control = rowList.children[slot.row]?.querySelector<HTMLElement>(`[data-part="${slot.part}"]`);
      control?.setAttribute('aria-invalid', 'true');
      first ??= control ?? null;
    }
    const lines = rest.length ? rest : [t('pipeline.checkFields')];
    calendarSummary.hidden = false;
    replace(calendarSummary, icon('alert'), lines.map((l) => h('p', null, l)));
    first?.focus();
  };

  const renderRows = () => {
    yearLabel.textContent = String(year);
    saveYear.textContent = t('badges.saveYear', { year });
    rowErrors = [];
    if (rows.length === 0) {
      replace(rowList, h('li', { class: 'empty-inline calendar-empty' }, t('badges.noDays', { year })));
      return;
    }
    replace(rowList, rows.map((row, index) => {
      const errs = [0, 1, 2].map(() => h('p', { class: 'field-error', 'data-testid': 'field-error', hidden: true }));
      errs[0]!.dataset.field = `days.${index}.day`;
      errs[1]!.dataset.field = `days.${index}.kind`;
      errs[2]!.dataset.field = `days.${index}.name`;
      rowErrors.push(errs);
      const day = h('input', {
        class: 'input', type: 'date', value: row.day, min: `${year}-01-01`, max: `${year}-12-31`, 'data-part': 'day', 'data-testid': 'calendar-day',
        'aria-label': t('badges.day'),
        oninput: () => { row.day = day.value; },
      });
      const kind = h('select', {
        class: 'input', 'data-part': 'kind', 'data-testid': 'calendar-kind', 'aria-label': t('badges.kind'),
        onchange: () => {
          row.kind = kind.value;
          item.className = `calendar-row is-${row.kind}`;
        },
      }, KINDS.map((k) => h('option', { value: k, selected: row.kind === k }, t(`badges.kind.${k}`))));
      kind.value = row.kind;
      const name = h('input', {
        class: 'input', value: row.name, maxlength: NAME_MAX * 2, 'data-part': 'name', 'data-testid': 'calendar-name',
        placeholder: t('badges.dayNamePlaceholder'), 'aria-label': t('badges.dayName'),
        oninput: () => { row.name = name.value; },
      });
      const remove = h('button', {
        type: 'button', class: 'btn btn-ghost btn-small calendar-remove', 'data-testid': 'calendar-remove', 'aria-label': t('badges.removeDay'),
        onclick: () => {
          rows.splice(index, 1);
          clearCalendarErrors();
          renderRows();
        },
      }, t('badges.removeDay'));
      const item = h('li', { class: `calendar-row is-${row.kind}`, 'data-testid': 'calendar-row', 'data-index': index },
        h('span', { class: 'calendar-index', 'aria-hidden': 'true' }, String(index + 1)),
        h('div', { class: 'calendar-cell calendar-cell-day' }, day, errs[0]),
        h('div', { class: 'calendar-cell calendar-cell-kind' }, kind, errs[1]),
        h('div', { class: 'calendar-cell calendar-cell-name' }, name, errs[2]),
        remove);
      return item;
    }));
  };

  const loadYear = async () => {
    clearCalendarErrors();
    calendarNotice.hidden = true;
    replace(rowList, h('li', { class: 'skeleton-row' }));
    try {
      const { calendarDays } = await request<{ calendarDays: CalendarDay[] }>(CALENDAR_QUERY, { year });
      rows = calendarDays.map((d) => ({ ...d }));
      renderRows();
    } catch (failure) {
      replace(rowList, h('li', { class: 'form-error', role: 'alert' }, failureMessage(failure)));
    }
  };

  const step = (by: number) => {
    year += by;
    void loadYear();
  };

  const submitYear = async () => {
    clearCalendarErrors();
    calendarNotice.hidden = true;
    const local = calendarProblems(rows, year, getLocale());
    if (local.length) {
      showCalendarErrors(local);
      return;
    }
    saveYear.disabled = true;
    saveYear.textContent = t('badges.saving');
    try {
      const { setCalendarDays: result } = await request<{ setCalendarDays: SetCalendarResult }>(SET_CALENDAR_MUTATION, {
        input: { year, days: rows.map((r) => ({ day: r.day, kind: r.kind, name: r.name })) },
      });
      if (result.__typename === 'OperationError') {
        saveYear.textContent = t('badges.saveYear', { year });
        showCalendarErrors(result.errors);
        return;
      }
      rows = result.days.map((d) => ({ ...d }));
      renderRows();
      calendarNotice.hidden = false;
      calendarNotice.textContent = t('badges.savedYear', { year, count: rows.length });
    } catch (failure) {
      saveYear.textContent = t('badges.saveYear', { year });
      calendarSummary.hidden = false;
      replace(calendarSummary, icon('alert'), h('p', null, failureMessage(failure)));
    } finally {
      saveYear.disabled = false;
    }
  };

  const addDay = h('button', {
    type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'calendar-add',
    onclick: () => {
      rows.push({ day: '', kind: 'holiday', name: '' });
      renderRows();
      rowList.querySelector<HTMLInputElement>('li:last-child [data-part="day"]')?.focus();
    },
  }, icon('plus', 'icon icon-small'), tx(texts, 'span', 'badges.addDay'));

  const calendarForm = h('form', {
    class: 'card calendar-card', novalidate: true, 'data-testid': 'calendar-form',
    onsubmit: (event: Event) => {
      event.preventDefault();
      void submitYear();
    },
  },
  h('div', { class: 'card-head calendar-head' },
    h('div', null, tx(texts, 'h2', 'badges.calendar', { class: 'card-title' }), tx(texts, 'p', 'badges.calendarHint', { class: 'form-hint' })),
    h('div', { class: 'year-stepper', role: 'group' },
      texts.attr(h('button', { type: 'button', class: 'icon-button year-prev', 'data-testid': 'calendar-prev', onclick: () => step(-1) }, icon('chevron')), 'aria-label', 'badges.prevYear'),
      yearLabel,
      texts.attr(h('button', { type: 'button', class: 'icon-button', 'data-testid': 'calendar-next', onclick: () => step(1) }, icon('chevron')), 'aria-label', 'badges.nextYear'))),
  h('div', { class: 'calendar-columns', 'aria-hidden': 'true' },
    h('span', null), tx(texts, 'span', 'badges.day'), tx(texts, 'span', 'badges.kind'), tx(texts, 'span', 'badges.dayName'), h('span', null)),
  rowList,
  calendarSummary,
  h('div', { class: 'calendar-actions' }, addDay, calendarNotice, saveYear));

  // Rows are rebuilt on a language switch; what was typed lives in `rows`, so it survives.
  texts.on(renderRows);

  root.append(
    h('section', { class: 'page badge-settings-page', 'data-testid': 'badge-settings-page' },
      h('header', { class: 'page-head' },
        tx(texts, 'h1', 'badges.settingsTitle', { class: 'page-title' }),
        tx(texts, 'p', 'badges.settingsSub', { class: 'page-sub' })),
      h('div', { class: 'badge-settings-grid' },
        h('section', { class: 'badge-defs', 'data-testid': 'badge-defs' },
          h('div', { class: 'section-head badge-defs-head' },
            tx(texts, 'h2', 'badges.definitions', { class: 'section-title' }),
            tx(texts, 'p', 'badges.definitionsHint', { class: 'form-hint' })),
          notice,
          editor(),
          list),
        calendarForm)),
  );
  replace(list, h('div', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' })));
  void (async () => {
    try {
      const data = await request<{ badgeDefinitions: BadgeDefinition[]; calendarDays: CalendarDay[] }>(BADGE_SETTINGS_QUERY, { year });
      renderDefinitions(data.badgeDefinitions);
      rows = data.calendarDays.map((d) => ({ ...d }));
      renderRows();
    } catch (failure) {
      replace(list, h('p', { class: 'form-error', role: 'alert' }, failureMessage(failure)));
      renderRows();
    }
  })();
  return () => disposers.forEach((d) => d());
};
