import '@/features/login/login.css';
import { navigate, safeNext } from '@/app/router';
import type { Screen } from '@/app/screen';
import { signedIn } from '@/app/session';
import { request } from '@/graphql/client';
import { LOGIN_MUTATION } from '@/graphql/documents';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { LoginResult } from '@/graphql/types';
import { t } from '@/i18n';
import { h, Texts, tx } from '@/ui/dom';

// The demo build's accounts; the hint is a feature of the demo, shown to anyone
// signed out.
export const DEMO_PASSWORD = 'podium-demo';
const DEMO_ACCOUNTS = [
  { email: 'rep@example.com', role: 'login.demoRep' },
  { email: 'manager@example.com', role: 'login.demoManager' },
  { email: 'admin@example.com', role: 'login.demoAdmin' },
] as const;

export const loginScreen: Screen = (root, { location }) => {
  const texts = new Texts();
  const next = safeNext(location.params.get('next'));

  const email = h('input', {
    id: 'login-email',
    class: 'input',
    type: 'email',
    name: 'email',
    autocomplete: 'username',
    inputmode: 'email',
    autocapitalize: 'none',
    spellcheck: 'false',
    'data-testid': 'login-email',
  });
  const password = h('input', {
    id: 'login-password',
    class: 'input',
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    'data-testid': 'login-password',
  });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'login-error', hidden: true });
  const submitLabel = tx(texts, 'span', 'login.submit');
  const submit = h(
    'button',
    { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'login-submit' },
    submitLabel,
  );
  let lastError: (() => string) | null = null;

  const showError = (message: (() => string) | null) => {
    lastError = message;
    error.hidden = !message;
    error.textContent = message ? message() : '';
  };
  texts.on(() => showError(lastError));

  const setBusy = (busy: boolean) => {
    submit.disabled = busy;
    submit.setAttribute('aria-busy', String(busy));
    submitLabel.textContent = t(busy ? 'login.submitting' : 'login.submit');
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const values = { email: email.value.trim(), password: password.value };
    if (!values.email || !values.password) {
      showError(() => t('error.REQUIRED'));
      (values.email ? password : email).focus();
      return;
    }
    setBusy(true);
    showError(null);
    try {
      const { login } = await request<{ login: LoginResult }>(LOGIN_MUTATION, values);
      if (login.__typename === 'LoginSuccess') {
        signedIn(login.me);
        navigate(next, { replace: true });
        return;
      }
      // The server's message is already in the caller's language; keep it as sent.
      const messages = login.errors.map(fieldErrorMessage);
      showError(() => messages.join(' ') || t('error.unknown'));
      password.select();
    } catch (failure) {
      showError(() => failureMessage(failure));
    }
    setBusy(false);
  };

  const demo = h(
    'aside',
    { class: 'demo-hint', 'data-testid': 'login-demo' },
    tx(texts, 'h2', 'login.demoTitle', { class: 'demo-title' }),
    texts.text(h('p', { class: 'demo-body' }), () => t('login.demoBody', { password: DEMO_PASSWORD })),
    h(
      'ul',
      { class: 'demo-list' },
      DEMO_ACCOUNTS.map((account) =>
        h(
          'li',
          null,
          h(
            'button',
            {
              type: 'button',
              class: 'demo-account',
              onclick: () => {
                email.value = account.email;
                password.value = DEMO_PASSWORD;
                showError(null);
                submit.focus();
              },
            },
            tx(texts, 'span', account.role, { class: 'demo-role' }),
            h('span', { class: 'demo-email' }, account.email),
          ),
        ),
      ),
    ),
  );

  const form = h(
    'form',
    { class: 'login-form', novalidate: true, onsubmit: onSubmit },
    h('div', { class: 'field' }, tx(texts, 'label', 'login.email', { for: 'login-email', class: 'label' }), email),
    h('div', { class: 'field' }, tx(texts, 'label', 'login.password', { for: 'login-password', class: 'label' }), password),
    error,
    submit,
  );

  root.append(
    h(
      'section',
      { class: 'login-page' },
      h(
        'div',
        { class: 'login-card card' },
        h('img', { class: 'login-mark', src: '/icons/icon.svg', alt: '', width: 56, height: 56 }),
        tx(texts, 'h1', 'login.title', { class: 'login-title' }),
        tx(texts, 'p', 'login.subtitle', { class: 'login-subtitle' }),
        form,
      ),
      demo,
    ),
  );
  email.focus();
  return () => texts.dispose();
};
