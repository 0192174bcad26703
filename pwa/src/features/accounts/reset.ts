// /reset/<token>: the one-time link an admin issued. A new password ends every session of the
// person; this browser is signed in with it.
import '@/features/accounts/accounts.css';
import { html } from 'lit-html';
import { navigate } from '@/app/router';
import type { Screen } from '@/app/screen';
import { signedIn } from '@/app/session';
import { authCard, busyLabel, passwordInput, send } from '@/features/accounts/common';
import { RESET_PASSWORD_MUTATION, type SignedInResult } from '@/features/accounts/documents';
import { tokenFromPath } from '@/features/accounts/logic';
import type { Me } from '@/graphql/types';
import { t } from '@/i18n';
import { errorSummary, field, NO_ERRORS, type PlacedErrors } from '@/ui/form-view';
import { mount } from '@/ui/view';

interface State {
  password: string;
  shown: boolean;
  busy: boolean;
  errors: PlacedErrors;
}

export const resetScreen: Screen = (root, { location }) => {
  const token = tokenFromPath(location.path, '/reset') ?? '';
  const view = mount<State>(root, { password: '', shown: false, busy: false, errors: NO_ERRORS }, (s, v) =>
    authCard('reset-page', html`
      <h1 class="acc-title">${t('accounts.reset.title')}</h1>
      <p class="acc-sub">${t('accounts.reset.body')}</p>
      <form class="acc-form" novalidate @submit=${(e: Event) => { e.preventDefault(); void submit(); }}>
        ${field('reset-password', t('accounts.newPassword'), passwordInput('reset-password', s.password, s.shown, s.errors, 'newPassword',
          (password) => v.update({ password }), () => v.update({ shown: !s.shown })), 'newPassword', s.errors, t('accounts.passwordHint'))}
        ${errorSummary(s.errors, 'reset-error')}
        <button type="submit" class="btn btn-primary btn-block" ?disabled=${s.busy} data-testid="reset-submit">
          ${busyLabel(s.busy, t('accounts.reset.submit'), t('accounts.saving'))}
        </button>
      </form>`),
  );

  async function submit(): Promise<void> {
    view.update({ busy: true, errors: NO_ERRORS });
    const outcome = await send<Extract<SignedInResult, { me: Me }>>(RESET_PASSWORD_MUTATION, { token, newPassword: view.state.password }, 'resetPassword', ['newPassword']);
    if ('ok' in outcome) {
      signedIn(outcome.ok.me);
      navigate('/', { replace: true });
      return;
    }
    view.update({ busy: false, errors: outcome.errors });
  }

  return () => view.stop();
};
