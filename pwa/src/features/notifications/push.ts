// The browser's side of Web Push: permission, the PushManager subscription, and telling the server.
import { request } from '@/graphql/client';
import type { OperationError } from '@/graphql/types';
import {
  PUSH_SETTINGS_QUERY,
  SET_PUSH_PREFERENCES_MUTATION,
  SUBSCRIBE_PUSH_MUTATION,
  UNSUBSCRIBE_PUSH_MUTATION,
} from '@/features/notifications/documents';

export type PushKind = 'MILESTONE' | 'OVERTAKE' | 'DEAL_WON' | 'REWARD' | 'VISIT_REVIEW';

export interface PushPreferences {
  kinds: PushKind[];
  available: PushKind[];
  subscriptions: number;
}

export interface PushSettings {
  pushConfig: { publicKey: string | null; enabled: boolean };
  myPushPreferences: PushPreferences;
}

/** Where this browser stands: what the settings screen and the home prompt show. */
export type PushState = 'unsupported' | 'off-server' | 'denied' | 'ask' | 'off' | 'on';

export interface PushEnv {
  hasServiceWorker: boolean;
  hasPushManager: boolean;
  hasNotification: boolean;
  permission: NotificationPermission | null;
}

export function browserPushEnv(): PushEnv {
  return {
    hasServiceWorker: 'serviceWorker' in navigator,
    hasPushManager: 'PushManager' in window,
    hasNotification: 'Notification' in window,
    permission: 'Notification' in window ? Notification.permission : null,
  };
}

export function pushState(env: PushEnv, serverEnabled: boolean, subscribed: boolean): PushState {
  // iOS Safari has PushManager only in an installed (home screen) app.
  if (!env.hasServiceWorker || !env.hasPushManager || !env.hasNotification) return 'unsupported';
  if (!serverEnabled) return 'off-server';
  if (env.permission === 'denied') return 'denied';
  if (subscribed && env.permission === 'granted') return 'on';
  return env.permission === 'granted' ? 'off' : 'ask';
}

/** The VAPID key as pushManager.subscribe wants it (base64url → bytes). */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function keyOf(subscription: PushSubscription, name: PushEncryptionKeyName): string {
  const key = subscription.getKey(name);
  if (!key) throw new Error(`push subscription without ${name}`);
  let binary = '';
  for (const byte of new Uint8Array(key)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  return (await registration?.pushManager.getSubscription()) ?? null;
}

export function loadPushSettings(): Promise<PushSettings> {
  return request<PushSettings>(PUSH_SETTINGS_QUERY);
}

export class PushRefused extends Error {
  constructor(readonly reason: 'denied' | 'dismissed' | 'no-worker' | 'server', readonly errors?: OperationError['errors']) {
    super(reason);
  }
}

/** Ask (only from a tap: browsers refuse permission prompts without one), subscribe, register with the server. */
export async function turnOnPush(publicKey: string): Promise<PushPreferences> {
  const permission = await Notification.requestPermission();
  if (permission === 'denied') throw new PushRefused('denied');
  if (permission !== 'granted') throw new PushRefused('dismissed');
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration) throw new PushRefused('no-worker');
  let subscription = await registration.pushManager.getSubscription();
  const key = applicationServerKey(publicKey);
  const existing = subscription?.options.applicationServerKey;
  if (subscription && existing && !sameBytes(new Uint8Array(existing), key)) {
    await subscription.unsubscribe(); // made with an older server key: push services would refuse it
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const result = await request<{
    subscribePush: { __typename: 'SubscribePushSuccess'; preferences: PushPreferences } | (OperationError & { __typename: 'OperationError' });
  }>(SUBSCRIBE_PUSH_MUTATION, {
    input: { endpoint: subscription.endpoint, p256dh: keyOf(subscription, 'p256dh'), auth: keyOf(subscription, 'auth'), userAgent: navigator.userAgent.slice(0, 300) },
  });
  if (result.subscribePush.__typename === 'OperationError') throw new PushRefused('server', result.subscribePush.errors);
  return result.subscribePush.preferences;
}

export async function turnOffPush(): Promise<void> {
  const subscription = await currentSubscription();
  if (!subscription) return;
  await request(UNSUBSCRIBE_PUSH_MUTATION, { endpoint: subscription.endpoint });
  await subscription.unsubscribe();
}

export async function savePushKinds(kinds: PushKind[]): Promise<PushPreferences | OperationError> {
  const result = await request<{
    setPushPreferences: ({ __typename: 'SetPushPreferencesSuccess'; preferences: PushPreferences }) | (OperationError & { __typename: 'OperationError' });
  }>(SET_PUSH_PREFERENCES_MUTATION, { kinds });
  return result.setPushPreferences.__typename === 'SetPushPreferencesSuccess' ? result.setPushPreferences.preferences : result.setPushPreferences;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// The home prompt: offered once there is something worth being told about, never twice after "not now".
const DISMISSED_KEY = 'podium.push.prompt.dismissed';

export function promptDismissed(storage: Pick<Storage, 'getItem'> = localStorage): boolean {
  return storage.getItem(DISMISSED_KEY) === '1';
}

export function dismissPrompt(storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(DISMISSED_KEY, '1');
}

/** Offer push on home after my first celebration, only where asking can work and nobody said no. */
export function shouldOfferPush(state: PushState, myCelebrations: number, dismissed: boolean): boolean {
  return state === 'ask' && myCelebrations > 0 && !dismissed;
}
