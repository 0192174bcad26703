// The customers section's GraphQL documents and shapes (schema.graphql: analyticsContribution,
// analyticsCustomers, analyticsChurnRisk, analyticsSaturation, analyticsBehaviour). Money is a decimal
// string, shares are decimal strings of 0…1.
import type { AnalyticsNode, AnalyticsPeriod, NodeKind } from '@/features/analytics/documents';

export type ContributionBy = 'CUSTOMER' | 'PRODUCT' | 'PRODUCT_LINE' | 'REGION';
export type AbcTier = 'A' | 'B' | 'C';
export type ChurnReasonCode = 'OVERDUE' | 'FALLING_ORDER_VALUE' | 'NO_VISIT';
export type RfmDimension = 'RECENCY' | 'FREQUENCY' | 'MONETARY';

export interface OrgNode {
  kind: NodeKind;
  id: string;
  name: string;
  key: string;
}

export interface TierSum {
  tier: AbcTier;
  items: number;
  revenue: string;
  share: string | null;
}

export interface ContributionItem {
  key: string;
  id: string | null;
  label: string;
  rank: number;
  revenue: string;
  share: string | null;
  cumulativeShare: string | null;
  tier: AbcTier;
  previous: string;
  lastYear: string;
  quantity: string | null;
}

export interface Contribution {
  by: ContributionBy;
  total: string;
  previousTotal: string;
  lastYearTotal: string;
  itemCount: number;
  paretoItemShare: string | null;
  tiers: TierSum[];
  items: ContributionItem[];
  hasMore: boolean;
}

export interface RfmCustomer {
  customerId: string;
  name: string;
  revenue: string;
  deals: number;
  lastWonAt: string | null;
  recencyDays: number;
  recency: number;
  frequency: number;
  monetary: number;
  tier: AbcTier;
}

export interface CustomerValue {
  customers: number;
  buying: number;
  revenue: string;
  previousBuying: number;
  previousRevenue: string;
  lastYearBuying: number;
  lastYearRevenue: string;
  tiers: TierSum[];
  scores: Array<{ dimension: RfmDimension; score: number; customers: number }>;
  items: RfmCustomer[];
  hasMore: boolean;
}

export interface ChurnReason {
  code: ChurnReasonCode;
  days: number | null;
  usualDays: number | null;
  recentAverage: string | null;
  earlierAverage: string | null;
}

export interface AtRisk {
  customerId: string;
  name: string;
  ownerId: string | null;
  ownerName: string | null;
  lifetimeRevenue: string;
  lastOrderAt: string | null;
  lastVisitAt: string | null;
  reasons: ChurnReason[];
}

export interface ChurnRisk {
  noVisitDays: number;
  total: number;
  items: AtRisk[];
  hasMore: boolean;
}

export interface SaturationItem {
  node: OrgNode;
  customers: number;
  buying: number;
  customersPotential: string;
  revenue: string;
  previous: string;
  lastYear: string;
  potential: string | null;
  periodPotential: string | null;
  penetration: string | null;
}

export interface BehaviourFigures {
  visits: number;
  counted: number;
  flagged: number;
  rejected: number;
  converted: number;
  activities: Array<{ kind: string; count: number }>;
  activityTotal: number;
}

export interface BehaviourRow {
  node: OrgNode;
  figures: BehaviourFigures;
  verifiedShare: string | null;
  conversion: string | null;
  visitsPerWorkingDay: string | null;
}

export interface Behaviour {
  workingDays: number;
  total: BehaviourRow;
  items: BehaviourRow[];
  /** The reps under the node: what paging reaches. */
  people: number;
  hasMore: boolean;
}

export interface CustomersOverview {
  analyticsNode: AnalyticsNode;
  analyticsResults: { period: AnalyticsPeriod; previousPeriod: AnalyticsPeriod; lastYearPeriod: AnalyticsPeriod };
  analyticsCustomers: CustomerValue;
  analyticsChurnRisk: ChurnRisk;
  analyticsSaturation: { items: SaturationItem[] };
  analyticsBehaviour: Behaviour;
}

const NODE = 'kind id label';
const ORG_NODE = 'kind id name key';
const PERIOD = 'key label start end';
const TIERS = 'tier items revenue share';
const CONTRIBUTION = `by total previousTotal lastYearTotal itemCount paretoItemShare tiers { ${TIERS} }
  items { key id label rank revenue share cumulativeShare tier previous lastYear quantity } hasMore`;
const CHURN = `noVisitDays total hasMore
  items { customerId name ownerId ownerName lifetimeRevenue lastOrderAt lastVisitAt reasons { code days usualDays recentAverage earlierAverage } }`;
const FIGURES = 'visits counted flagged rejected converted activityTotal activities { kind count }';
const BEHAVIOUR_ROW = `node { ${ORG_NODE} } figures { ${FIGURES} } verifiedShare conversion visitsPerWorkingDay`;
const BEHAVIOUR = `workingDays people hasMore total { ${BEHAVIOUR_ROW} } items { ${BEHAVIOUR_ROW} }`;

// Everything of the section but the contribution (which has its own switch) in one round trip.
export const CUSTOMERS_OVERVIEW_QUERY = `
query AnalyticsCustomersOverview($node: NodeInput, $period: String, $first: Int!, $churnFirst: Int!, $valueFirst: Int!) {
  analyticsNode(node: $node) { ${NODE} path { ${NODE} } children { ${NODE} } }
  analyticsResults(node: $node, period: $period) { period { ${PERIOD} } previousPeriod { ${PERIOD} } lastYearPeriod { ${PERIOD} } }
  analyticsCustomers(node: $node, period: $period, first: $valueFirst) {
    customers buying revenue previousBuying previousRevenue lastYearBuying lastYearRevenue
    tiers { ${TIERS} } scores { dimension score customers }
    items { customerId name revenue deals lastWonAt recencyDays recency frequency monetary tier } hasMore
  }
  analyticsChurnRisk(node: $node, first: $churnFirst) { ${CHURN} }
  analyticsSaturation(node: $node, period: $period) {
    items { node { ${ORG_NODE} } customers buying customersPotential revenue previous lastYear potential periodPotential penetration }
  }
  analyticsBehaviour(node: $node, period: $period, first: $first) { ${BEHAVIOUR} }
}`;

export const CONTRIBUTION_QUERY = `
query AnalyticsContribution($by: ContributionBy!, $node: NodeInput, $period: String, $first: Int!, $offset: Int!) {
  analyticsContribution(by: $by, node: $node, period: $period, first: $first, offset: $offset) { ${CONTRIBUTION} }
}`;

export const CHURN_QUERY = `
query AnalyticsChurnRisk($node: NodeInput, $first: Int!, $offset: Int!) {
  analyticsChurnRisk(node: $node, first: $first, offset: $offset) { ${CHURN} }
}`;

export const BEHAVIOUR_QUERY = `
query AnalyticsBehaviour($node: NodeInput, $period: String, $first: Int!, $offset: Int!) {
  analyticsBehaviour(node: $node, period: $period, first: $first, offset: $offset) { ${BEHAVIOUR} }
}`;
