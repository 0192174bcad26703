// /setup: the first-run page of an install with no company. Company name, time zone, currency,
// fiscal-year start and language, then the first admin, who is signed in at once.
import '@/features/accounts/accounts.css';
import { html } from 'lit-html';
import { navigate } from '@/app/router';
import type { Screen } from '@/app/screen';
import { setSetupNeeded, signedIn } from '@/app/session';
import { authCard, busyLabel, passwordInput, send } from '@/features/accounts/common';
import { SET_UP_COMPANY_MUTATION, type SignedInResult } from '@/features/accounts/documents';
import { currencies, timeZones } from '@/features/accounts/logic';
import type { Me } from '@/graphql/types';
import { getLocale, t, toApiLocale, type UiLocale } from '@/i18n';
import { errorSummary, field, invalid, NO_ERRORS, type PlacedErrors } from '@/ui/form-view';
import { mount } from '@/ui/view';

const SLOTS = ['name', 'timeZone', 'currency', 'fiscalYearStartMonth', 'locale', 'adminName', 'adminEmail', 'adminPassword'];

/** "April" / "四月": the fiscal year's first month as people say it. */
function monthName(month: number): string {
  return new Intl.DateTimeFormat(getLocale(), { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, month - 1, 1)));
}

interface State {
  name: string;
  timeZone: string;
  currency: string;
  fiscalStart: number;
  locale: UiLocale;
  adminName: string;
  adminEmail: string;
  password: string;
  shown: boolean;
  busy: boolean;
  errors: PlacedErrors;
}

export const setupScreen: Screen = (root) => {
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zones = timeZones(own);
  const money = currencies();
  const view = mount<State>(
    root,
    {
      name: '', timeZone: zones[0] ?? 'Asia/Shanghai', currency: 'CNY', fiscalStart: 1, locale: getLocale(),
      adminName: '', adminEmail: '', password: '', shown: false, busy: false, errors: NO_ERRORS,
    },
    (s, v) => {
      const text = (id: string, value: string, key: keyof State, type = 'text', autocomplete = 'off') => html`<input id=${id} class="input"
        type=${type} autocomplete=${autocomplete} .value=${value} aria-invalid=${invalid(s.errors, id.replace('setup-', ''))} data-testid=${id}
        @input=${(e: Event) => v.update({ [key]: (e.target as HTMLInputElement).value } as Partial<State>)} />`;
      return authCard('setup-page', html`
        <h1 class="acc-title">${t('accounts.setup.title')}</h1>
        <p class="acc-sub">${t('accounts.setup.subtitle')}</p>
        <form class="acc-form" novalidate @submit=${(e: Event) => { e.preventDefault(); void submit(); }}>
          <fieldset class="acc-group">
            <legend class="acc-legend">${t('accounts.setup.company')}</legend>
            ${field('setup-name', t('accounts.setup.name'), text('setup-name', s.name, 'name', 'text', 'organization'), 'name', s.errors)}
            ${field('setup-timeZone', t('accounts.setup.timeZone'), html`<select id="setup-timeZone" class="input" data-testid="setup-timezone"
                @change=${(e: Event) => v.update({ timeZone: (e.target as HTMLSelectElement).value })}>
                ${zones.map((z) => html`<option value=${z} ?selected=${z === s.timeZone}>${z.replace(/_/g, ' ')}</option>`)}
              </select>`, 'timeZone', s.errors, t('accounts.setup.timeZoneHint'))}
            <div class="acc-row">
              ${field('setup-currency', t('accounts.setup.currency'), html`<select id="setup-currency" class="input" data-testid="setup-currency"
                  @change=${(e: Event) => v.update({ currency: (e.target as HTMLSelectElement).value })}>
                  ${money.map((c) => html`<option value=${c} ?selected=${c === s.currency}>${c}</option>`)}
                </select>`, 'currency', s.errors)}
              ${field('setup-fiscal', t('accounts.setup.fiscalStart'), html`<select id="setup-fiscal" class="input" data-testid="setup-fiscal"
                  @change=${(e: Event) => v.update({ fiscalStart: Number((e.target as HTMLSelectElement).value) })}>
                  ${Array.from({ length: 12 }, (_, i) => i + 1).map((m) => html`<option value=${m} ?selected=${m === s.fiscalStart}>${monthName(m)}</option>`)}
                </select>`, 'fiscalYearStartMonth', s.errors)}
            </div>
            ${field('setup-locale', t('accounts.setup.language'), html`<select id="setup-locale" class="input" data-testid="setup-locale"
                @change=${(e: Event) => v.update({ locale: (e.target as HTMLSelectElement).value as UiLocale })}>
                <option value="zh-CN" ?selected=${s.locale === 'zh-CN'}>简体中文</option>
                <option value="en" ?selected=${s.locale === 'en'}>English</option>
              </select>`, 'locale', s.errors)}
          </fieldset>
          <fieldset class="acc-group">
            <legend class="acc-legend">${t('accounts.setup.admin')}</legend>
            ${field('setup-adminName', t('accounts.setup.adminName'), text('setup-adminName', s.adminName, 'adminName', 'text', 'name'), 'adminName', s.errors)}
            ${field('setup-adminEmail', t('accounts.setup.adminEmail'), text('setup-adminEmail', s.adminEmail, 'adminEmail', 'email', 'username'), 'adminEmail', s.errors)}
            ${field('setup-password', t('accounts.setup.password'), passwordInput('setup-password', s.password, s.shown, s.errors, 'adminPassword',
              (password) => v.update({ password }), () => v.update({ shown: !s.shown })), 'adminPassword', s.errors, t('accounts.passwordHint'))}
          </fieldset>
          ${errorSummary(s.errors, 'setup-error')}
          <button type="submit" class="btn btn-primary btn-block" ?disabled=${s.busy} data-testid="setup-submit">
            ${busyLabel(s.busy, t('accounts.setup.submit'), t('accounts.saving'))}
          </button>
        </form>`);
    },
  );

  async function submit(): Promise<void> {
    const s = view.state;
    view.update({ busy: true, errors: NO_ERRORS });
    const input = {
      name: s.name, timeZone: s.timeZone, currency: s.currency, fiscalYearStartMonth: s.fiscalStart, locale: toApiLocale(s.locale),
      adminName: s.adminName, adminEmail: s.adminEmail, adminPassword: s.password,
    };
    const outcome = await send<Extract<SignedInResult, { me: Me }>>(SET_UP_COMPANY_MUTATION, { input }, 'setUpCompany', SLOTS);
    if ('ok' in outcome) {
      setSetupNeeded(false);
      signedIn(outcome.ok.me);
      navigate('/', { replace: true });
      return;
    }
    if (outcome.codes.includes('ALREADY_SET_UP')) setSetupNeeded(false);
    view.update({ busy: false, errors: outcome.errors });
  }

  return () => view.stop();
};
