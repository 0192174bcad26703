import { en, type MessageKey } from '@/i18n/en';
import { zhCN } from '@/i18n/zh-CN';

export type { MessageKey } from '@/i18n/en';
export type UiLocale = 'en' | 'zh-CN';
/** The API's `Locale` enum. */
export type ApiLocale = 'EN' | 'ZH_CN';
export type Params = Record<string, string | number>;

export const catalogs: Record<UiLocale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

// The choice made before signing in; once signed in, `me.locale` wins.
const STORAGE_KEY = 'podium.locale';

let current: UiLocale = 'en';
let timeZone: string | undefined;
const listeners = new Set<() => void>();

export function toUiLocale(locale: ApiLocale): UiLocale {
  return locale === 'ZH_CN' ? 'zh-CN' : 'en';
}

export function toApiLocale(locale: UiLocale): ApiLocale {
  return locale === 'zh-CN' ? 'ZH_CN' : 'EN';
}

/** zh, zh-CN, zh-Hans-SG … all read Simplified Chinese; anything else English. */
export function localeFromLanguage(language: string | undefined): UiLocale {
  return language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function detectLocale(): UiLocale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // Storage can be disabled (private mode); the browser language will do.
  }
  return localeFromLanguage(globalThis.navigator?.language);
}

export function getLocale(): UiLocale {
  return current;
}

export function setUiLocale(locale: UiLocale, remember = false): void {
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      // Not remembered across reloads; still applied now.
    }
  }
  if (locale === current) return;
  current = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  listeners.forEach((fn) => fn());
}

/** The org's IANA zone, in which every time is shown (periods follow it too). */
export function setTimeZone(zone: string | undefined): void {
  timeZone = zone;
}

export function getTimeZone(): string | undefined {
  return timeZone;
}

export function onLocaleChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translate(locale: UiLocale, key: MessageKey, params?: Params): string {
  return interpolate(catalogs[locale][key] ?? en[key], params);
}

export function t(key: MessageKey, params?: Params): string {
  return translate(current, key, params);
}

export function formatNumber(value: number, locale: UiLocale = current): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** "350 m", "1.2 km" (and 米 / 公里 in Chinese). */
export function formatDistance(meters: number, locale: UiLocale = current): string {
  if (meters < 1000) {
    return new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: 'meter',
      maximumFractionDigits: 0,
    }).format(Math.round(meters));
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: 'kilometer',
    maximumFractionDigits: meters < 10_000 ? 1 : 0,
  }).format(meters / 1000);
}

export function formatTime(
  value: Date | string,
  options: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' },
  locale: UiLocale = current,
  zone: string | undefined = timeZone,
): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: zone }).format(date);
}

/** The hour of day in the org's zone, for greetings. */
export function hourIn(date: Date, zone: string | undefined = timeZone): number {
  const hour = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: zone })
    .formatToParts(date)
    .find((p) => p.type === 'hour');
  return Number(hour?.value ?? date.getHours());
}
