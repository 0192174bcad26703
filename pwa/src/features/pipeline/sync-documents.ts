// The documents the outbox sends for the pipeline (validated against schema.graphql by
// documents.test.ts). Each answer carries the whole deal, so the phone can show the
// server's outcome and rebase the rep's next queued write on the version it produced.
// Only documents are exported as values: the test parses every one.
import type { Deal, DealSuccess, OperationError } from '@/graphql/types';

const DEAL_PARTS = /* GraphQL */ `
  fragment SyncDealParts on Deal {
    id title amount currency expectedClose status probability closeReason version
    leadSource closedAt
    customer { id name }
    owner { id name }
    stage { id key name probability outcome }
  }
`;

const DEAL_SUCCESS = /* GraphQL */ `
  __typename
  ... on DealSuccess { replayed pointsAwarded deal { ...SyncDealParts } }
  ... on OperationError { errors { field code message } }
`;

export const SYNC_CREATE_DEAL = /* GraphQL */ `
  mutation SyncCreateDeal($input: CreateDealInput!) { createDeal(input: $input) { ${DEAL_SUCCESS} } }
  ${DEAL_PARTS}
`;

export const SYNC_MOVE_DEAL = /* GraphQL */ `
  mutation SyncMoveDeal($input: MoveDealInput!) { moveDeal(input: $input) { ${DEAL_SUCCESS} } }
  ${DEAL_PARTS}
`;

export const SYNC_UPDATE_DEAL = /* GraphQL */ `
  mutation SyncUpdateDeal($input: UpdateDealInput!) { updateDeal(input: $input) { ${DEAL_SUCCESS} } }
  ${DEAL_PARTS}
`;

export const SYNC_LOG_ACTIVITY = /* GraphQL */ `
  mutation SyncLogActivity($input: LogActivityInput!) {
    logActivity(input: $input) {
      __typename
      ... on ActivitySuccess { replayed activity { id clientId kind outcome note occurredAt user { name } } }
      ... on OperationError { errors { field code message } }
    }
  }
`;

/** Re-reading a deal's version before applying the rep's change again. */
export const SYNC_DEAL_VERSION = /* GraphQL */ `
  query SyncDealVersion($id: ID!) { deal(id: $id) { deal { ...SyncDealParts } } }
  ${DEAL_PARTS}
`;

// ---------------------------------------------------------------- types

export type { DealSuccess };
export type DealWriteResult = DealSuccess | OperationError;

export interface SyncedActivity {
  id: string;
  clientId: string;
  kind: import('@/graphql/types').ActivityKind;
  outcome: import('@/graphql/types').ActivityOutcome;
  note: string;
  occurredAt: string;
  user: { name: string } | null;
}

export interface ActivitySuccess {
  __typename: 'ActivitySuccess';
  replayed: boolean;
  activity: SyncedActivity;
}
export type ActivityWriteResult = ActivitySuccess | OperationError;

export type { Deal };
