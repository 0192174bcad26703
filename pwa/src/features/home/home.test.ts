import { afterEach, describe, expect, it } from 'vitest';
import { capBarAria, capProgress, greetingKey } from '@/features/home/home';
import { catalogs, setUiLocale, type UiLocale } from '@/i18n';

describe('home', () => {
  it('fills the daily cap bar, never past full', () => {
    expect(capProgress({ visitPointsToday: 30, dailyCap: 120 })).toBe(0.25);
    expect(capProgress({ visitPointsToday: 150, dailyCap: 120 })).toBe(1);
    expect(capProgress({ visitPointsToday: 10, dailyCap: 0 })).toBe(0);
  });

  describe('the cap bar', () => {
    afterEach(() => setUiLocale('en'));

    it.each<UiLocale>(['en', 'zh-CN'])('has an accessible name and a spoken value (%s)', (locale) => {
      setUiLocale(locale);
      const aria = capBarAria({ visitPointsToday: 30, dailyCap: 120 });

      expect(aria.role).toBe('progressbar');
      expect(aria['aria-label']).toBe(catalogs[locale]['home.capTitle']);
      expect(String(aria['aria-label']).trim()).not.toBe('');
      expect(aria['aria-valuetext']).toContain('30');
      expect(aria['aria-valuetext']).toContain('120');
      expect([aria['aria-valuemin'], aria['aria-valuenow'], aria['aria-valuemax']]).toEqual([0, 30, 120]);
    });
  });

  it('greets by the time of day', () => {
    expect(greetingKey(8)).toBe('home.greetingMorning');
    expect(greetingKey(13)).toBe('home.greetingAfternoon');
    expect(greetingKey(20)).toBe('home.greetingEvening');
  });
});
