import { hasLiveSubscriptions, onConnectionState, type ConnectionState } from '@/graphql/client';
import { onLocaleChange, t, type MessageKey } from '@/i18n';
import { h } from '@/ui/dom';

const LABEL: Record<ConnectionState, MessageKey> = {
  open: 'conn.open',
  connecting: 'conn.connecting',
  closed: 'conn.closed',
};

/**
 * A live-connection dot with `data-state="open|connecting|closed"` and a label;
 * hidden while no screen needs the socket (it is closed then by design).
 */
export function connectionStatus(showLabel = true): { el: HTMLElement; dispose: () => void } {
  const label = h('span', { class: 'conn-label' });
  const el = h(
    'span',
    { class: 'conn', 'data-testid': 'connection-status', role: 'status' },
    h('span', { class: 'conn-dot', 'aria-hidden': 'true' }),
    showLabel ? label : null,
  );
  let state: ConnectionState = 'closed';
  const render = () => {
    el.dataset.state = state;
    el.hidden = !hasLiveSubscriptions();
    el.title = t(LABEL[state]);
    label.textContent = t(LABEL[state]);
    el.setAttribute('aria-label', t(LABEL[state]));
  };
  const stopState = onConnectionState((next) => {
    state = next;
    render();
  });
  const stopLocale = onLocaleChange(render);
  return {
    el,
    dispose: () => {
      stopState();
      stopLocale();
    },
  };
}
