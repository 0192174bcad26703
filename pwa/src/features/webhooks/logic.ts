// What the webhooks page decides without the DOM: the types offered, a form's draft and the input it sends.
import type { EndpointInput, WebhookDelivery, WebhookEndpoint, WebhookEventType } from '@/features/webhooks/documents';

/** In the order the page lists them; the value's wire name is shown beside its label. */
export const EVENT_TYPES: ReadonlyArray<{ type: WebhookEventType; wire: string }> = [
  { type: 'DEAL_WON', wire: 'deal.won' },
  { type: 'DEAL_LOST', wire: 'deal.lost' },
  { type: 'DEAL_REVERSED', wire: 'deal.reversed' },
  { type: 'PAYMENT_COLLECTED', wire: 'payment.collected' },
  { type: 'PAYMENT_REFUNDED', wire: 'payment.refunded' },
  { type: 'VISIT_VERIFIED', wire: 'visit.verified' },
  { type: 'CUSTOMER_CREATED', wire: 'customer.created' },
  { type: 'TARGET_SAVED', wire: 'target.saved' },
  { type: 'STATEMENT_APPROVED', wire: 'statement.approved' },
  { type: 'REWARD_DECIDED', wire: 'reward.decided' },
  { type: 'BADGE_EARNED', wire: 'badge.earned' },
];

/** Hours the old secret keeps signing after a rotation (0: it stops at once). */
export const OVERLAPS: readonly number[] = [0, 1, 24, 72, 168];

export interface Draft {
  id: string | null;
  clientId: string;
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
}

export function draftOf(endpoint: WebhookEndpoint | null, clientId: string): Draft {
  return {
    id: endpoint?.id ?? null,
    clientId,
    url: endpoint?.url ?? '',
    description: endpoint?.description ?? '',
    eventTypes: endpoint ? [...endpoint.eventTypes] : ['DEAL_WON'],
    enabled: endpoint?.enabled ?? true,
  };
}

/** The mutation's input, types in the page's order; an edit that keeps the URL leaves it out. */
export function inputOf(draft: Draft, stored: WebhookEndpoint | null): EndpointInput {
  const input: EndpointInput = {
    description: draft.description.trim(),
    eventTypes: EVENT_TYPES.map((e) => e.type).filter((type) => draft.eventTypes.includes(type)),
    enabled: draft.enabled,
  };
  const url = draft.url.trim();
  if (draft.id) input.id = draft.id;
  else input.clientId = draft.clientId;
  if (!stored || url !== stored.url) input.url = url;
  return input;
}

export function toggle<T>(list: readonly T[], value: T, on: boolean): T[] {
  const rest = list.filter((v) => v !== value);
  return on ? [...rest, value] : rest;
}

/** The wire name's label key, or null for webhook.test and names this version does not know. */
export function typeOfWire(wire: string): WebhookEventType | null {
  return EVENT_TYPES.find((e) => e.wire === wire)?.type ?? null;
}

/** Sent or failed deliveries may be replayed; a pending one is already on its way. */
export function canReplay(delivery: WebhookDelivery, endpoint: WebhookEndpoint): boolean {
  return endpoint.enabled && delivery.state !== 'PENDING';
}

/** How the endpoint stands: on, off by an admin, or off because it answered 410. */
export function endpointState(endpoint: WebhookEndpoint): 'on' | 'off' | 'gone' {
  if (endpoint.enabled) return 'on';
  return endpoint.disabledReason === 'GONE' ? 'gone' : 'off';
}
