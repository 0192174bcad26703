// Background work's GraphQL documents (validated against schema.graphql by graphql/documents.test.ts)
// and the types of what they select. Only documents are exported as values.
import type { OperationError } from '@/graphql/types';

/** A domain event some of whose consequences have not happened yet. */
export interface EventFailure {
  id: string;
  /** The event's stored name: points, deal_won, celebration, … */
  name: string;
  createdAt: string;
  attempts: number;
  /** One line per failed handler: `module.handler: ExceptionType: message`. */
  error: string;
  givenUp: boolean;
}

export type RetryEventResult = { __typename: 'RetryEventSuccess'; event: EventFailure } | OperationError;

const EVENT_FAILURE = /* GraphQL */ `
  fragment EventFailureParts on EventFailure { id name createdAt attempts error givenUp }
`;

export const EVENT_FAILURES_QUERY = /* GraphQL */ `
  query EventFailures($first: Int!) { eventFailures(first: $first) { ...EventFailureParts } }
  ${EVENT_FAILURE}
`;

export const RETRY_EVENT_MUTATION = /* GraphQL */ `
  mutation RetryEvent($id: ID!) {
    retryEvent(id: $id) {
      __typename
      ... on RetryEventSuccess { event { ...EventFailureParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${EVENT_FAILURE}
`;
