// Every GraphQL document the PWA sends, as constants (one place to diff against
// schema.graphql). Fragments are spliced in as strings.

const USER = /* GraphQL */ `
  fragment UserParts on User {
    id
    name
    initials
    role
    avatarColor
    photoUrl
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
    visitPointsToday
    visitPoints
  }
`;

const BOARD = /* GraphQL */ `
  fragment BoardParts on Leaderboard {
    period
    scope
    metric
    currency
    team { id name }
    periodKey
    startsAt
    endsAt
    version
    changedUserIds
    entries { rank points amount dealsWon user { ...UserParts } }
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
    subject
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

export const LEADERBOARD_SUBSCRIPTION = /* GraphQL */ `
  subscription LeaderboardChanged($period: Period!, $scope: BoardScope!, $metric: BoardMetric! = POINTS) {
    leaderboardChanged(period: $period, scope: $scope, metric: $metric) { ...BoardParts }
  }
  ${BOARD}
`;

export const CELEBRATIONS_SUBSCRIPTION = /* GraphQL */ `
  subscription Celebrations { celebrations { ...CelebrationParts } }
  ${CELEBRATION}
`;

// ---- pipeline

const STAGE = /* GraphQL */ `
  fragment StageParts on Stage { id key name probability outcome }
`;

const DEAL = /* GraphQL */ `
  fragment DealParts on Deal {
    id title amount currency expectedClose status probability closeReason version
    leadSource closedAt
    customer { id name }
    owner { id name }
    stage { ...StageParts }
  }
  ${STAGE}
`;

export const PIPELINE_QUERY = /* GraphQL */ `
  query Pipeline($ownerId: ID, $closedDays: Int! = 30) {
    pipeline(ownerId: $ownerId, closedDays: $closedDays) {
      count amount weightedAmount stage { ...StageParts } deals { ...DealParts }
    }
  }
  ${DEAL}
`;

export const NEW_DEAL_QUERY = /* GraphQL */ `
  query NewDeal {
    stages { ...StageParts }
    products { id sku name line listPrice }
  }
  ${STAGE}
`;

export const CREATE_DEAL_MUTATION = /* GraphQL */ `
  mutation CreateDeal($input: CreateDealInput!) {
    createDeal(input: $input) {
      __typename
      ... on DealSuccess { replayed pointsAwarded deal { ...DealParts } }
      ... on OperationError { ...ErrorParts }
    }
  }
  ${DEAL}
  ${ERRORS}
`;

export const MOVE_DEAL_MUTATION = /* GraphQL */ `
  mutation MoveDeal($input: MoveDealInput!) {
    moveDeal(input: $input) {
      __typename
      ... on DealSuccess { replayed pointsAwarded deal { ...DealParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${DEAL}
`;

export const DEAL_QUERY = /* GraphQL */ `
  query DealDetail($id: ID!) {
    deal(id: $id) {
      deal { ...DealParts }
      lines { product { name sku } quantity unitPrice total }
      history { stage { ...StageParts } enteredAt leftAt seconds }
      orders { id number amount orderedAt collected outstanding collectedShare payments { id amount collectedAt note } }
      collected
      activities { id kind outcome note occurredAt user { name } }
      canEdit
    }
    stages { ...StageParts }
  }
  ${DEAL}
`;

export const LOG_ACTIVITY_MUTATION = /* GraphQL */ `
  mutation LogActivity($input: LogActivityInput!) {
    logActivity(input: $input) {
      __typename
      ... on ActivitySuccess { replayed }
      ... on OperationError { errors { field code message } }
    }
  }
`;

export const RECORD_ORDER_MUTATION = /* GraphQL */ `
  mutation RecordOrder($input: RecordOrderInput!) {
    recordOrder(input: $input) {
      __typename
      ... on OrderSuccess { replayed order { id } }
      ... on OperationError { errors { field code message } }
    }
  }
`;

export const RECORD_PAYMENT_MUTATION = /* GraphQL */ `
  mutation RecordPayment($input: RecordPaymentInput!) {
    recordPayment(input: $input) {
      __typename
      ... on OrderSuccess { replayed order { id collectedShare } }
      ... on OperationError { errors { field code message } }
    }
  }
`;

// ---- targets

const ATTAINMENT = /* GraphQL */ `
  fragment AttainmentParts on Attainment {
    node { kind id name key }
    period { key grain firstDay lastDay }
    metric target actual ratio expected elapsed pace childrenTarget gap
    children { node { kind id name key } target actual ratio expected pace }
  }
`;

export const ATTAINMENT_SUBSCRIPTION = /* GraphQL */ `
  subscription AttainmentLive($node: NodeInput, $metric: TargetMetric!, $grain: Grain!) {
    attainmentChanged(node: $node, metric: $metric, grain: $grain) { ...AttainmentParts }
  }
  ${ATTAINMENT}
`;

export const ORG_TREE_QUERY = /* GraphQL */ `
  query OrgTree {
    orgTree { node { kind id name key } parentKey depth }
    quarter: attainment(grain: QUARTER) { period { key } }
  }
`;

const SPLIT = /* GraphQL */ `
  fragment SplitParts on TargetSplit {
    amount basis fellBackToEqual period { key }
    rows { node { kind id name key } amount share lastYear current }
  }
`;

export const TARGET_PREVIEW_QUERY = /* GraphQL */ `
  query TargetPreview($input: SetTargetInput!) { targetSplitPreview(input: $input) { ...SplitParts } }
  ${SPLIT}
`;

export const SET_TARGET_MUTATION = /* GraphQL */ `
  mutation SetTarget($input: SetTargetInput!) {
    setTarget(input: $input) {
      __typename
      ... on SetTargetSuccess { split { ...SplitParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${SPLIT}
`;

const DECOMPOSITION = /* GraphQL */ `
  fragment DecompositionParts on TargetDecomposition {
    amount byDays period { key }
    parts { amount period { key grain firstDay } }
  }
`;

export const TARGET_DECOMPOSITION_QUERY = /* GraphQL */ `
  query TargetDecomposition($input: DecomposeInput!) { targetDecomposition(input: $input) { ...DecompositionParts } }
  ${DECOMPOSITION}
`;

export const DECOMPOSE_TARGET_MUTATION = /* GraphQL */ `
  mutation DecomposeTarget($input: DecomposeInput!) {
    decomposeTarget(input: $input) {
      __typename
      ... on DecomposeSuccess { decomposition { ...DecompositionParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${DECOMPOSITION}
`;

export const STAGE_LIST_QUERY = /* GraphQL */ `
  query StageList { stages { id key name nameEn nameZh probability outcome } }
`;

export const SAVE_STAGES_MUTATION = /* GraphQL */ `
  mutation SaveStages($stages: [StageInput!]!) {
    saveStages(stages: $stages) {
      __typename
      ... on StagesSuccess { stages { ...StageParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${STAGE}
`;

export const UPDATE_DEAL_MUTATION = /* GraphQL */ `
  mutation UpdateDeal($input: UpdateDealInput!) {
    updateDeal(input: $input) {
      __typename
      ... on DealSuccess { replayed deal { id version } }
      ... on OperationError { errors { field code message } }
    }
  }
`;
