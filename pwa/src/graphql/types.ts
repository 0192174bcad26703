// Types of the GraphQL API as the PWA selects it, written by hand from the
// repository's schema.graphql (documents.test.ts validates every document
// against that file, so a renamed field fails the tests). To be replaced by
// generated types.
import type { ApiLocale } from '@/i18n';

export type Role = 'ADMIN' | 'MANAGER' | 'REP';
export type Period = 'TODAY' | 'WEEK' | 'MONTH';
export type BoardScope = 'ORG' | 'TEAM';
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
  | 'UNAUTHENTICATED';
export type CelebrationKind = 'OVERTAKE' | 'MILESTONE';

export const PERIODS: readonly Period[] = ['TODAY', 'WEEK', 'MONTH'];
export const SCOPES: readonly BoardScope[] = ['TEAM', 'ORG'];

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
  latitude: number;
  longitude: number;
  geofenceRadiusMeters: number;
  distanceMeters: number | null;
}

export interface Visit {
  id: string;
  clientId: string;
  customer: Pick<Customer, 'id' | 'name' | 'geofenceRadiusMeters'>;
  distanceMeters: number;
  withinGeofence: boolean;
  pointsAwarded: number;
  occurredAt: string;
}

export interface PointsSummary {
  today: number;
  week: number;
  month: number;
  total: number;
  monthRank: number | null;
  dailyCap: number;
  visitPoints: number;
}

export interface LeaderboardEntry {
  rank: number;
  points: number;
  user: User;
}
export interface Leaderboard {
  period: Period;
  scope: BoardScope;
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
}

export interface GeoPoint {
  latitude: number;
  longitude: number;
}
export interface LogVisitInput {
  clientId: string;
  customerId: string;
  latitude: number;
  longitude: number;
  accuracyMeters: number;
  occurredAt: string;
  note: string;
}

export type LoginResult = { __typename: 'LoginSuccess'; me: Me } | OperationError;
export type LogVisitResult =
  | { __typename: 'LogVisitSuccess'; visit: Visit; points: PointsSummary; replayed: boolean }
  | OperationError;
