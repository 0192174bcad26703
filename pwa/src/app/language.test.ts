import { afterEach, describe, expect, it } from 'vitest';
import { languageSwitchText } from '@/app/language';
import { setUiLocale, type UiLocale } from '@/i18n';

describe('language switch', () => {
  afterEach(() => setUiLocale('en'));

  it.each<UiLocale>(['en', 'zh-CN'])('its accessible name starts with its visible text (%s)', (locale) => {
    setUiLocale(locale);
    const { en, zh, visible, label } = languageSwitchText();

    expect(visible).toBe('EN / 中文');
    expect(label.startsWith(visible)).toBe(true);
    expect(label).toContain(en);
    expect(label).toContain(zh);
    expect(label.length).toBeGreaterThan(visible.length); // and says what it does
  });
});
