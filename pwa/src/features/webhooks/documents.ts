// Outbound webhooks' GraphQL documents (validated against schema.graphql by graphql/documents.test.ts)
// and the types of what they select. Only documents are exported as values.
import type { OperationError } from '@/graphql/types';

export type WebhookEventType =
  | 'DEAL_WON' | 'DEAL_LOST' | 'DEAL_REVERSED' | 'PAYMENT_COLLECTED' | 'PAYMENT_REFUNDED' | 'VISIT_VERIFIED'
  | 'CUSTOMER_CREATED' | 'TARGET_SAVED' | 'STATEMENT_APPROVED' | 'REWARD_DECIDED' | 'BADGE_EARNED';

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
  /** GONE when the endpoint answered 410 and we disabled it; empty otherwise. */
  disabledReason: string;
  previousSecretUntil: string | null;
  createdAt: string;
}

export type DeliveryState = 'PENDING' | 'SENT' | 'FAILED';

export interface WebhookDelivery {
  id: string;
  messageId: string;
  eventType: string;
  state: DeliveryState;
  attempts: number;
  statusCode: number | null;
  error: string;
  responseExcerpt: string;
  durationMs: number | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

export interface EndpointInput {
  id?: string;
  clientId?: string;
  url?: string;
  description: string;
  eventTypes: WebhookEventType[];
  enabled: boolean;
}

export type SecretResult = { __typename: 'WebhookSecretSuccess'; secret: string; endpoint: WebhookEndpoint } | OperationError;
export type UpdateResult = { __typename: 'UpdateWebhookEndpointSuccess'; endpoint: WebhookEndpoint } | OperationError;
export type DeleteResult = { __typename: 'DeleteWebhookEndpointSuccess'; removed: boolean } | OperationError;
export type DeliveryResult = { __typename: 'WebhookDeliverySuccess'; delivery: WebhookDelivery } | OperationError;

const ENDPOINT = 'id url description eventTypes enabled disabledReason previousSecretUntil createdAt';
const DELIVERY = 'id messageId eventType state attempts statusCode error responseExcerpt durationMs createdAt lastAttemptAt nextAttemptAt';
const ERRORS = '... on OperationError { errors { field code message } }';

export const WEBHOOK_ENDPOINTS_QUERY = `query WebhookEndpoints { webhookEndpoints { ${ENDPOINT} } }`;

export const WEBHOOK_DELIVERIES_QUERY = `query WebhookDeliveries($endpointId: ID!) {
  webhookDeliveries(endpointId: $endpointId, first: 100) { ${DELIVERY} }
}`;

export const CREATE_WEBHOOK_MUTATION = `mutation CreateWebhook($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { __typename ... on WebhookSecretSuccess { secret endpoint { ${ENDPOINT} } } ${ERRORS} }
}`;

export const UPDATE_WEBHOOK_MUTATION = `mutation UpdateWebhook($input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(input: $input) { __typename ... on UpdateWebhookEndpointSuccess { endpoint { ${ENDPOINT} } } ${ERRORS} }
}`;

export const DELETE_WEBHOOK_MUTATION = `mutation DeleteWebhook($id: ID!) {
  deleteWebhookEndpoint(id: $id) { __typename ... on DeleteWebhookEndpointSuccess { removed } ${ERRORS} }
}`;

export const ROTATE_WEBHOOK_SECRET_MUTATION = `mutation RotateWebhookSecret($id: ID!, $overlapHours: Int!) {
  rotateWebhookSecret(id: $id, overlapHours: $overlapHours) { __typename ... on WebhookSecretSuccess { secret endpoint { ${ENDPOINT} } } ${ERRORS} }
}`;

export const SEND_TEST_WEBHOOK_MUTATION = `mutation SendTestWebhook($id: ID!) {
  sendTestWebhook(id: $id) { __typename ... on WebhookDeliverySuccess { delivery { ${DELIVERY} } } ${ERRORS} }
}`;

export const REPLAY_WEBHOOK_DELIVERY_MUTATION = `mutation ReplayWebhookDelivery($id: ID!) {
  replayWebhookDelivery(id: $id) { __typename ... on WebhookDeliverySuccess { delivery { ${DELIVERY} } } ${ERRORS} }
}`;
