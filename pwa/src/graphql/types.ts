// Types of the GraphQL API as the PWA selects it, written by hand from the
// repository's schema.graphql (documents.test.ts validates every document
// against that file, so a renamed field fails the tests). To be replaced by
// generated types.
import type { ApiLocale } from '@/i18n';

export type Role = 'ADMIN' | 'MANAGER' | 'REP';
export type Period = 'TODAY' | 'WEEK' | 'MONTH';
export type BoardScope = 'ORG' | 'TEAM';
export type BoardMetric = 'POINTS' | 'REVENUE';
export type ErrorCode =
  | 'REQUIRED'
  | 'INVALID'
  | 'OUT_OF_RANGE'
  | 'TOO_LONG'
  | 'IN_FUTURE'
  | 'TOO_OLD'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'INVALID_CREDENTIALS'
  | 'RATE_LIMITED'
  | 'UNAUTHENTICATED'
  | 'TOO_PRECISE'
  | 'CONFLICT'
  | 'CLOSED'
  | 'MISMATCH'
  | 'LOCKED'
  | 'DISPUTED'
  | 'NOT_ENDED'
  | 'STALE'
  | 'OVERLAP'
  | 'TOO_EARLY'
  | 'CHECKED_OUT'
  | 'DECIDED'
  | 'NOT_FLAGGED'
  | 'TOO_MANY'
  | 'TOO_LARGE'
  | 'DUPLICATE'
  | 'INSUFFICIENT'
  | 'OUT_OF_STOCK'
  | 'RETIRED'
  | 'INVALID_TEXT'
  | 'EXPIRED'
  | 'REVOKED'
  | 'USED'
  | 'WEAK_PASSWORD'
  | 'ALREADY_SET_UP'
  | 'CYCLE'
  | 'NOT_EMPTY'
  | 'MISSING_SCOPE'
  | 'INTERNAL';
export type CelebrationKind = 'OVERTAKE' | 'MILESTONE' | 'DEAL_WON' | 'BADGE' | 'CONTEST';

export const PERIODS: readonly Period[] = ['TODAY', 'WEEK', 'MONTH'];
export const SCOPES: readonly BoardScope[] = ['TEAM', 'ORG'];
export const BOARD_METRICS: readonly BoardMetric[] = ['POINTS', 'REVENUE'];

export interface FieldError {
  field: string | null;
  code: ErrorCode;
  message: string;
}
export interface OperationError {
  __typename: 'OperationError';
  errors: FieldError[];
}

export interface Org {
  id: string;
  name: string;
  timeZone: string;
  currency: string;
}
export interface Team {
  id: string;
  name: string;
}
export interface User {
  id: string;
  name: string;
  initials: string;
  role: Role;
  team: Team | null;
  avatarColor: string;
  /** The profile photo; null (or not asked for): show the initials. */
  photoUrl?: string | null;
}
export interface Me {
  user: User;
  email: string;
  locale: ApiLocale;
  org: Org;
}

export interface Customer {
  id: string;
  name: string;
  address: string;
  /** Null until the customer is placed (imported without a position; its first check-in sets it). */
  latitude: number | null;
  longitude: number | null;
  geofenceRadiusMeters: number;
  distanceMeters: number | null;
  /** Who owns it: a rep may open only their own customers' pages (ui/customer-link.ts). */
  ownerId?: string | null;
}

export interface PointsSummary {
  today: number;
  week: number;
  month: number;
  total: number;
  monthRank: number | null;
  dailyCap: number;
  visitPointsToday: number;
  visitPoints: number;
}

export interface LeaderboardEntry {
  rank: number;
  /** 0 on revenue boards. */
  points: number;
  /** Decimal string, revenue boards only. */
  amount: string | null;
  dealsWon: number | null;
  user: User;
}
export interface Leaderboard {
  period: Period;
  scope: BoardScope;
  metric: BoardMetric;
  currency: string;
  team: Team | null;
  periodKey: string;
  startsAt: string;
  endsAt: string;
  version: number;
  entries: LeaderboardEntry[];
  changedUserIds: string[];
}

export interface Celebration {
  id: string;
  kind: CelebrationKind;
  user: User;
  otherUser: User | null;
  threshold: number | null;
  points: number;
  createdAt: string;
  message: string;
  /** A badge's name (in the reader's language) or a won deal's customer; empty for other kinds. */
  subject: string;
}

export interface GeoPoint {
  latitude: number;
  longitude: number;
}
export type LoginResult = { __typename: 'LoginSuccess'; me: Me } | OperationError;
// ---- pipeline and targets

export type StageOutcome = 'OPEN' | 'WON' | 'LOST';
export type TargetMetric = 'REVENUE' | 'GROSS_MARGIN' | 'COLLECTIONS' | 'NEW_CUSTOMERS' | 'VISITS' | 'DEALS_WON';
export type SplitBasis = 'EQUAL' | 'LAST_YEAR' | 'POTENTIAL' | 'MANUAL';
export type Pace = 'AHEAD' | 'ON_TRACK' | 'BEHIND' | 'NO_TARGET';
export type NodeKind = 'ORG' | 'TEAM' | 'USER';
export type ActivityKind = 'CALL' | 'DEMO' | 'PROPOSAL' | 'MEETING' | 'EMAIL';
export type ActivityOutcome = 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE' | 'NO_ANSWER';
export type LeadSource = 'WEB' | 'EVENT' | 'REFERRAL' | 'OUTBOUND' | 'PARTNER' | 'INBOUND_CALL' | 'EXISTING_CUSTOMER';

export const METRICS: readonly TargetMetric[] = ['REVENUE', 'GROSS_MARGIN', 'COLLECTIONS', 'NEW_CUSTOMERS', 'VISITS', 'DEALS_WON'];
export const BASES: readonly SplitBasis[] = ['EQUAL', 'LAST_YEAR', 'POTENTIAL', 'MANUAL'];
export const ACTIVITY_KINDS: readonly ActivityKind[] = ['CALL', 'DEMO', 'PROPOSAL', 'MEETING', 'EMAIL'];
export const ACTIVITY_OUTCOMES: readonly ActivityOutcome[] = ['POSITIVE', 'NEUTRAL', 'NEGATIVE', 'NO_ANSWER'];
export const LEAD_SOURCES: readonly LeadSource[] = ['WEB', 'EVENT', 'REFERRAL', 'OUTBOUND', 'PARTNER', 'INBOUND_CALL', 'EXISTING_CUSTOMER'];

export interface Stage {
  id: string;
  key: string;
  name: string;
  probability: number;
  outcome: StageOutcome;
}

export interface Deal {
  id: string;
  title: string;
  customer: { id: string; name: string };
  owner: { id: string; name: string };
  stage: Stage;
  amount: string;
  currency: string;
  expectedClose: string;
  status: StageOutcome;
  probability: number;
  closeReason: string;
  version: number;
  leadSource: LeadSource;
  closedAt: string | null;
}

export interface PipelineColumn {
  stage: Stage;
  deals: Deal[];
  count: number;
  amount: string;
  weightedAmount: string;
}

export interface Product {
  id: string;
  sku: string;
  name: string;
  line: string;
  listPrice: string;
}

export interface DealLineInput {
  productId: string;
  quantity: string;
  unitPrice: string | null;
}

export interface CreateDealInput {
  clientId: string;
  customerId: string;
  title: string;
  leadSource: LeadSource;
  expectedClose: string;
  amount: string | null;
  lines: DealLineInput[];
  stageId: string | null;
  ownerId: string | null;
}

export type DealResult = DealSuccess | OperationError;

export interface DealSuccess {
  __typename: 'DealSuccess';
  deal: Deal;
  replayed: boolean;
  pointsAwarded: number;
}

export interface DealDetail {
  deal: Deal;
  lines: Array<{ product: { name: string; sku: string }; quantity: string; unitPrice: string; total: string }>;
  history: Array<{ stage: Stage; enteredAt: string; leftAt: string | null; seconds: number | null }>;
  orders: Array<{
    id: string;
    number: string;
    amount: string;
    orderedAt: string;
    collected: string;
    outstanding: string;
    collectedShare: string;
    payments: Array<{ id: string; amount: string; collectedAt: string; note: string }>;
  }>;
  collected: string;
  activities: Array<{ id: string; kind: ActivityKind; outcome: ActivityOutcome; note: string; occurredAt: string; user: { name: string } | null }>;
  canEdit: boolean;
}

export interface OrgNode {
  kind: NodeKind;
  id: string;
  name: string;
  key: string;
}

export interface Attainment {
  node: OrgNode;
  period: { key: string; grain: string; firstDay: string; lastDay: string };
  metric: TargetMetric;
  target: string | null;
  actual: string;
  ratio: string | null;
  expected: string | null;
  elapsed: number;
  pace: Pace;
  childrenTarget: string | null;
  gap: string | null;
  children: Array<Omit<Attainment, 'children' | 'childrenTarget' | 'gap' | 'period' | 'metric' | 'elapsed'>>;
}

export interface TargetSplit {
  amount: string;
  basis: SplitBasis;
  fellBackToEqual: boolean;
  period: { key: string };
  rows: Array<{ node: OrgNode; amount: string; share: string; lastYear: string; current: string | null }>;
}

export interface TargetDecomposition {
  amount: string;
  byDays: boolean;
  period: { key: string };
  parts: Array<{ amount: string; period: { key: string; grain: 'YEAR' | 'QUARTER' | 'MONTH' | 'WEEK'; firstDay: string } }>;
}
