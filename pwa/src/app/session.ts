import { request, resetSubscriptions } from '@/graphql/client';
import { LOGOUT_MUTATION, ME_QUERY, SET_LOCALE_MUTATION } from '@/graphql/documents';
import type { Me } from '@/graphql/types';
import { rememberMe } from '@/offline/me';
import { detectLocale, setTimeZone, setUiLocale, toApiLocale, toUiLocale, type UiLocale } from '@/i18n';

// Who is signed in. `me` also decides the language and the time zone of the UI.

let me: Me | null = null;
// True while the install has no company (asked at boot when signed out): every route opens /setup.
let setupNeeded = false;

export function isSetupNeeded(): boolean {
  return setupNeeded;
}

export function setSetupNeeded(needed: boolean): void {
  setupNeeded = needed;
}

export function currentMe(): Me | null {
  return me;
}

export function setMe(next: Me | null): void {
  me = next;
  rememberMe(next);
  if (next) {
    setTimeZone(next.org.timeZone);
    setUiLocale(toUiLocale(next.locale));
  } else {
    setTimeZone(undefined);
    setUiLocale(detectLocale());
  }
}

export async function fetchMe(): Promise<Me | null> {
  const data = await request<{ me: Me | null }>(ME_QUERY);
  return data.me;
}

/** Signed in with a new cookie: the socket must reconnect to carry it. */
export function signedIn(next: Me): void {
  resetSubscriptions();
  setMe(next);
}

export async function logout(): Promise<void> {
  try {
    await request<{ logout: boolean }>(LOGOUT_MUTATION);
  } finally {
    resetSubscriptions();
    setMe(null);
  }
}

/** Applies the language at once; when signed in, also saves it as the user's choice. */
let localeSaving: Promise<void> = Promise.resolve();

/** Resolves once the server has the language last chosen (texts it translates, like stage names, follow it). */
export function whenLocaleSaved(): Promise<void> {
  return localeSaving;
}

export async function changeLocale(locale: UiLocale): Promise<void> {
  const current = me;
  if (current) {
    me = { ...current, locale: toApiLocale(locale) };
    localeSaving = request<{ setLocale: Me }>(SET_LOCALE_MUTATION, { locale: toApiLocale(locale) }).then(
      (data) => {
        me = data.setLocale;
      },
      () => {
        // The screen already speaks the new language; it is saved next time.
      },
    );
  }
  setUiLocale(locale, true);
  await localeSaving;
}
