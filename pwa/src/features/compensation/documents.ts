// The compensation screens' GraphQL documents (validated against schema.graphql by
// documents.test.ts) and the types of what they select, written by hand like graphql/types.ts.
// Only documents are exported as values: the test parses every one.
import type { FieldError, OperationError, OrgNode } from '@/graphql/types';

// ---------------------------------------------------------------- types

export type StatementStatus = 'OPEN' | 'APPROVED';
export type StatementLineKind =
  | 'COMMISSION'
  | 'COLLECTION'
  | 'RELEASE'
  | 'CLAWBACK'
  | 'SPIFF'
  | 'ROLLUP'
  | 'CAP'
  | 'ADJUSTMENT'
  | 'FLOOR'
  | 'DRAW'
  | 'RECOVERY';
export type DisputeStatus = 'OPEN' | 'ACCEPTED' | 'REJECTED';
export type CompComponentKind = 'COMMISSION' | 'SPIFF' | 'ROLLUP';
export type CompBasis = 'REVENUE' | 'MARGIN' | 'COLLECTIONS';
export type TierMode = 'GRADUATED' | 'RETROACTIVE';
export type Payout = 'BOOKING' | 'COLLECTION';
export type SpiffTrigger = 'PRODUCT_LINE' | 'NEW_CUSTOMER';
export type Rounding = 'HALF_EVEN' | 'HALF_UP' | 'DOWN';

/** graphql/types.ts knows won, lost and open; a won deal may also be reversed. */
export type DealStatus = 'OPEN' | 'WON' | 'LOST' | 'REVERSED';

export interface Portion {
  basis: string;
  /** Percent. */
  rate: string;
  multiplier: string;
  /** 1-based; 0 without tiers or when a product line's own rate applied. */
  tier: number;
}

export interface StatementLine {
  key: string;
  component: string;
  componentName: string;
  kind: StatementLineKind;
  ref: string;
  dealId: string | null;
  label: string;
  at: string | null;
  basis: string;
  rate: string | null;
  multiplier: string | null;
  amount: string;
  payable: string;
  portions: Portion[];
  note: string;
  corrects: StatementLineKind | null;
}

export interface CompStatement {
  userId: string;
  userName: string;
  period: string;
  status: StatementStatus;
  planId: string;
  planName: string;
  planVersion: number;
  currency: string;
  revenue: string;
  quota: string | null;
  attainment: string | null;
  earned: string;
  payable: string;
  held: string;
  drawBalance: string;
  approvedBy: string | null;
  approvedAt: string | null;
  openDisputes: number;
}

export interface StatementDetail extends CompStatement {
  lines: StatementLine[];
}

export interface Dispute {
  id: string;
  userId: string;
  userName: string;
  period: string;
  lineKey: string;
  lineLabel: string;
  status: DisputeStatus;
  resolution: string;
  resolvedAt: string | null;
  createdAt: string;
  messages: Array<{ id: string; authorName: string; body: string; createdAt: string }>;
}

export interface PlanComponent {
  key: string;
  name: string;
  kind: CompComponentKind;
  basis: CompBasis;
  rate: string;
  lineRates: Array<{ productLine: string; rate: string }>;
  tiers: Array<{ from: string; rate: string }>;
  tierMode: TierMode;
  accelerators: Array<{ from: string; multiplier: string }>;
  capPerDeal: string | null;
  capPerPeriod: string | null;
  payout: Payout;
  trigger: SpiffTrigger | null;
  startsOn: string | null;
  endsOn: string | null;
  productLine: string;
  teamId: string | null;
  perUnit: string | null;
  fixed: string | null;
}

export interface PlanAssignment {
  id: string;
  userId: string;
  userName: string;
  starts: string;
  ends: string | null;
}

export interface CompPlan {
  id: string;
  name: string;
  version: number;
  effectiveFrom: string;
  floor: string | null;
  draw: string | null;
  rounding: Rounding;
  components: PlanComponent[];
  versions: Array<{ version: number; effectiveFrom: string; note: string; createdAt: string }>;
  assignments: PlanAssignment[];
}

export type PlanComponentInput = Omit<PlanComponent, never>;

export interface CompPlanInput {
  planId: string | null;
  name: string;
  effectiveFrom: string;
  note: string;
  floor: string | null;
  draw: string | null;
  rounding: Rounding;
  components: PlanComponentInput[];
}

export interface CreditSplit {
  userId: string;
  userName: string;
  percent: string;
}

export interface TreeEntry {
  node: OrgNode;
  parentKey: string | null;
  depth: number;
}

export type StatementResult = { __typename: 'StatementSuccess'; statement: StatementDetail } | OperationError;
export type DisputeResult = { __typename: 'DisputeSuccess'; dispute: Dispute } | OperationError;
export type PlanResult = { __typename: 'PlanSuccess'; plan: CompPlan } | OperationError;
export type SplitsResult = { __typename: 'SplitsSuccess'; splits: CreditSplit[] } | OperationError;
export type OrderResult = { __typename: 'OrderSuccess'; replayed: boolean } | OperationError;
export type DealResult = { __typename: 'DealSuccess'; replayed: boolean } | OperationError;

// ---------------------------------------------------------------- fragments

const ERRORS = /* GraphQL */ `
  fragment CompErrorParts on OperationError { errors { field code message } }
`;

const STATEMENT = /* GraphQL */ `
  fragment CompStatementParts on CompStatement {
    userId userName period status planId planName planVersion currency
    revenue quota attainment earned payable held drawBalance approvedBy approvedAt openDisputes
  }
`;

const LINE = /* GraphQL */ `
  fragment CompLineParts on StatementLine {
    key component componentName kind ref dealId label at basis rate multiplier amount payable note corrects
    portions { basis rate multiplier tier }
  }
`;

const DISPUTE = /* GraphQL */ `
  fragment CompDisputeParts on DisputeType {
    id userId userName period lineKey lineLabel status resolution resolvedAt createdAt
    messages { id authorName body createdAt }
  }
`;

const PLAN = /* GraphQL */ `
  fragment CompPlanParts on CompPlanType {
    id name version effectiveFrom floor draw rounding
    components {
      key name kind basis rate lineRates { productLine rate } tiers { from rate } tierMode
      accelerators { from multiplier } capPerDeal capPerPeriod payout trigger startsOn endsOn
      productLine teamId perUnit fixed
    }
    versions { version effectiveFrom note createdAt }
    assignments { id userId userName starts ends }
  }
`;

// ---------------------------------------------------------------- statements

export const STATEMENTS_QUERY = /* GraphQL */ `
  query CompStatements($period: String!) { statements(period: $period) { ...CompStatementParts } }
  ${STATEMENT}
`;

export const STATEMENT_QUERY = /* GraphQL */ `
  query CompStatement($userId: ID!, $period: String!) {
    statement(userId: $userId, period: $period) { ...CompStatementParts lines { ...CompLineParts } }
    disputes(period: $period, userId: $userId) { ...CompDisputeParts }
  }
  ${STATEMENT}
  ${LINE}
  ${DISPUTE}
`;

/** Several of a month's statements at once: each approved or refused on its own. */
export const APPROVE_STATEMENTS_MUTATION = /* GraphQL */ `
  mutation CompApproveMany($period: String!, $items: [StatementApprovalInput!]!) {
    approveStatements(period: $period, items: $items) {
      __typename
      ... on ApproveStatementsSuccess { approved approvals { userId statement { userId status payable } errors { field code message } } }
      ... on OperationError { ...CompErrorParts }
    }
  }
  ${ERRORS}
`;

export type ApproveStatementsResult =
  | {
      __typename: 'ApproveStatementsSuccess';
      approved: number;
      approvals: Array<{ userId: string; statement: { userId: string; status: StatementStatus; payable: string } | null; errors: FieldError[] }>;
    }
  | { __typename: 'OperationError'; errors: FieldError[] };

export const APPROVE_STATEMENT_MUTATION = /* GraphQL */ `
  mutation CompApprove($userId: ID!, $period: String!, $expectedPayable: Decimal) {
    approveStatement(userId: $userId, period: $period, expectedPayable: $expectedPayable) {
      __typename
      ... on StatementSuccess { statement { ...CompStatementParts lines { ...CompLineParts } } }
      ... on OperationError { ...CompErrorParts }
    }
  }
  ${STATEMENT}
  ${LINE}
  ${ERRORS}
`;

export const REPLY_DISPUTE_MUTATION = /* GraphQL */ `
  mutation CompReply($disputeId: ID!, $message: String!, $clientId: String!) {
    replyDispute(disputeId: $disputeId, message: $message, clientId: $clientId) {
      __typename
      ... on DisputeSuccess { dispute { ...CompDisputeParts } }
      ... on OperationError { ...CompErrorParts }
    }
  }
  ${DISPUTE}
  ${ERRORS}
`;

export const RESOLVE_DISPUTE_MUTATION = /* GraphQL */ `
  mutation CompResolve($disputeId: ID!, $status: DisputeStatus!, $resolution: String!) {
    resolveDispute(disputeId: $disputeId, status: $status, resolution: $resolution) {
      __typename
      ... on DisputeSuccess { dispute { ...CompDisputeParts } }
      ... on OperationError { ...CompErrorParts }
    }
  }
  ${DISPUTE}
  ${ERRORS}
`;

// ---------------------------------------------------------------- plans

export const COMP_PLANS_QUERY = /* GraphQL */ `
  query CompPlans {
    compPlans { ...CompPlanParts }
    orgTree { node { kind id name key } parentKey depth }
    productLines
  }
  ${PLAN}
`;

export const SAVE_COMP_PLAN_MUTATION = /* GraphQL */ `
  mutation CompSavePlan($input: CompPlanInput!) {
    saveCompPlan(input: $input) {
      __typename
      ... on PlanSuccess { plan { ...CompPlanParts } }
      ... on OperationError { ...CompErrorParts }
    }
  }
  ${PLAN}
  ${ERRORS}
`;

export const ASSIGN_COMP_PLAN_MUTATION = /* GraphQL */ `
  mutation CompAssign($input: AssignPlanInput!) {
    assignCompPlan(input: $input) {
      __typename
      ... on PlanSuccess { plan { ...CompPlanParts } }
      ... on OperationError { ...CompErrorParts }
    }
  }
  ${PLAN}
  ${ERRORS}
`;

export const END_COMP_ASSIGNMENT_MUTATION = /* GraphQL */ `
  mutation CompEndAssignment($assignmentId: ID!, $ends: String!) {
    endCompAssignment(assignmentId: $assignmentId, ends: $ends) {
      __typename
      ... on PlanSuccess { plan { ...CompPlanParts } }
      ... on OperationError { ...CompErrorParts }
    }
  }
  ${PLAN}
  ${ERRORS}
`;

// ---------------------------------------------------------------- the deal page

/**
 * What the deal page adds for compensation: which payment each refund belongs to (the
 * pipeline's deal query leaves it out) and, for managers, the credit split and the people
 * it may go to.
 */
export const DEAL_COMP_QUERY = /* GraphQL */ `
  query CompDeal($id: ID!, $manager: Boolean!) {
    deal(id: $id) { orders { id payments { id refundOfId } } }
    creditSplits(dealId: $id) @include(if: $manager) { userId userName percent }
    orgTree @include(if: $manager) { node { kind id name key } parentKey depth }
  }
`;

export const SET_CREDIT_SPLITS_MUTATION = /* GraphQL */ `
  mutation CompSetSplits($dealId: ID!, $splits: [SplitInput!]!) {
    setCreditSplits(dealId: $dealId, splits: $splits) {
      __typename
      ... on SplitsSuccess { splits { userId userName percent } }
      ... on OperationError { ...CompErrorParts }
    }
  }
  ${ERRORS}
`;

export const REFUND_PAYMENT_MUTATION = /* GraphQL */ `
  mutation CompRefund($input: RefundPaymentInput!) {
    refundPayment(input: $input) {
      __typename
      ... on OrderSuccess { replayed }
      ... on OperationError { ...CompErrorParts }
    }
  }
  ${ERRORS}
`;

export const REVERSE_DEAL_MUTATION = /* GraphQL */ `
  mutation CompReverse($input: ReverseDealInput!) {
    reverseDeal(input: $input) {
      __typename
      ... on DealSuccess { replayed }
      ... on OperationError { ...CompErrorParts }
    }
  }
  ${ERRORS}
`;

// ---------------------------------------------------------------- the rep's own earnings

export interface NextStep {
  component: string;
  kind: string;
  at: string;
  distance: string;
  rate: string | null;
  multiplier: string | null;
}

export interface Earnings extends StatementDetail {
  nextStep: NextStep | null;
}

export interface EarningsSimulation {
  addedRevenue: string;
  earnedBefore: string;
  earnedAfter: string;
  earnedChange: string;
  payableChange: string;
  attainmentAfter: string | null;
  nextStepAfter: NextStep | null;
  lines: StatementLine[];
}

const EARNINGS = /* GraphQL */ `
  fragment EarningsParts on CompStatement {
    ...CompStatementParts
    nextStep { component kind at distance rate multiplier }
    lines { ...CompLineParts }
  }
`;

export const MY_EARNINGS_QUERY = /* GraphQL */ `
  query MyEarnings($period: String) {
    myEarnings(period: $period) { ...EarningsParts }
    me { user { id } }
  }
  ${EARNINGS}
  ${STATEMENT}
  ${LINE}
`;

export const EARNINGS_SUBSCRIPTION = /* GraphQL */ `
  subscription EarningsChanged { earningsChanged { ...EarningsParts } }
  ${EARNINGS}
  ${STATEMENT}
  ${LINE}
`;

export const MY_DISPUTES_QUERY = /* GraphQL */ `
  query MyDisputes($period: String!, $userId: ID) { disputes(period: $period, userId: $userId) { ...CompDisputeParts } }
  ${DISPUTE}
`;

export const SIMULATE_EARNINGS_QUERY = /* GraphQL */ `
  query SimulateEarnings($input: SimulateEarningsInput!) {
    simulateEarnings(input: $input) {
      addedRevenue earnedBefore earnedAfter earnedChange payableChange attainmentAfter
      nextStepAfter { component kind at distance rate multiplier }
      lines { ...CompLineParts }
    }
  }
  ${LINE}
`;

export const RAISE_DISPUTE_MUTATION = /* GraphQL */ `
  mutation RaiseDispute($period: String!, $lineKey: String!, $message: String!, $clientId: String!) {
    raiseDispute(period: $period, lineKey: $lineKey, message: $message, clientId: $clientId) {
      __typename
      ... on DisputeSuccess { dispute { ...CompDisputeParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${DISPUTE}
`;

export const OPEN_DEALS_QUERY = /* GraphQL */ `
  query EarningsOpenDeals { pipeline(closedDays: 0) { stage { outcome } deals { id title amount customer { name } } } }
`;

export const HOME_EARNINGS_SUBSCRIPTION = /* GraphQL */ `
  subscription HomeEarnings { earningsChanged { earned payable currency status } }
`;
