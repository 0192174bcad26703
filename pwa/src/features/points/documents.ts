// Points' GraphQL documents (validated against schema.graphql by graphql/documents.test.ts)
// and the types of what they select, written by hand like graphql/types.ts. Only documents
// are exported as values: the test parses every one.
import type { OperationError, PointsSummary } from '@/graphql/types';

// ---------------------------------------------------------------- types

export type RuleKind = 'verified_visit' | 'activity' | 'new_customer' | 'deal_won' | 'payment_collected' | 'target_reached';

export interface PointRule {
  kind: RuleKind;
  points: number;
  dailyCap: number;
  /** A Decimal string: "2", "1.5". */
  multiplier: string;
  active: boolean;
  /** Calendar days ("2026-12-01") of the org; null: open. */
  startsOn: string | null;
  endsOn: string | null;
  /** Amount kinds only (deal_won, payment_collected). */
  unitAmount: string | null;
  minPoints: number | null;
  maxPoints: number | null;
  updatedAt: string | null;
}

export interface PointsEntry {
  id: string;
  points: number;
  /** verified_visit, activity, deal_won, payment_collected or adjustment. */
  ruleKind: string;
  /** visit, activity, deal, payment or adjustment. */
  sourceType: string;
  sourceId: string;
  occurredAt: string;
  reason: string | null;
  byName: string | null;
}

export interface SavePointRuleInput {
  kind: RuleKind;
  points: number;
  dailyCap: number;
  multiplier: string;
  active: boolean;
  startsOn: string | null;
  endsOn: string | null;
  unitAmount?: string | null;
  minPoints?: number | null;
  maxPoints?: number | null;
}

export type SavePointRuleResult = { __typename: 'SavePointRuleSuccess'; rule: PointRule } | OperationError;
export type AdjustPointsResult = { __typename: 'AdjustPointsSuccess'; replayed: boolean; entry: PointsEntry } | OperationError;
export type { PointsSummary };

// ---------------------------------------------------------------- documents

const RULE = /* GraphQL */ `
  fragment PointRuleParts on PointRuleType {
    kind points dailyCap multiplier active startsOn endsOn unitAmount minPoints maxPoints updatedAt
  }
`;

const ENTRY = /* GraphQL */ `
  fragment PointsEntryParts on PointsEntryType { id points ruleKind sourceType sourceId occurredAt reason byName }
`;

export const POINT_RULES_QUERY = /* GraphQL */ `
  query PointRules { pointRules { ...PointRuleParts } }
  ${RULE}
`;

export const SAVE_POINT_RULE_MUTATION = /* GraphQL */ `
  mutation SavePointRule($input: SavePointRuleInput!) {
    savePointRule(input: $input) {
      __typename
      ... on SavePointRuleSuccess { rule { ...PointRuleParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${RULE}
`;

export const MY_POINTS_PAGE_QUERY = /* GraphQL */ `
  query MyPointsPage($first: Int!) {
    myPoints { today week month total monthRank dailyCap visitPoints visitPointsToday }
    pointsHistory(first: $first) { ...PointsEntryParts }
  }
  ${ENTRY}
`;

export const PERSON_POINTS_QUERY = /* GraphQL */ `
  query PersonPoints($userId: ID!, $first: Int!) {
    pointsHistory(userId: $userId, first: $first) { ...PointsEntryParts }
    orgTree { node { kind id name key } }
  }
  ${ENTRY}
`;

export const ADJUST_POINTS_MUTATION = /* GraphQL */ `
  mutation AdjustPoints($input: AdjustPointsInput!) {
    adjustPoints(input: $input) {
      __typename
      ... on AdjustPointsSuccess { replayed entry { ...PointsEntryParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${ENTRY}
`;
