import '@/features/sync/sync.css';
import { onLocaleChange, t } from '@/i18n';
import { onOutboxChange, type OutboxSummary } from '@/offline/outbox';
import { h } from '@/ui/dom';

const UPLOAD_ICON =
  '<svg class="icon" viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="2" ' +
  'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">' +
  '<path d="M7 18a4.5 4.5 0 0 1-.5-8.97A6 6 0 0 1 18 8.5a4 4 0 0 1-.5 9.5"/><path d="M12 12v8"/><path d="m9 15 3-3 3 3"/></svg>';

function uploadIcon(): Element {
  const template = document.createElement('template');
  template.innerHTML = UPLOAD_ICON;
  return template.content.firstElementChild as Element;
}

/**
 * The top bar's "waiting to sync" count, linking to /sync; hidden when nothing waits,
 * red when something needs the rep's decision.
 */
export function syncBadge(): { el: HTMLAnchorElement; dispose: () => void } {
  const count = h('span', { class: 'sync-badge-count' });
  const el = h('a', { class: 'sync-badge', href: '/sync', 'data-testid': 'sync-badge', 'data-count': 0, hidden: true }, uploadIcon(), count);
  let summary: OutboxSummary = { total: 0, pending: 0, conflicts: 0, held: 0 };
  const render = () => {
    el.hidden = summary.total === 0;
    el.dataset.count = String(summary.total);
    el.dataset.conflicts = String(summary.conflicts);
    el.classList.toggle('has-conflicts', summary.conflicts > 0);
    count.textContent = String(summary.total);
    const label = t('sync.badge', { count: summary.total });
    el.setAttribute('aria-label', label);
    el.title = label;
  };
  const stopOutbox = onOutboxChange((next) => {
    summary = next;
    render();
  });
  const stopLocale = onLocaleChange(render);
  render();
  return {
    el,
    dispose: () => {
      stopOutbox();
      stopLocale();
    },
  };
}
