import '@/features/pipeline/pipeline.css';
import '@/features/pipeline/sync-note.css';
import type { SyncMark } from '@/features/pipeline/queue';
import { t } from '@/i18n';
import { h } from '@/ui/dom';
import { icon } from '@/ui/icons';

/** "Waiting to sync" under what the rep changed on the phone; a refused change links to /sync. */
export function syncNote(mark: SyncMark | null): HTMLElement | null {
  if (mark === null) return null;
  return mark === 'conflict'
    ? h('a', { class: 'deal-sync is-conflict', href: '/sync', 'data-testid': 'deal-sync', 'data-state': mark }, icon('alert', 'icon icon-small'), t('pipeline.waitingConflict'))
    : h('p', { class: 'deal-sync', 'data-testid': 'deal-sync', 'data-state': mark }, h('span', { class: 'deal-sync-dot', 'aria-hidden': 'true' }), t('pipeline.waiting'));
}
