// The rewards store's GraphQL documents (validated against schema.graphql by
// graphql/documents.test.ts) and the types of what they select, written by hand like
// graphql/types.ts. Only documents are exported as values: the test parses every one.
import type { OperationError } from '@/graphql/types';

// ---------------------------------------------------------------- types

export type RedemptionStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface Reward {
  id: string;
  name: string;
  description: string;
  pointsPrice: number;
  /** Null: unlimited. */
  stock: number | null;
  active: boolean;
}

export interface RewardsBalance {
  earned: number;
  held: number;
  spent: number;
  available: number;
}

export interface RedemptionPerson {
  id: string;
  name: string;
  initials: string;
}

export interface Redemption {
  id: string;
  clientId: string;
  rewardId: string;
  rewardName: string;
  unitPrice: number;
  quantity: number;
  points: number;
  status: RedemptionStatus;
  note: string;
  person: RedemptionPerson;
  decidedBy: RedemptionPerson | null;
  decidedAt: string | null;
  decisionNote: string;
  createdAt: string;
}

export type RedeemResult =
  | { __typename: 'RedeemRewardSuccess'; replayed: boolean; redemption: Redemption; balance: RewardsBalance }
  | OperationError;
export type DecideResult = { __typename: 'DecideRedemptionSuccess'; redemption: Redemption } | OperationError;
export type SaveRewardResult = { __typename: 'SaveRewardSuccess'; reward: Reward } | OperationError;

// ---------------------------------------------------------------- documents

const REDEMPTION = /* GraphQL */ `
  fragment RedemptionParts on Redemption {
    id
    clientId
    rewardId
    rewardName
    unitPrice
    quantity
    points
    status
    note
    person { id name initials }
    decidedBy { id name initials }
    decidedAt
    decisionNote
    createdAt
  }
`;

const REWARD = /* GraphQL */ `
  fragment RewardParts on Reward { id name description pointsPrice stock active }
`;

export const REWARDS_PAGE_QUERY = /* GraphQL */ `
  query RewardsPage {
    myRewardsBalance { earned held spent available }
    rewards { ...RewardParts }
    myRedemptions(first: 30) { ...RedemptionParts }
    redemptionsToDecideCount
  }
  ${REWARD}
  ${REDEMPTION}
`;

export const REWARDS_BALANCE_QUERY = /* GraphQL */ `
  query RewardsBalance { myRewardsBalance { earned held spent available } }
`;

export const REDEEM_REWARD_MUTATION = /* GraphQL */ `
  mutation RedeemReward($input: RedeemRewardInput!) {
    redeemReward(input: $input) {
      __typename
      ... on RedeemRewardSuccess {
        replayed
        redemption { ...RedemptionParts }
        balance { earned held spent available }
      }
      ... on OperationError { errors { field code message } }
    }
  }
  ${REDEMPTION}
`;

export const REDEMPTIONS_TO_DECIDE_QUERY = /* GraphQL */ `
  query RedemptionsToDecide($first: Int!) {
    redemptionsToDecide(first: $first) { ...RedemptionParts }
    redemptionsToDecideCount
  }
  ${REDEMPTION}
`;

export const DECIDE_REDEMPTION_MUTATION = /* GraphQL */ `
  mutation DecideRedemption($input: DecideRedemptionInput!) {
    decideRedemption(input: $input) {
      __typename
      ... on DecideRedemptionSuccess { redemption { ...RedemptionParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${REDEMPTION}
`;

export const CATALOG_EDITOR_QUERY = /* GraphQL */ `
  query RewardsCatalog { rewards(includeRetired: true) { ...RewardParts } }
  ${REWARD}
`;

export const CREATE_REWARD_MUTATION = /* GraphQL */ `
  mutation CreateReward($input: CreateRewardInput!) {
    createReward(input: $input) {
      __typename
      ... on SaveRewardSuccess { reward { ...RewardParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${REWARD}
`;

export const UPDATE_REWARD_MUTATION = /* GraphQL */ `
  mutation UpdateReward($input: UpdateRewardInput!) {
    updateReward(input: $input) {
      __typename
      ... on SaveRewardSuccess { reward { ...RewardParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${REWARD}
`;
