// The cockpit's GraphQL documents and the shapes they answer with (schema.graphql: analyticsNode,
// analyticsResults, analyticsFunnel, analyticsVelocity, analyticsStalled, analyticsSources,
// analyticsBreakdown, analyticsChanged). Money is a decimal string; rates are 0…1 floats.
import type { LeadSource } from '@/features/team-pipeline/documents';

export type NodeKind = 'ORG' | 'TEAM' | 'USER';
export type FunnelBasis = 'COHORT' | 'FLOW';

export interface NodeRef {
  kind: NodeKind;
  id: string;
}

export interface AnalyticsPeriod {
  key: string;
  label: string;
  start: string;
  end: string;
}

export interface AnalyticsNodeBase extends NodeRef {
  label: string;
}

export interface AnalyticsNode extends AnalyticsNodeBase {
  path: AnalyticsNodeBase[];
  children: AnalyticsNodeBase[];
}

export interface Results {
  created: number;
  won: number;
  lost: number;
  winRate: number | null;
  winRateAmount: number | null;
  revenue: string;
  averageOrderValue: string | null;
  grossMargin: string;
  collections: string;
  collectionRate: number | null;
  dsoDays: number | null;
  cycleDaysP50: number | null;
  target: string | null;
  pace: number | null;
}

export interface ResultsComparison {
  period: AnalyticsPeriod;
  previousPeriod: AnalyticsPeriod;
  lastYearPeriod: AnalyticsPeriod;
  current: Results;
  previous: Results;
  lastYear: Results;
}

export interface StageRef {
  id: string;
  key: string;
  name: string;
  position: number;
}

export interface FunnelStep {
  stage: StageRef;
  entered: number;
  amount: string;
  advanced: number;
  conversion: number | null;
  dropOff: number;
}

export interface Funnel {
  basis: FunnelBasis;
  steps: FunnelStep[];
  won: number;
  lost: number;
  previous: FunnelStep[];
  lastYear: FunnelStep[];
}

export interface StageVelocity {
  stage: StageRef;
  stays: number;
  p50Days: number | null;
  p90Days: number | null;
  stalled: number;
}

export interface Velocity {
  stages: StageVelocity[];
  cycleP50Days: number | null;
  cycleP90Days: number | null;
  stalled: number;
}

export interface StalledDeal {
  dealId: string;
  title: string;
  ownerId: string;
  ownerName: string;
  customerName: string;
  stage: StageRef;
  amount: string;
  daysInStage: number;
  limitDays: number;
}

export interface StalledPage {
  total: number;
  deals: StalledDeal[];
}

export interface SourceFigures {
  source: LeadSource;
  deals: number;
  won: number;
  lost: number;
  winRate: number | null;
  cycleDaysP50: number | null;
  averageOrderValue: string | null;
  revenue: string;
}

export interface NodeFigures {
  node: AnalyticsNodeBase;
  results: Results;
}

const NODE = 'kind id label';
const PERIOD = 'key label start end';
const STAGE = 'id key name position';
const RESULTS = `created won lost winRate winRateAmount revenue averageOrderValue grossMargin collections
  collectionRate dsoDays cycleDaysP50 target pace`;
const COMPARISON = `period { ${PERIOD} } previousPeriod { ${PERIOD} } lastYearPeriod { ${PERIOD} }
  current { ${RESULTS} } previous { ${RESULTS} } lastYear { ${RESULTS} }`;
const STEP = `stage { ${STAGE} } entered amount advanced conversion dropOff`;

// The node, its results and the children's rows in one round trip: what the first draw needs.
export const ANALYTICS_OVERVIEW_QUERY = `
query AnalyticsOverview($node: NodeInput, $period: String) {
  analyticsNode(node: $node) { ${NODE} path { ${NODE} } children { ${NODE} } }
  analyticsResults(node: $node, period: $period) { ${COMPARISON} }
  analyticsBreakdown(node: $node, period: $period) { node { ${NODE} } results { ${RESULTS} } }
}`;

// What a push re-reads (debounced): everything of the period but the node and the tiles.
export const ANALYTICS_DETAIL_QUERY = `
query AnalyticsDetail($node: NodeInput, $period: String, $basis: FunnelBasis!) {
  analyticsFunnel(node: $node, period: $period, basis: $basis) {
    basis won lost steps { ${STEP} } previous { ${STEP} } lastYear { ${STEP} }
  }
  analyticsVelocity(node: $node, period: $period) {
    cycleP50Days cycleP90Days stalled stages { stage { ${STAGE} } stays p50Days p90Days stalled }
  }
  analyticsSources(node: $node, period: $period) {
    source deals won lost winRate cycleDaysP50 averageOrderValue revenue
  }
  analyticsBreakdown(node: $node, period: $period) { node { ${NODE} } results { ${RESULTS} } }
}`;

export const ANALYTICS_FUNNEL_QUERY = `
query AnalyticsFunnel($node: NodeInput, $period: String, $basis: FunnelBasis!) {
  analyticsFunnel(node: $node, period: $period, basis: $basis) {
    basis won lost steps { ${STEP} } previous { ${STEP} } lastYear { ${STEP} }
  }
}`;

export const ANALYTICS_STALLED_QUERY = `
query AnalyticsStalled($node: NodeInput, $stageId: ID, $first: Int!, $offset: Int!) {
  analyticsStalled(node: $node, stageId: $stageId, first: $first, offset: $offset) {
    total
    deals { dealId title ownerId ownerName customerName stage { ${STAGE} } amount daysInStage limitDays }
  }
}`;

export const ANALYTICS_SUBSCRIPTION = `
subscription AnalyticsChanged($node: NodeInput, $period: String) {
  analyticsChanged(node: $node, period: $period) { ${COMPARISON} }
}`;

// The attainment's current quarter tells the fiscal year's first month (for switching grains).
export const FISCAL_QUARTER_QUERY = `
query AnalyticsFiscalQuarter {
  attainment(grain: QUARTER) { period { key firstDay } }
}`;
