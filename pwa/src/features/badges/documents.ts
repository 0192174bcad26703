// Badges' and streaks' GraphQL documents (validated against schema.graphql by
// graphql/documents.test.ts) and the types of what they select, written by hand like
// graphql/types.ts. Only documents are exported as values: the test parses every one.
import type { OperationError, User } from '@/graphql/types';

// ---------------------------------------------------------------- types

export type BadgeMetric = 'points' | 'verified_visits' | 'deals_won' | 'revenue_won';
export type BadgePeriod = 'day' | 'week' | 'month';
export type CalendarKind = 'holiday' | 'workday';

export interface EarnedBadge {
  /** first_deal, visits_day, streak, target_month, top3_month or custom-<id>. */
  key: string;
  name: string;
  /** `all`, `d2026-12-01`, `w2026-11-30` or `m2026-12`. */
  periodKey: string;
  awardedAt: string;
}

export interface Streak {
  current: number;
  best: number;
  lastActive: string | null;
  atRisk: boolean;
  badgeDays: number;
}

export interface BadgeDefinition {
  id: string;
  name: string;
  metric: BadgeMetric;
  period: BadgePeriod;
  threshold: number;
  active: boolean;
}

export interface CalendarDay {
  day: string;
  kind: CalendarKind;
  name: string;
}

export interface BoardPerson {
  rank: number;
  points: number;
  user: User;
}

export type SaveBadgeDefinitionResult = { __typename: 'SaveBadgeDefinitionSuccess'; definition: BadgeDefinition } | OperationError;
export type SetCalendarResult = { __typename: 'SetCalendarSuccess'; days: CalendarDay[] } | OperationError;

// ---------------------------------------------------------------- documents

const DEFINITION = /* GraphQL */ `
  fragment BadgeDefinitionParts on BadgeDefinition { id name metric period threshold active }
`;

/** A person's badges and the org's custom ones; the month's company board names them (reps are on it at zero). */
export const PROFILE_QUERY = /* GraphQL */ `
  query Profile($userId: ID) {
    badges(userId: $userId) { key name periodKey awardedAt }
    badgeDefinitions { ...BadgeDefinitionParts }
    leaderboard(period: MONTH, scope: ORG) {
      entries { rank points user { id name initials role avatarColor photoUrl team { id name } } }
    }
  }
  ${DEFINITION}
`;

/** Separate from the profile: a rep may see anyone's badges but only their own streak. */
export const STREAK_QUERY = /* GraphQL */ `
  query Streak($userId: ID) { streak(userId: $userId) { current best lastActive atRisk badgeDays } }
`;

export const BADGE_SETTINGS_QUERY = /* GraphQL */ `
  query BadgeSettings($year: Int!) {
    badgeDefinitions { ...BadgeDefinitionParts }
    calendarDays(year: $year) { day kind name }
  }
  ${DEFINITION}
`;

export const BADGE_DEFINITIONS_QUERY = /* GraphQL */ `
  query BadgeDefinitions { badgeDefinitions { ...BadgeDefinitionParts } }
  ${DEFINITION}
`;

export const CALENDAR_QUERY = /* GraphQL */ `
  query CalendarDays($year: Int!) { calendarDays(year: $year) { day kind name } }
`;

export const SAVE_BADGE_DEFINITION_MUTATION = /* GraphQL */ `
  mutation SaveBadgeDefinition($input: BadgeDefinitionInput!) {
    saveBadgeDefinition(input: $input) {
      __typename
      ... on SaveBadgeDefinitionSuccess { definition { ...BadgeDefinitionParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${DEFINITION}
`;

export const SET_CALENDAR_MUTATION = /* GraphQL */ `
  mutation SetCalendarDays($input: SetCalendarInput!) {
    setCalendarDays(input: $input) {
      __typename
      ... on SetCalendarSuccess { days { day kind name } }
      ... on OperationError { errors { field code message } }
    }
  }
`;
