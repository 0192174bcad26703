// The visit screen's GraphQL documents (validated against schema.graphql by
// documents.test.ts) and the types of what they select, written by hand like graphql/types.ts.
// Only documents are exported as values: the test parses every one.
import type { Customer, FieldError, OperationError, PointsSummary } from '@/graphql/types';

// ---------------------------------------------------------------- types

export type VisitStatus = 'VERIFIED' | 'FLAGGED' | 'APPROVED' | 'REJECTED';
export type VisitFlag = 'OUTSIDE_GEOFENCE' | 'POOR_ACCURACY' | 'IMPOSSIBLE_SPEED' | 'CLOCK_MISMATCH' | 'NO_CUSTOMER_POSITION' | 'LEFT_OPEN';

export interface VisitPhoto {
  id: string;
  clientId: string;
  width: number;
  height: number;
  bytes: number;
  url: string;
  thumbUrl: string;
}

/** What the visit screen needs of a customer; a subset of `Customer` that the cache keeps. */
export type VisitCustomer = Pick<Customer, 'id' | 'name' | 'address' | 'latitude' | 'longitude' | 'geofenceRadiusMeters' | 'ownerId'>;

export interface FieldVisit {
  id: string;
  clientId: string;
  customer: VisitCustomer;
  occurredAt: string;
  latitude: number;
  longitude: number;
  note: string;
  distanceMeters: number;
  withinGeofence: boolean;
  accuracyMeters: number;
  pointsAwarded: number;
  status: VisitStatus;
  flags: VisitFlag[];
  verified: boolean;
  checkedOutAt: string | null;
  durationSeconds: number | null;
  autoClosed: boolean;
  photos: VisitPhoto[];
  reviewNote: string | null;
}

export interface CheckInInput {
  clientId: string;
  customerId: string;
  latitude: number;
  longitude: number;
  accuracyMeters: number;
  occurredAt: string;
  positionAt: string | null;
  sentAt?: string | null;
  note: string;
}

export interface CheckOutInput {
  clientId: string;
  visitClientId: string;
  latitude: number;
  longitude: number;
  accuracyMeters: number;
  occurredAt: string;
  sentAt?: string | null;
  note: string | null;
}

export type CheckInResult =
  | { __typename: 'CheckInSuccess'; visit: FieldVisit; points: PointsSummary; replayed: boolean }
  | OperationError;
/** A customer added where the rep stands (`addCustomer`); idempotent on clientId. */
export interface AddCustomerInput {
  clientId: string;
  name: string;
  latitude: number;
  longitude: number;
  address: string;
  tier: 'A' | 'B' | 'C';
  geofenceRadiusMeters: number;
}
export type AddedCustomer = VisitCustomer & { tier: string };
export type AddCustomerResult =
  | { __typename: 'AddCustomerSuccess'; customer: AddedCustomer; pointsAwarded: number; replayed: boolean }
  | OperationError;
export type CheckOutResult = { __typename: 'CheckOutSuccess'; visit: FieldVisit; replayed: boolean } | OperationError;

/** `POST /api/visits/photos`: the body of a 200/201, or of a 4xx. */
export type PhotoUploadResult = { photo: VisitPhoto; replayed: boolean };
export type PhotoUploadErrors = { errors: FieldError[] };

export interface PlanStop {
  customer: VisitCustomer;
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

// ---------------------------------------------------------------- documents

const VISIT_CUSTOMER = /* GraphQL */ `
  fragment VisitCustomerParts on Customer {
    id
    name
    address
    latitude
    longitude
    geofenceRadiusMeters
    ownerId
  }
`;

const FIELD_VISIT = /* GraphQL */ `
  fragment FieldVisitParts on Visit {
    id
    clientId
    customer { ...VisitCustomerParts }
    occurredAt
    latitude
    longitude
    note
    distanceMeters
    withinGeofence
    accuracyMeters
    pointsAwarded
    status
    flags
    verified
    checkedOutAt
    durationSeconds
    autoClosed
    photos { id clientId width height bytes url thumbUrl }
    reviewNote
  }
  ${VISIT_CUSTOMER}
`;

const POINTS = /* GraphQL */ `
  fragment VisitPointsParts on PointsSummary {
    today
    week
    month
    total
    monthRank
    dailyCap
    visitPointsToday
    visitPoints
  }
`;

const ERRORS = /* GraphQL */ `
  fragment VisitErrorParts on OperationError {
    errors { field code message }
  }
`;

export const CHECK_IN_MUTATION = /* GraphQL */ `
  mutation CheckIn($input: CheckInInput!) {
    checkIn(input: $input) {
      __typename
      ... on CheckInSuccess {
        visit { ...FieldVisitParts }
        points { ...VisitPointsParts }
        replayed
      }
      ... on OperationError { ...VisitErrorParts }
    }
  }
  ${FIELD_VISIT}
  ${POINTS}
  ${ERRORS}
`;

export const CHECK_OUT_MUTATION = /* GraphQL */ `
  mutation CheckOut($input: CheckOutInput!) {
    checkOut(input: $input) {
      __typename
      ... on CheckOutSuccess {
        visit { ...FieldVisitParts }
        replayed
      }
      ... on OperationError { ...VisitErrorParts }
    }
  }
  ${FIELD_VISIT}
  ${ERRORS}
`;

export const OPEN_VISIT_QUERY = /* GraphQL */ `
  query OpenVisit {
    openVisit { ...FieldVisitParts }
  }
  ${FIELD_VISIT}
`;

export const MY_RECENT_VISITS_QUERY = /* GraphQL */ `
  query MyRecentVisits($first: Int!) {
    myVisits(first: $first) { ...FieldVisitParts }
  }
  ${FIELD_VISIT}
`;

export const TODAY_PLAN_QUERY = /* GraphQL */ `
  query TodayPlan($near: GeoPoint) {
    todayPlan(near: $near) {
      stops {
        customer { ...VisitCustomerParts }
        order
        legMeters
        lastVisitedAt
        daysSinceVisit
        atRisk
        visitedToday
      }
      totalMeters
      atRiskDays
    }
  }
  ${VISIT_CUSTOMER}
`;

export const FIELD_CUSTOMERS_QUERY = /* GraphQL */ `
  query FieldCustomers($near: GeoPoint, $search: String, $first: Int!) {
    customers(near: $near, search: $search, first: $first) { ...VisitCustomerParts }
  }
  ${VISIT_CUSTOMER}
`;

export const ADD_CUSTOMER_MUTATION = /* GraphQL */ `
  mutation AddCustomer($input: AddCustomerInput!) {
    addCustomer(input: $input) {
      __typename
      ... on AddCustomerSuccess {
        customer { ...VisitCustomerParts tier }
        pointsAwarded
        replayed
      }
      ... on OperationError { ...VisitErrorParts }
    }
  }
  ${VISIT_CUSTOMER}
  ${ERRORS}
`;
