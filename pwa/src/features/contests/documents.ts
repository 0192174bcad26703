// Contests' GraphQL documents (validated against schema.graphql by graphql/documents.test.ts)
// and the types of what they select, written by hand like graphql/types.ts. Only documents
// are exported as values: the test parses every one.
import type { NodeKind, OperationError } from '@/graphql/types';

// ---------------------------------------------------------------- types

export type ContestMetric = 'POINTS' | 'REVENUE_WON' | 'DEALS_WON' | 'VERIFIED_VISITS' | 'NEW_CUSTOMERS' | 'GROWTH';
export type ContestMode = 'INDIVIDUAL' | 'TEAM' | 'HEAD_TO_HEAD';
export type ContestStatus = 'UPCOMING' | 'RUNNING' | 'ENDED';

export interface ContestPrize {
  rank: number;
  title: string;
  points: number;
}

export interface ContestEntry {
  /** 1-based; ties share a rank. */
  rank: number;
  /** "user:<id>" or "team:<id>". */
  key: string;
  name: string;
  initials: string;
  color: string;
  /** Decimal as a string; GROWTH is a ratio ("1.25" = +25 %), null without last year's sales. */
  value: string | null;
  lastYear: string | null;
  members: number;
}

export interface Contest {
  id: string;
  name: string;
  description: string;
  metric: ContestMetric;
  mode: ContestMode;
  status: ContestStatus;
  /** Inclusive days of the org's calendar. */
  startsOn: string;
  endsOn: string;
  startsAt: string;
  endsAt: string;
  currency: string;
  prizes: ContestPrize[];
  participants: number;
  standings: ContestEntry[];
  winners: ContestEntry[];
  version: number;
  createdBy: string;
}

export interface ContestPrizeInput {
  rank: number;
  title: string;
  points: number;
}

export interface CreateContestInput {
  clientId: string;
  name: string;
  description: string;
  metric: ContestMetric;
  mode: ContestMode;
  startsOn: string;
  endsOn: string;
  participantIds: string[];
  teamIds: string[];
  prizes: ContestPrizeInput[];
}

export type ContestResult = { __typename: 'ContestSuccess'; contest: Contest } | OperationError;

export interface TreeEntry {
  node: { kind: NodeKind; id: string; name: string; key: string };
  parentKey: string | null;
  depth: number;
}

// ---------------------------------------------------------------- documents

const CONTEST = /* GraphQL */ `
  fragment ContestParts on Contest {
    id name description metric mode status startsOn endsOn startsAt endsAt currency
    prizes { rank title points }
    participants version createdBy
    standings { ...ContestEntryParts }
    winners { ...ContestEntryParts }
  }
  fragment ContestEntryParts on ContestEntry { rank key name initials color value lastYear members }
`;

export const CONTESTS_QUERY = /* GraphQL */ `
  query Contests($status: ContestStatus) { contests(status: $status) { ...ContestParts } }
  ${CONTEST}
`;

export const CONTEST_QUERY = /* GraphQL */ `
  query Contest($id: ID!) { contest(id: $id) { ...ContestParts } }
  ${CONTEST}
`;

export const CONTEST_SUBSCRIPTION = /* GraphQL */ `
  subscription ContestStandings($id: ID!) { contestStandingsChanged(id: $id) { ...ContestParts } }
  ${CONTEST}
`;

export const CREATE_CONTEST_MUTATION = /* GraphQL */ `
  mutation CreateContest($input: CreateContestInput!) {
    createContest(input: $input) {
      __typename
      ... on ContestSuccess { contest { ...ContestParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${CONTEST}
`;

export const CANCEL_CONTEST_MUTATION = /* GraphQL */ `
  mutation CancelContest($id: ID!) {
    cancelContest(id: $id) {
      __typename
      ... on ContestSuccess { contest { id name } }
      ... on OperationError { errors { field code message } }
    }
  }
`;

/** Who a manager may put in a contest: the teams and people in reach. */
export const CONTEST_TREE_QUERY = /* GraphQL */ `
  query ContestTree { orgTree { node { kind id name key } parentKey depth } }
`;
