// /settings/notifications: turn Web Push on or off for this device, and choose what I am told about.
import '@/features/notifications/notifications.css';
import type { Screen } from '@/app/screen';
import {
  browserPushEnv,
  currentSubscription,
  loadPushSettings,
  PushRefused,
  pushState,
  savePushKinds,
  turnOffPush,
  turnOnPush,
  type PushKind,
  type PushPreferences,
  type PushState,
} from '@/features/notifications/push';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import { formatNumber, t, type MessageKey } from '@/i18n';
import { h, replace, Texts, tx } from '@/ui/dom';

const STATE_TEXT: Record<PushState, MessageKey> = {
  unsupported: 'push.stateUnsupported',
  'off-server': 'push.stateOffServer',
  denied: 'push.stateDenied',
  ask: 'push.stateAsk',
  off: 'push.stateOff',
  on: 'push.stateOn',
};

export function kindLabel(kind: PushKind): MessageKey {
  return `push.kind.${kind}` as MessageKey;
}

export const notificationsScreen: Screen = (root) => {
  const texts = new Texts();
  let state: PushState | null = null;
  let publicKey: string | null = null;
  let preferences: PushPreferences | null = null;
  let busy = false;

  const status = h('p', { class: 'push-state', 'data-testid': 'push-state', role: 'status' });
  const action = h('div', { class: 'push-actions' });
  const message = h('p', { class: 'form-error', role: 'alert', hidden: true, 'data-testid': 'push-error' });
  const saved = h('p', { class: 'form-ok', role: 'status', hidden: true });
  const kinds = h('fieldset', { class: 'push-kinds', 'data-testid': 'push-kinds' });
  const devices = h('p', { class: 'stat-foot' });

  const say = (text: string | null) => {
    message.hidden = !text;
    message.textContent = text ?? '';
  };

  const render = () => {
    if (state === null) {
      status.textContent = t('app.loading');
      return;
    }
    status.textContent = t(STATE_TEXT[state]);
    status.dataset.state = state;
    const button = (key: MessageKey, onclick: () => void, primary: boolean) =>
      h('button', { type: 'button', class: `btn ${primary ? 'btn-primary' : ''}`, disabled: busy, onclick, 'data-testid': 'push-toggle' },
        busy ? t('push.working') : t(key));
    if (state === 'ask' || state === 'off') replace(action, button('push.turnOn', () => void turnOn(), true));
    else if (state === 'on') replace(action, button('push.turnOff', () => void turnOff(), false));
    else replace(action);
    if (!preferences) return;
    devices.textContent = t('push.devices', { count: formatNumber(preferences.subscriptions) });
    replace(
      kinds,
      h('legend', null, t('push.kindsTitle')),
      h('p', { class: 'stat-foot' }, t('push.kindsHint')),
      preferences.available.map((kind) =>
        h(
          'label',
          { class: 'check-row' },
          h('input', {
            type: 'checkbox',
            value: kind,
            checked: preferences!.kinds.includes(kind),
            'data-testid': `push-kind-${kind}`,
            onchange: () => void saveKinds(),
          }),
          h('span', null, t(kindLabel(kind))),
        ),
      ),
    );
  };
  texts.on(render);

  const refresh = async () => {
    try {
      const settings = await loadPushSettings();
      publicKey = settings.pushConfig.publicKey;
      preferences = settings.myPushPreferences;
      const subscribed = (await currentSubscription().catch(() => null)) !== null;
      state = pushState(browserPushEnv(), settings.pushConfig.enabled, subscribed);
      say(null);
    } catch (error) {
      say(failureMessage(error));
    }
    render();
  };

  const turnOn = async () => {
    if (!publicKey) return;
    busy = true;
    render();
    try {
      preferences = await turnOnPush(publicKey);
      state = 'on';
      say(null);
    } catch (error) {
      if (error instanceof PushRefused) {
        if (error.reason === 'denied') state = 'denied';
        say(error.reason === 'dismissed' ? t('push.dismissed') : error.errors?.[0] ? fieldErrorMessage(error.errors[0]) : error.reason === 'denied' ? null : t('push.failed'));
      } else {
        say(error instanceof Error && error.name === 'NotAllowedError' ? t('push.dismissed') : t('push.failed'));
      }
    } finally {
      busy = false;
      render();
    }
  };

  const turnOff = async () => {
    busy = true;
    render();
    try {
      await turnOffPush();
      await refresh();
    } catch (error) {
      say(failureMessage(error));
    } finally {
      busy = false;
      render();
    }
  };

  const saveKinds = async () => {
    const chosen = [...kinds.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].filter((i) => i.checked).map((i) => i.value as PushKind);
    saved.hidden = true;
    try {
      const result = await savePushKinds(chosen);
      if ('errors' in result) {
        say(result.errors[0] ? fieldErrorMessage(result.errors[0]) : t('push.failed'));
        return;
      }
      preferences = result;
      saved.hidden = false;
      saved.textContent = t('push.saved');
      say(null);
    } catch (error) {
      say(failureMessage(error));
    }
  };

  root.append(
    h(
      'section',
      { class: 'page page-narrow push-page', 'data-testid': 'push-settings' },
      tx(texts, 'h1', 'push.title', { class: 'page-title' }),
      tx(texts, 'p', 'push.intro', { class: 'hero-sub' }),
      h('div', { class: 'card push-card' }, status, action, message, devices),
      h('div', { class: 'card push-card' }, kinds, saved),
    ),
  );
  render();
  void refresh();
  return () => texts.dispose();
};
