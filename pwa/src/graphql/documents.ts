// Every GraphQL document the PWA sends, as constants (one place to diff against
// schema.graphql). Fragments are spliced in as strings.

const USER = /* GraphQL */ `
  fragment UserParts on User {
    id
    name
    initials
    role
    avatarColor
    team { id name }
  }
`;

const ME = /* GraphQL */ `
  fragment MeParts on Me {
    email
    locale
    user { ...UserParts }
    org { id name timeZone currency }
  }
  ${USER}
`;

const POINTS = /* GraphQL */ `
  fragment PointsParts on PointsSummary {
    today
    week
    month
    total
    monthRank
    dailyCap
    visitPoints
  }
`;

const BOARD = /* GraphQL */ `
  fragment BoardParts on Leaderboard {
    period
    scope
    team { id name }
    periodKey
    startsAt
    endsAt
    version
    changedUserIds
    entries { rank points user { ...UserParts } }
  }
  ${USER}
`;

const CELEBRATION = /* GraphQL */ `
  fragment CelebrationParts on Celebration {
    id
    kind
    threshold
    points
    createdAt
    message
    user { ...UserParts }
    otherUser { ...UserParts }
  }
  ${USER}
`;

const ERRORS = /* GraphQL */ `
  fragment ErrorParts on OperationError {
    errors { field code message }
  }
`;

export const ME_QUERY = /* GraphQL */ `
  query Me { me { ...MeParts } }
  ${ME}
`;

export const LOGIN_MUTATION = /* GraphQL */ `
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      __typename
      ... on LoginSuccess { me { ...MeParts } }
      ... on OperationError { ...ErrorParts }
    }
  }
  ${ME}
  ${ERRORS}
`;

export const LOGOUT_MUTATION = /* GraphQL */ `
  mutation Logout { logout }
`;

export const SET_LOCALE_MUTATION = /* GraphQL */ `
  mutation SetLocale($locale: Locale!) { setLocale(locale: $locale) { ...MeParts } }
  ${ME}
`;

export const HOME_QUERY = /* GraphQL */ `
  query Home($celebrations: Int!) {
    myPoints { ...PointsParts }
    recentCelebrations(first: $celebrations) { ...CelebrationParts }
  }
  ${POINTS}
  ${CELEBRATION}
`;

export const MY_POINTS_QUERY = /* GraphQL */ `
  query MyPoints { myPoints { ...PointsParts } }
  ${POINTS}
`;

export const CUSTOMERS_QUERY = /* GraphQL */ `
  query Customers($near: GeoPoint, $search: String, $first: Int!) {
    customers(near: $near, search: $search, first: $first) {
      id
      name
      address
      latitude
      longitude
      geofenceRadiusMeters
      distanceMeters
    }
  }
`;

export const LOG_VISIT_MUTATION = /* GraphQL */ `
  mutation LogVisit($input: LogVisitInput!) {
    logVisit(input: $input) {
      __typename
      ... on LogVisitSuccess {
        visit {
          id
          clientId
          occurredAt
          distanceMeters
          withinGeofence
          pointsAwarded
          customer { id name geofenceRadiusMeters }
        }
        points { ...PointsParts }
        replayed
      }
      ... on OperationError { ...ErrorParts }
    }
  }
  ${POINTS}
  ${ERRORS}
`;

export const LEADERBOARD_SUBSCRIPTION = /* GraphQL */ `
  subscription LeaderboardChanged($period: Period!, $scope: BoardScope!) {
    leaderboardChanged(period: $period, scope: $scope) { ...BoardParts }
  }
  ${BOARD}
`;

export const CELEBRATIONS_SUBSCRIPTION = /* GraphQL */ `
  subscription Celebrations { celebrations { ...CelebrationParts } }
  ${CELEBRATION}
`;
