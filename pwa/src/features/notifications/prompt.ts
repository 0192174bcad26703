// The home card that offers push: after my first celebration, never on load, gone for good after "not now".
import '@/features/notifications/notifications.css';
import {
  browserPushEnv,
  currentSubscription,
  dismissPrompt,
  loadPushSettings,
  promptDismissed,
  pushState,
  shouldOfferPush,
  turnOnPush,
} from '@/features/notifications/push';
import { t } from '@/i18n';
import { navigate } from '@/app/router';
import { h } from '@/ui/dom';
import { icon } from '@/ui/icons';

/** Fills `slot` with the offer when it is worth making; cheap to call again with a new count. */
export async function offerPush(slot: HTMLElement, myCelebrations: number): Promise<void> {
  if (slot.childElementCount > 0) return;
  const env = browserPushEnv();
  if (!shouldOfferPush(pushState(env, true, false), myCelebrations, promptDismissed())) return;
  const settings = await loadPushSettings().catch(() => null);
  if (!settings?.pushConfig.enabled || !settings.pushConfig.publicKey) return;
  if (await currentSubscription().catch(() => null)) return;
  const publicKey = settings.pushConfig.publicKey;
  const close = () => slot.replaceChildren();
  const yes = h('button', {
    type: 'button',
    class: 'btn btn-primary',
    'data-testid': 'push-prompt-yes',
    onclick: async () => {
      yes.disabled = true;
      try {
        await turnOnPush(publicKey);
        close();
      } catch {
        // Refused or failed: the settings screen explains what to do.
        dismissPrompt();
        navigate('/settings/notifications');
      }
    },
  }, t('push.promptYes'));
  slot.replaceChildren(
    h(
      'div',
      { class: 'card push-prompt', 'data-testid': 'push-prompt', role: 'region', 'aria-label': t('push.promptTitle') },
      icon('spark', 'icon push-prompt-icon'),
      h('div', { class: 'push-prompt-text' }, h('strong', null, t('push.promptTitle')), h('p', null, t('push.promptBody'))),
      h('div', { class: 'push-prompt-actions' },
        yes,
        h('button', { type: 'button', class: 'btn', 'data-testid': 'push-prompt-no', onclick: () => { dismissPrompt(); close(); } }, t('push.promptNo')),
      ),
    ),
  );
}
