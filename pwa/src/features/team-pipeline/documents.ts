// The team pipeline's GraphQL documents and the shapes they answer with (schema.graphql: teamDeals,
// teamBoard, teamPipelineOptions, reassignDeals).
import type { FieldError } from '@/graphql/types';

export type DealStatus = 'OPEN' | 'WON' | 'LOST' | 'REVERSED';
export type TeamSort = 'AMOUNT' | 'EXPECTED_CLOSE' | 'STAGE' | 'OWNER' | 'UPDATED' | 'DAYS_IN_STAGE';
export type LeadSource = 'WEB' | 'EVENT' | 'REFERRAL' | 'OUTBOUND' | 'PARTNER' | 'INBOUND_CALL' | 'EXISTING_CUSTOMER';

export interface StageRef {
  id: string;
  key: string;
  name: string;
  position: number;
  outcome: DealStatus;
}

export interface DealOwner {
  id: string;
  name: string;
  teamId: string | null;
  teamName: string | null;
  active: boolean;
}

export interface TeamDeal {
  id: string;
  title: string;
  customerId: string;
  customerName: string;
  owner: DealOwner;
  stage: StageRef;
  amount: string;
  currency: string;
  probability: number;
  leadSource: LeadSource;
  expectedClose: string;
  status: DealStatus;
  daysInStage: number;
  updatedAt: string;
  version: number;
}

export interface StageTotal {
  stage: StageRef;
  count: number;
  amount: string;
  weightedAmount: string;
}

export interface TeamDealsPage {
  total: number;
  amount: string;
  stages: StageTotal[];
  deals: TeamDeal[];
}

export interface BoardColumn extends StageTotal {
  deals: TeamDeal[];
}

export interface TeamUnit {
  id: string;
  name: string;
  depth: number;
}

export interface TeamPipelineOptions {
  owners: DealOwner[];
  teams: TeamUnit[];
  stages: StageRef[];
  leadSources: LeadSource[];
}

export type ReassignResult =
  | { __typename: 'ReassignDealsSuccess'; moved: string[]; unchanged: string[] }
  | { __typename: 'OperationError'; errors: FieldError[] };

const STAGE = 'id key name position outcome';
const DEAL = `id title customerId customerName owner { id name teamId teamName active } stage { ${STAGE} }
  amount currency probability leadSource expectedClose status daysInStage updatedAt version`;

export const TEAM_OPTIONS_QUERY = `
query TeamPipelineOptions {
  teamPipelineOptions {
    owners { id name teamId teamName active }
    teams { id name depth }
    stages { ${STAGE} }
    leadSources
  }
}`;

export const TEAM_DEALS_QUERY = `
query TeamDeals($filter: TeamDealsFilter, $sort: TeamDealSort, $descending: Boolean, $offset: Int, $first: Int) {
  teamDeals(filter: $filter, sort: $sort, descending: $descending, offset: $offset, first: $first) {
    total amount
    stages { stage { ${STAGE} } count amount weightedAmount }
    deals { ${DEAL} }
  }
}`;

export const TEAM_BOARD_QUERY = `
query TeamBoard($filter: TeamDealsFilter, $perStage: Int) {
  teamBoard(filter: $filter, perStage: $perStage) {
    stage { ${STAGE} } count amount weightedAmount
    deals { ${DEAL} }
  }
}`;

export const REASSIGN_DEALS_MUTATION = `
mutation ReassignDeals($ids: [ID!]!, $owner: ID!) {
  reassignDeals(dealIds: $ids, ownerId: $owner) {
    __typename
    ... on ReassignDealsSuccess { moved unchanged }
    ... on OperationError { errors { field code message } }
  }
}`;
