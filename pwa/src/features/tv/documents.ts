// The office TV's and the pairing screen's GraphQL documents (validated against schema.graphql by
// graphql/documents.test.ts) and the types of what they select. Only documents are exported as values.
import type { BoardMetric, BoardScope, OperationError, Period, Team } from '@/graphql/types';
import type { ApiLocale } from '@/i18n';

// ---------------------------------------------------------------- types

export interface DisplayBoard {
  period: Period;
  scope: BoardScope;
  metric: BoardMetric;
  team: Team | null;
}

export interface Display {
  id: string;
  name: string;
  rotateSeconds: number;
  boards: DisplayBoard[];
  createdAt: string;
  paired: boolean;
  lastSeenAt: string | null;
  /** The TV speaks the pairing manager's language. */
  locale: ApiLocale;
}

export interface DisplayBoardInput {
  period: Period;
  scope: BoardScope;
  metric: BoardMetric;
  teamId?: string | null;
}

/** One frame of a scope's KPI tiles (tvKpisChanged): whole, the latest replaces the rest. Money as decimal strings. */
export interface TvKpis {
  scope: BoardScope;
  team: Team | null;
  label: string;
  currency: string;
  periodKey: string;
  startsAt: string;
  endsAt: string;
  elapsed: number;
  revenue: string;
  target: string | null;
  attainment: number | null;
  expected: string | null;
  pace: number | null;
  wonMonth: number;
  collections: string;
  wonToday: number;
  wonTodayAmount: string;
  wonWeek: number;
  weekRevenue: string;
}

export type DisplayResult = { __typename: 'DisplaySuccess'; display: Display } | OperationError;

// ---------------------------------------------------------------- documents

const DISPLAY = /* GraphQL */ `
  fragment DisplayParts on Display {
    id
    name
    rotateSeconds
    createdAt
    paired
    lastSeenAt
    locale
    boards { period scope metric team { id name } }
  }
`;

const USER = /* GraphQL */ `
  fragment TvUserParts on User { id name initials role avatarColor photoUrl team { id name } }
`;

const CELEBRATION = /* GraphQL */ `
  fragment TvCelebrationParts on Celebration {
    id kind threshold points createdAt message
    user { ...TvUserParts }
    otherUser { ...TvUserParts }
  }
`;

/** Who this TV is: a signed-in person's browser gets `me`, a paired display `myDisplay`, neither: pair. */
export const MY_DISPLAY_QUERY = /* GraphQL */ `
  query MyDisplay { myDisplay { ...DisplayParts } }
  ${DISPLAY}
`;

export const TV_BOARD_SUBSCRIPTION = /* GraphQL */ `
  subscription TvBoard($period: Period!, $scope: BoardScope!, $teamId: ID, $metric: BoardMetric! = POINTS) {
    leaderboardChanged(period: $period, scope: $scope, teamId: $teamId, metric: $metric) {
      period scope metric currency team { id name } periodKey startsAt endsAt version changedUserIds
      entries { rank points amount dealsWon user { ...TvUserParts } }
    }
  }
  ${USER}
`;

/** The KPI slide of a team (its subtree) or, without a team, of the org: computed once per scope for every TV. */
export const TV_KPIS_SUBSCRIPTION = /* GraphQL */ `
  subscription TvKpis($teamId: ID) {
    tvKpisChanged(teamId: $teamId) {
      scope team { id name } label currency periodKey startsAt endsAt elapsed revenue target attainment expected pace
      wonMonth collections wonToday wonTodayAmount wonWeek weekRevenue
    }
  }
`;

export const TV_CELEBRATIONS_SUBSCRIPTION = /* GraphQL */ `
  subscription TvCelebrations { celebrations { ...TvCelebrationParts } }
  ${CELEBRATION}
  ${USER}
`;

/** After a reconnect: what was celebrated while the TV was away. */
export const TV_RECENT_CELEBRATIONS_QUERY = /* GraphQL */ `
  query TvRecentCelebrations($first: Int!) { recentCelebrations(first: $first) { ...TvCelebrationParts } }
  ${CELEBRATION}
  ${USER}
`;

export const DISPLAYS_QUERY = /* GraphQL */ `
  query Displays { displays { ...DisplayParts } displayTeams { id name } }
  ${DISPLAY}
`;

export const PAIR_DISPLAY_MUTATION = /* GraphQL */ `
  mutation PairDisplay($input: PairDisplayInput!) {
    pairDisplay(input: $input) {
      __typename
      ... on DisplaySuccess { display { ...DisplayParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${DISPLAY}
`;

export const REVOKE_DISPLAY_MUTATION = /* GraphQL */ `
  mutation RevokeDisplay($id: ID!) {
    revokeDisplay(id: $id) {
      __typename
      ... on DisplaySuccess { display { id } }
      ... on OperationError { errors { field code message } }
    }
  }
`;
