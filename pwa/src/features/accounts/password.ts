// /settings/password (from the profile): the person changes their own password; their other
// devices are signed out and their sockets close, this one stays.
import '@/features/accounts/accounts.css';
import { html, nothing } from 'lit-html';
import type { Screen } from '@/app/screen';
import { busyLabel, passwordInput, send } from '@/features/accounts/common';
import { CHANGE_PASSWORD_MUTATION, type DoneResult } from '@/features/accounts/documents';
import { t } from '@/i18n';
import { errorSummary, field, NO_ERRORS, type PlacedErrors } from '@/ui/form-view';
import { mount } from '@/ui/view';

interface State {
  current: string;
  next: string;
  shown: boolean;
  busy: boolean;
  done: boolean;
  errors: PlacedErrors;
}

export const passwordScreen: Screen = (root) => {
  const view = mount<State>(root, { current: '', next: '', shown: false, busy: false, done: false, errors: NO_ERRORS }, (s, v) => html`
    <section class="page page-narrow acc-page" data-testid="password-page">
      <a class="back-link" href="/profile">${t('badges.back')}</a>
      <h1 class="page-title">${t('accounts.password.title')}</h1>
      <p class="page-sub">${t('accounts.password.body')}</p>
      <form class="card acc-form acc-form-card" novalidate @submit=${(e: Event) => { e.preventDefault(); void submit(); }}>
        ${field('password-current', t('accounts.password.current'), passwordInput('password-current', s.current, s.shown, s.errors, 'currentPassword',
          (current) => v.update({ current, done: false }), () => v.update({ shown: !s.shown }), 'current-password'), 'currentPassword', s.errors)}
        ${field('password-new', t('accounts.newPassword'), passwordInput('password-new', s.next, s.shown, s.errors, 'newPassword',
          (next) => v.update({ next, done: false }), () => v.update({ shown: !s.shown })), 'newPassword', s.errors, t('accounts.passwordHint'))}
        ${errorSummary(s.errors, 'password-error')}
        ${s.done ? html`<p class="form-ok" role="status" data-testid="password-done">${t('accounts.password.done')}</p>` : nothing}
        <button type="submit" class="btn btn-primary" ?disabled=${s.busy || !s.current || !s.next} data-testid="password-submit">
          ${busyLabel(s.busy, t('accounts.password.submit'), t('accounts.saving'))}
        </button>
      </form>
    </section>`);

  async function submit(): Promise<void> {
    const s = view.state;
    view.update({ busy: true, errors: NO_ERRORS, done: false });
    const outcome = await send<Extract<DoneResult, { __typename: 'DoneSuccess' }>>(
      CHANGE_PASSWORD_MUTATION, { currentPassword: s.current, newPassword: s.next }, 'changePassword', ['currentPassword', 'newPassword']);
    view.update('ok' in outcome ? { busy: false, done: true, current: '', next: '' } : { busy: false, errors: outcome.errors });
  }

  return () => view.stop();
};
