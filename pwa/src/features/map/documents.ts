// The map's and the review queue's GraphQL documents (validated against schema.graphql by
// graphql/documents.test.ts) and the types of what they select, written by hand like
// graphql/types.ts. Only documents are exported as values: the test parses every one.
import type { OperationError } from '@/graphql/types';

// ---------------------------------------------------------------- types

export type VisitStatus = 'VERIFIED' | 'FLAGGED' | 'APPROVED' | 'REJECTED';
export type VisitFlag = 'OUTSIDE_GEOFENCE' | 'POOR_ACCURACY' | 'IMPOSSIBLE_SPEED' | 'CLOCK_MISMATCH' | 'NO_CUSTOMER_POSITION' | 'LEFT_OPEN';
export type ReviewDecision = 'APPROVE' | 'REJECT';

export interface VisitPerson {
  id: string;
  name: string;
  initials: string;
}

export interface VisitPhoto {
  id: string;
  width: number;
  height: number;
  url: string;
  thumbUrl: string;
}

export interface MapCustomer {
  id: string;
  name: string;
  address: string;
  latitude: number | null;
  longitude: number | null;
  geofenceRadiusMeters: number;
  ownerId?: string | null;
}

/** A visit as the map and the review queue show it. */
export interface MapVisit {
  id: string;
  clientId: string;
  customer: MapCustomer;
  person: VisitPerson;
  latitude: number;
  longitude: number;
  accuracyMeters: number;
  occurredAt: string;
  note: string;
  distanceMeters: number;
  withinGeofence: boolean;
  pointsAwarded: number;
  status: VisitStatus;
  flags: VisitFlag[];
  speedKmh: number | null;
  checkedOutAt: string | null;
  checkOutLatitude: number | null;
  checkOutLongitude: number | null;
  checkOutAccuracyMeters: number | null;
  durationSeconds: number | null;
  autoClosed: boolean;
  photos: VisitPhoto[];
  reviewNote: string | null;
  reviewedAt: string | null;
}

export interface PlanStop {
  customer: MapCustomer;
  order: number;
  legMeters: number | null;
  lastVisitedAt: string | null;
  daysSinceVisit: number | null;
  atRisk: boolean;
  visitedToday: boolean;
}

export interface TodayPlan {
  stops: PlanStop[];
  totalMeters: number | null;
  atRiskDays: number;
}

export interface MapSettings {
  tileUrl: string | null;
  attribution: string;
  maxZoom: number;
}

export type ReviewVisitResult = { __typename: 'ReviewVisitSuccess'; visit: MapVisit } | OperationError;

// ---------------------------------------------------------------- documents

const MAP_VISIT = /* GraphQL */ `
  fragment MapVisitParts on Visit {
    id
    clientId
    customer { id name address latitude longitude geofenceRadiusMeters ownerId }
    person { id name initials }
    latitude
    longitude
    accuracyMeters
    occurredAt
    note
    distanceMeters
    withinGeofence
    pointsAwarded
    status
    flags
    speedKmh
    checkedOutAt
    checkOutLatitude
    checkOutLongitude
    checkOutAccuracyMeters
    durationSeconds
    autoClosed
    photos { id width height url thumbUrl }
    reviewNote
    reviewedAt
  }
`;

export const MAP_SETTINGS_QUERY = /* GraphQL */ `
  query MapSettings { mapSettings { tileUrl attribution maxZoom } }
`;

/** A rep's day: their visits and their customers as a route. */
export const MY_DAY_MAP_QUERY = /* GraphQL */ `
  query MyDayMap($day: Date!, $near: GeoPoint) {
    mapSettings { tileUrl attribution maxZoom }
    visitsOn(day: $day) { ...MapVisitParts }
    todayPlan(near: $near) {
      totalMeters
      atRiskDays
      stops {
        order
        legMeters
        lastVisitedAt
        daysSinceVisit
        atRisk
        visitedToday
        customer { id name address latitude longitude geofenceRadiusMeters ownerId }
      }
    }
  }
  ${MAP_VISIT}
`;

/** A manager's day: the visits of everyone in reach (or under `nodeId`). */
export const TEAM_DAY_MAP_QUERY = /* GraphQL */ `
  query TeamDayMap($day: Date!, $nodeId: ID) {
    mapSettings { tileUrl attribution maxZoom }
    visitsOn(day: $day, nodeId: $nodeId) { ...MapVisitParts }
  }
  ${MAP_VISIT}
`;

export const VISITS_TO_REVIEW_QUERY = /* GraphQL */ `
  query VisitsToReview($first: Int!) {
    mapSettings { tileUrl attribution maxZoom }
    visitsToReview(first: $first) { ...MapVisitParts }
    visitsToReviewCount
  }
  ${MAP_VISIT}
`;

/** The day's visits live: the whole day again after every check-in, check-out, photo or review. */
export const VISITS_LIVE_SUBSCRIPTION = /* GraphQL */ `
  subscription VisitsLive($day: Date!, $nodeId: ID) {
    visitsChanged(day: $day, nodeId: $nodeId) { day nodeId visits { ...MapVisitParts } }
  }
  ${MAP_VISIT}
`;

/** Just the count, for the badge on home and the team screen. */
export const REVIEW_COUNT_QUERY = /* GraphQL */ `
  query ReviewCount { visitsToReviewCount }
`;

export const REVIEW_VISIT_MUTATION = /* GraphQL */ `
  mutation ReviewVisit($input: ReviewVisitInput!) {
    reviewVisit(input: $input) {
      __typename
      ... on ReviewVisitSuccess { visit { ...MapVisitParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${MAP_VISIT}
`;

/** The manager's scope choices: the org and its teams (people are picked from the legend). */
export const MAP_NODES_QUERY = /* GraphQL */ `
  query MapNodes { orgTree { node { kind id name key } depth } }
`;
