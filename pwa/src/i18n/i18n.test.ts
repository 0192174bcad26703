import { describe, expect, it } from 'vitest';
import { en } from '@/i18n/en';
import { zhCN } from '@/i18n/zh-CN';
import { catalogs, formatDistance, interpolate, localeFromLanguage, toApiLocale, toUiLocale, translate } from '@/i18n';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogs', () => {
  it('have exactly the same keys in every language', () => {
    const english = Object.keys(en).sort();
    for (const [locale, catalog] of Object.entries(catalogs)) {
      const keys = Object.keys(catalog).sort();
      expect(keys.filter((k) => !english.includes(k)), `extra keys in ${locale}`).toEqual([]);
      expect(english.filter((k) => !keys.includes(k)), `missing keys in ${locale}`).toEqual([]);
    }
  });

  it('use the same placeholders for each key', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('have no empty message', () => {
    for (const catalog of Object.values(catalogs)) {
      for (const [key, message] of Object.entries(catalog)) expect(message.trim(), key).not.toBe('');
    }
  });

  it('have a fallback for every error code of the API', () => {
    const codes = ['REQUIRED', 'INVALID', 'OUT_OF_RANGE', 'TOO_LONG', 'IN_FUTURE', 'TOO_OLD', 'NOT_FOUND',
      'FORBIDDEN', 'INVALID_CREDENTIALS', 'RATE_LIMITED', 'UNAUTHENTICATED'];
    for (const code of codes) expect(Object.keys(en)).toContain(`error.${code}`);
  });
});

describe('locale', () => {
  it('reads any Chinese browser language as Simplified Chinese', () => {
    expect(localeFromLanguage('zh')).toBe('zh-CN');
    expect(localeFromLanguage('zh-TW')).toBe('zh-CN');
    expect(localeFromLanguage('ZH-hans-SG')).toBe('zh-CN');
    expect(localeFromLanguage('en-GB')).toBe('en');
    expect(localeFromLanguage('fr')).toBe('en');
    expect(localeFromLanguage(undefined)).toBe('en');
  });

  it('maps to and from the API enum', () => {
    expect(toUiLocale('ZH_CN')).toBe('zh-CN');
    expect(toUiLocale('EN')).toBe('en');
    expect(toApiLocale('zh-CN')).toBe('ZH_CN');
    expect(toApiLocale('en')).toBe('EN');
  });
});

describe('formatting', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(translate('zh-CN', 'visit.pointsEarned', { points: 10 })).toBe('+10 积分');
  });

  it('shows distances in metres, then kilometres', () => {
    expect(formatDistance(12.4, 'en')).toBe('12 m');
    expect(formatDistance(999.4, 'en')).toBe('999 m');
    expect(formatDistance(1234, 'en')).toBe('1.2 km');
    expect(formatDistance(23_456, 'en')).toBe('23 km');
    expect(formatDistance(350, 'zh-CN')).toBe('350米');
    expect(formatDistance(1500, 'zh-CN')).toBe('1.5公里');
  });
});
