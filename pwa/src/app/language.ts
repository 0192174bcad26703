import { t } from '@/i18n';

/**
 * The language switch's visible text ("EN / 中文") and its accessible name, which starts with that text
 * (WCAG 2.5.3 label in name: "click EN 中文" must work for speech input).
 */
export function languageSwitchText(): { en: string; zh: string; visible: string; label: string } {
  const en = t('lang.en');
  const zh = t('lang.zh');
  const visible = `${en} / ${zh}`;
  return { en, zh, visible, label: t('lang.switchLabel', { visible }) };
}
