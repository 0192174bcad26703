// /join/<token> (the link shared in WeCom or DingTalk) and /join (typing the short code): who is
// invited where, then a password (and an email when the invitation had none); the new person lands
// signed in on home. Laid out for a 390 × 844 phone.
import '@/features/accounts/accounts.css';
import { html, nothing } from 'lit-html';
import { navigate } from '@/app/router';
import type { Screen } from '@/app/screen';
import { signedIn } from '@/app/session';
import { authCard, busyLabel, passwordInput, send } from '@/features/accounts/common';
import { ACCEPT_INVITATION_MUTATION, INVITATION_QUERY, type InvitationPreview, type SignedInResult } from '@/features/accounts/documents';
import { isCompleteCode, normalizeCode, tokenFromPath } from '@/features/accounts/logic';
import { request } from '@/graphql/client';
import { failureMessage } from '@/graphql/errors';
import type { Me } from '@/graphql/types';
import { getLocale, t, toApiLocale, type MessageKey } from '@/i18n';
import { errorSummary, field, formMessage, invalid, NO_ERRORS, type PlacedErrors } from '@/ui/form-view';
import { mount } from '@/ui/view';

interface State {
  phase: 'code' | 'loading' | 'form' | 'failed';
  token: string | null;
  code: string;
  preview: InvitationPreview | null;
  email: string;
  password: string;
  shown: boolean;
  busy: boolean;
  errors: PlacedErrors;
}

export const joinScreen: Screen = (root, { location }) => {
  const token = tokenFromPath(location.path, '/join');
  const view = mount<State>(
    root,
    { phase: token ? 'loading' : 'code', token, code: '', preview: null, email: '', password: '', shown: false, busy: false, errors: NO_ERRORS },
    (s, v) => {
      if (s.phase === 'loading') {
        return authCard('join-page', html`<div class="acc-loading" aria-busy="true"><span class="spinner"></span></div>`);
      }
      if (s.phase === 'code' || s.phase === 'failed') {
        return authCard('join-page', html`
          <h1 class="acc-title">${t('accounts.join.codeTitle')}</h1>
          <p class="acc-sub">${t('accounts.join.codeHelp')}</p>
          <form class="acc-form" novalidate @submit=${(e: Event) => { e.preventDefault(); void lookUp(); }}>
            ${field('join-code', t('accounts.join.code'), html`<input id="join-code" class="input acc-code-input" autocomplete="one-time-code"
                autocapitalize="characters" spellcheck="false" inputmode="text" placeholder="ABCD-EFGH" .value=${s.code}
                aria-invalid=${invalid(s.errors, 'code')} data-testid="join-code"
                @input=${(e: Event) => v.update({ code: normalizeCode((e.target as HTMLInputElement).value) })} />`, 'code', s.errors)}
            ${errorSummary(s.errors, 'join-error')}
            <button type="submit" class="btn btn-primary btn-block" ?disabled=${s.busy || !isCompleteCode(s.code)} data-testid="join-check">
              ${busyLabel(s.busy, t('accounts.join.check'), t('accounts.join.checking'))}
            </button>
          </form>
          <p class="acc-foot"><a href="/login">${t('accounts.join.toLogin')}</a></p>`);
      }
      const p = s.preview!;
      return authCard('join-page', html`
        <h1 class="acc-title" data-testid="join-welcome">${t('accounts.join.welcome', { name: p.name })}</h1>
        <p class="acc-sub">${t('accounts.join.invitedTo', { org: p.orgName, role: t(`accounts.role.${p.role}` as MessageKey) })}</p>
        <form class="acc-form" novalidate @submit=${(e: Event) => { e.preventDefault(); void accept(); }}>
          ${p.email
            ? html`<p class="acc-note">${t('accounts.join.emailFixed', { email: p.email })}</p>`
            : field('join-email', t('accounts.join.email'), html`<input id="join-email" class="input" type="email" autocomplete="username"
                inputmode="email" autocapitalize="none" spellcheck="false" .value=${s.email} aria-invalid=${invalid(s.errors, 'email')}
                data-testid="join-email" @input=${(e: Event) => v.update({ email: (e.target as HTMLInputElement).value })} />`, 'email', s.errors)}
          ${field('join-password', t('accounts.join.password'), passwordInput('join-password', s.password, s.shown, s.errors, 'password',
            (password) => v.update({ password }), () => v.update({ shown: !s.shown })), 'password', s.errors, t('accounts.passwordHint'))}
          ${errorSummary(s.errors, 'join-error')}
          <button type="submit" class="btn btn-primary btn-block btn-large" ?disabled=${s.busy} data-testid="join-submit">
            ${busyLabel(s.busy, t('accounts.join.submit'), t('accounts.join.submitting'))}
          </button>
        </form>
        ${s.token ? nothing : html`<p class="acc-foot"><button type="button" class="link-button" @click=${() => v.update({ phase: 'code', preview: null, errors: NO_ERRORS })}>${t('accounts.join.otherCode')}</button></p>`}`);
    },
  );

  async function lookUp(): Promise<void> {
    const s = view.state;
    view.update({ busy: true, errors: NO_ERRORS });
    try {
      const { invitation } = await request<{ invitation: InvitationPreview }>(INVITATION_QUERY, s.token ? { token: s.token } : { code: s.code });
      view.update({ phase: 'form', preview: invitation, busy: false });
    } catch (failure) {
      // Expired, revoked, used or unknown: the server's coded error says which, in the visitor's language.
      view.update({ phase: 'failed', busy: false, errors: formMessage(failureMessage(failure)) });
    }
  }

  async function accept(): Promise<void> {
    const s = view.state;
    view.update({ busy: true, errors: NO_ERRORS });
    const input = { ...(s.token ? { token: s.token } : { code: s.code }), password: s.password, email: s.preview?.email ? null : s.email, locale: toApiLocale(getLocale()) };
    const outcome = await send<Extract<SignedInResult, { me: Me }>>(ACCEPT_INVITATION_MUTATION, { input }, 'acceptInvitation', ['email', 'password']);
    if ('ok' in outcome) {
      signedIn(outcome.ok.me);
      navigate('/', { replace: true });
      return;
    }
    view.update({ busy: false, errors: outcome.errors });
  }

  if (token) void lookUp();
  return () => view.stop();
};
