// Messages that float above the tab bar, where a thumb is: an error that stays until
// dismissed (or the next success), and a notice that goes away by itself.
import { t } from '@/i18n';
import { h } from '@/ui/dom';
import { icon } from '@/ui/icons';

const NOTICE_MS = 6000;

export interface Toasts {
  el: HTMLElement;
  error(message: string | null): void;
  notice(message: string | null, win?: boolean): void;
  dispose(): void;
}

/** `testIds` name the two toasts, e.g. pipeline-error and pipeline-notice. */
export function createToasts(testIds: { error: string; notice: string }): Toasts {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const noticeText = h('span', { class: 'toast-text' });
  const noticeEl = h(
    'div',
    { class: 'toast toast-notice', role: 'status', 'aria-live': 'polite', 'data-testid': testIds.notice, hidden: true },
    icon('spark'),
    noticeText,
  );
  const errorText = h('span', { class: 'toast-text' });
  const close = h('button', { type: 'button', class: 'toast-close', 'aria-label': t('pipeline.dismiss'), onclick: () => error(null) }, '×');
  const errorEl = h(
    'div',
    { class: 'toast toast-error', role: 'alert', 'data-testid': testIds.error, hidden: true },
    icon('alert'),
    errorText,
    close,
  );

  function error(message: string | null): void {
    errorEl.hidden = !message;
    errorText.textContent = message ?? '';
    close.setAttribute('aria-label', t('pipeline.dismiss'));
    if (message) notice(null);
  }

  function notice(message: string | null, win = false): void {
    clearTimeout(timer);
    noticeEl.hidden = !message;
    noticeEl.classList.toggle('is-win', win);
    noticeText.textContent = message ?? '';
    if (message) {
      errorEl.hidden = true;
      timer = setTimeout(() => notice(null), NOTICE_MS);
    }
  }

  return { el: h('div', { class: 'toast-stack' }, errorEl, noticeEl), error, notice, dispose: () => clearTimeout(timer) };
}
