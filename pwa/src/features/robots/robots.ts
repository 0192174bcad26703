// /settings/robots (admins): the org's WeCom, DingTalk and Slack group robots. A list of cards
// (where, which celebrations, language, how delivery goes), one editor at a time (a new robot on
// top, or a card turned into its editor), a test button that shows the robot's own answer, and
// delete with a confirmation. The webhook URL is a secret: it is typed once and only its end is
// ever shown again. The page re-renders on a language switch from its state, so typing survives.
import '@/features/robots/robots.css';
import type { Screen } from '@/app/screen';
import {
  DELETE_ROBOT_MUTATION,
  ROBOTS_QUERY,
  SAVE_ROBOT_MUTATION,
  TEST_ROBOT_MUTATION,
  type DeleteRobotResult,
  type Robot,
  type RobotAnswer,
  type SaveRobotResult,
  type TestRobotResult,
} from '@/features/robots/documents';
import { answerParts, CELEBRATIONS, draftOf, KINDS, LOCALES, robotInput, toggle, type Draft } from '@/features/robots/logic';
import { FieldErrors } from '@/ui/form';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { formatTime, getLocale, t, type MessageKey } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';
import { icon } from '@/ui/icons';

const NAME_MAX = 80;

export const robotsScreen: Screen = (root, { me: maybeMe }) => {
  const me = maybeMe as Me;
  const texts = new Texts();
  if (me.user.role !== 'ADMIN') {
    root.append(h('section', { class: 'page page-narrow empty-page', role: 'alert', 'data-testid': 'robots-forbidden' },
      tx(texts, 'h1', 'robots.adminsOnly', { class: 'page-title' }),
      h('a', { class: 'btn btn-primary', href: '/' }, tx(texts, 'span', 'robots.backHome'))));
    return () => texts.dispose();
  }

  let robots: Robot[] | null = null;
  let loadError = '';
  let draft: Draft | null = null;
  let errors: FieldErrors | null = null;
  let notice = '';
  const answers = new Map<string, RobotAnswer | 'sending' | string>();

  const body = h('div', { class: 'robots-body' });
  const addButton = h('button', {
    type: 'button', class: 'btn btn-primary robots-add', 'data-testid': 'robot-add',
    onclick: () => {
      draft = draftOf(null, getLocale(), crypto.randomUUID());
      notice = '';
      render();
      body.querySelector<HTMLElement>('[data-testid="robot-url"]')?.focus();
    },
  }, icon('plus'), tx(texts, 'span', 'robots.add'));

  const chooser = <T extends string>(name: string, values: readonly T[], label: (v: T) => string, chosen: T, onPick: (v: T) => void) =>
    h('div', { class: 'chip-options', role: 'radiogroup' }, values.map((value) => h('label', { class: 'chip-option' },
      h('input', {
        type: 'radio', name, value, class: 'chip-radio', checked: value === chosen, 'data-testid': `${name}-${value.toLowerCase()}`,
        onchange: () => onPick(value),
      }),
      h('span', null, label(value)))));

  const editor = (d: Draft, robot: Robot | null): HTMLElement => {
    const form = new FieldErrors(robot ? 'robot-form-error' : 'new-robot-error');
    errors = form;
    const name = h('input', {
      class: 'input', value: d.name, maxlength: NAME_MAX, autocomplete: 'off', placeholder: t('robots.namePlaceholder'), 'data-testid': 'robot-name',
      oninput: () => { d.name = name.value; },
    });
    const url = h('input', {
      class: 'input robot-url', type: 'url', value: d.url, autocomplete: 'off', spellcheck: 'false', inputmode: 'url',
      placeholder: robot ? t('robots.urlKeep', { hint: robot.urlHint }) : 'https://', 'data-testid': 'robot-url',
      oninput: () => { d.url = url.value; },
    });
    const secret = h('input', {
      class: 'input', type: 'password', value: d.secret, autocomplete: 'off', 'data-testid': 'robot-secret',
      placeholder: d.hasSecret ? t('robots.secretKeep') : 'SEC…',
      oninput: () => { d.secret = secret.value; },
    });
    const clearSecret = h('input', {
      type: 'checkbox', checked: d.clearSecret, 'data-testid': 'robot-secret-clear',
      onchange: () => { d.clearSecret = clearSecret.checked; },
    });
    const kinds = h('div', { class: 'chip-options' }, CELEBRATIONS.map((c) => h('label', { class: 'chip-option' },
      h('input', {
        type: 'checkbox', class: 'chip-radio', checked: d.celebrations.includes(c), 'data-testid': `robot-celebration-${c.toLowerCase()}`,
        onchange: (event: Event) => {
          d.celebrations = toggle(d.celebrations, c, (event.target as HTMLInputElement).checked);
          form.clearSlot('celebrations');
        },
      }),
      h('span', null, t(`robots.celebration.${c}` as MessageKey)))));
    const active = h('input', { type: 'checkbox', checked: d.active, 'data-testid': 'robot-active', onchange: () => { d.active = active.checked; } });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'robot-save' }, t('robots.save'));
    const cancel = h('button', {
      type: 'button', class: 'btn btn-ghost', 'data-testid': 'robot-cancel',
      onclick: () => { draft = null; render(); },
    }, t('robots.cancel'));

    const save = async () => {
      form.clear();
      if (!d.id && !d.url.trim()) {
        form.show([{ field: 'url', code: 'REQUIRED', message: t('error.REQUIRED') }]);
        return;
      }
      submit.disabled = true;
      try {
        const { saveRobot: result } = await request<{ saveRobot: SaveRobotResult }>(SAVE_ROBOT_MUTATION, { input: robotInput(d) });
        if (result.__typename === 'OperationError') {
          form.show(result.errors);
          return;
        }
        draft = null;
        notice = t('robots.saved');
        const list = robots ?? [];
        robots = list.some((r) => r.id === result.robot.id) ? list.map((r) => (r.id === result.robot.id ? result.robot : r)) : [...list, result.robot];
        render();
      } catch (failure) {
        form.message(failureMessage(failure));
      } finally {
        submit.disabled = false;
      }
    };

    return h('form', {
      class: 'card robot-editor', novalidate: true, 'data-testid': robot ? 'robot-editor' : 'new-robot',
      onsubmit: (event: Event) => { event.preventDefault(); void save(); },
    },
    h('h2', { class: 'robot-title' }, robot ? robot.name || t(`robots.kind.${robot.kind}` as MessageKey) : t('robots.new')),
    h('fieldset', { class: 'field chip-field' }, h('legend', { class: 'label' }, t('robots.fieldKind')),
      chooser('robot-kind', KINDS, (k) => t(`robots.kind.${k}` as MessageKey), d.kind, (k) => { d.kind = k; render(); }),
      form.slot('kind')),
    form.field('robots.fieldUrl', url, 'url', h('p', { class: 'form-hint' }, t('robots.urlHelp'))),
    d.kind === 'DINGTALK'
      ? form.field('robots.fieldSecret', secret, 'secret', h('div', { class: 'form-hint' }, t('robots.secretHelp'),
        d.hasSecret ? h('label', { class: 'robot-check' }, clearSecret, h('span', null, t('robots.secretClear'))) : null))
      : null,
    form.field('robots.fieldName', name, 'name'),
    h('fieldset', { class: 'field chip-field' }, h('legend', { class: 'label' }, t('robots.fieldKinds')), kinds, form.slot('celebrations')),
    h('fieldset', { class: 'field chip-field' }, h('legend', { class: 'label' }, t('robots.fieldLocale')),
      chooser('robot-locale', LOCALES, (l) => t(`robots.locale.${l}` as MessageKey), d.locale, (l) => { d.locale = l; }),
      form.slot('locale')),
    form.summary,
    h('div', { class: 'robot-actions' },
      h('label', { class: 'robot-check' }, active, h('span', null, t('robots.fieldActive'))),
      h('div', { class: 'robot-buttons' }, cancel, submit)));
  };

  const answerLine = (robot: Robot): HTMLElement | null => {
    const answer = answers.get(robot.id);
    if (answer === undefined) return null;
    if (answer === 'sending') return h('p', { class: 'robot-answer', role: 'status', 'data-testid': 'robot-answer' }, t('robots.testing'));
    if (typeof answer === 'string') return h('p', { class: 'robot-answer is-failed', role: 'alert', 'data-testid': 'robot-answer' }, answer);
    const parts = answerParts(answer);
    return h('div', { class: `robot-answer ${parts.ok ? 'is-ok' : 'is-failed'}`, role: 'status', 'data-testid': 'robot-answer' },
      h('strong', null, parts.ok ? icon('check', 'icon icon-small') : icon('alert', 'icon icon-small'), t(parts.ok ? 'robots.answerOk' : 'robots.answerFailed')),
      parts.status ? h('span', { class: 'robot-answer-status' }, parts.status) : null,
      parts.said ? h('span', { class: 'robot-answer-said' }, t('robots.answerSaid', { message: parts.said })) : null);
  };

  const test = async (robot: Robot) => {
    answers.set(robot.id, 'sending');
    render();
    try {
      const { testRobot: result } = await request<{ testRobot: TestRobotResult }>(TEST_ROBOT_MUTATION, { id: robot.id });
      answers.set(robot.id, result.__typename === 'OperationError' ? result.errors.map((e) => e.message).join(' ') : result.answer);
    } catch (failure) {
      answers.set(robot.id, failureMessage(failure));
    }
    render();
  };

  const remove = async (robot: Robot) => {
    if (!window.confirm(t('robots.deleteConfirm', { name: robot.name || t(`robots.kind.${robot.kind}` as MessageKey) }))) return;
    try {
      const { deleteRobot: result } = await request<{ deleteRobot: DeleteRobotResult }>(DELETE_ROBOT_MUTATION, { id: robot.id });
      if (result.__typename === 'OperationError') {
        notice = result.errors.map((e) => e.message).join(' ');
      } else {
        robots = (robots ?? []).filter((r) => r.id !== robot.id);
        notice = t('robots.deleted');
      }
    } catch (failure) {
      notice = failureMessage(failure);
    }
    render();
  };

  const card = (robot: Robot): HTMLElement => {
    if (draft?.id === robot.id) return editor(draft, robot);
    const delivery = robot.lastSentAt
      ? t('robots.lastSent', { when: formatTime(robot.lastSentAt, { dateStyle: 'medium', timeStyle: 'short' }) })
      : t('robots.neverSent');
    return h('article', { class: `card robot-card ${robot.active ? '' : 'is-paused'}`, 'data-testid': 'robot-card', 'data-robot-id': robot.id },
      h('div', { class: 'robot-head' },
        h('span', { class: `robot-kind kind-${robot.kind.toLowerCase()}` }, t(`robots.kind.${robot.kind}` as MessageKey)),
        h('h2', { class: 'robot-title' }, robot.name || t(`robots.kind.${robot.kind}` as MessageKey)),
        robot.active ? null : h('span', { class: 'chip robot-paused' }, t('robots.paused')),
        robot.hasSecret ? h('span', { class: 'chip robot-signed' }, t('robots.signed')) : null),
      h('p', { class: 'robot-url-hint', 'data-testid': 'robot-url-hint' }, robot.urlHint),
      h('ul', { class: 'robot-kinds' }, robot.celebrations.map((c) => h('li', { class: 'chip' }, t(`robots.celebration.${c}` as MessageKey))),
        h('li', { class: 'chip robot-locale' }, t(`robots.locale.${robot.locale}` as MessageKey))),
      h('p', { class: 'robot-delivery' }, delivery),
      robot.failed ? h('p', { class: 'robot-failures', 'data-testid': 'robot-failures' }, t('robots.failed', { count: robot.failed, error: robot.lastError })) : null,
      answerLine(robot),
      h('div', { class: 'robot-buttons' },
        h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'robot-test', disabled: answers.get(robot.id) === 'sending', onclick: () => void test(robot) }, t('robots.test')),
        h('button', {
          type: 'button', class: 'btn btn-ghost btn-small', 'data-testid': 'robot-edit',
          onclick: () => { draft = draftOf(robot, getLocale(), crypto.randomUUID()); notice = ''; render(); },
        }, t('robots.edit')),
        h('button', { type: 'button', class: 'btn btn-ghost btn-small robot-delete', 'data-testid': 'robot-delete', onclick: () => void remove(robot) }, t('robots.delete'))));
  };

  const render = () => {
    errors = null;
    addButton.hidden = draft !== null && draft.id === null;
    const creating = draft !== null && draft.id === null ? editor(draft, null) : null;
    let list: HTMLElement;
    if (loadError) list = h('p', { class: 'form-error', role: 'alert' }, loadError);
    else if (robots === null) list = h('div', { class: 'skeleton-list' }, h('div', { class: 'skeleton-row' }));
    else if (robots.length === 0 && !creating) list = h('p', { class: 'empty-inline', 'data-testid': 'robots-empty' }, t('robots.empty'));
    else list = h('div', { class: 'robot-list', 'data-testid': 'robot-list' }, robots.map(card));
    replace(body, notice ? h('p', { class: 'form-ok', role: 'status', 'data-testid': 'robot-notice' }, notice) : null, creating, list);
  };
  texts.on(render);

  root.append(h('section', { class: 'page robots-page', 'data-testid': 'robots-page' },
    h('header', { class: 'page-head robots-head' },
      h('div', null, tx(texts, 'h1', 'robots.title', { class: 'page-title' }), tx(texts, 'p', 'robots.sub', { class: 'page-sub' })),
      addButton),
    body));
  render();
  void (async () => {
    try {
      robots = (await request<{ robots: Robot[] }>(ROBOTS_QUERY)).robots;
    } catch (failure) {
      loadError = `${t('robots.loadFailed')} ${failureMessage(failure)}`;
    }
    render();
  })();
  return () => texts.dispose();
};
