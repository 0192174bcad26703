// GraphQL documents of the notifications screen and the home prompt (validated in graphql/documents.test.ts).

export const PUSH_SETTINGS_QUERY = /* GraphQL */ `
  query PushSettings {
    pushConfig { publicKey enabled }
    myPushPreferences { kinds available subscriptions }
  }
`;

export const SUBSCRIBE_PUSH_MUTATION = /* GraphQL */ `
  mutation SubscribePush($input: SubscribePushInput!) {
    subscribePush(input: $input) {
      __typename
      ... on SubscribePushSuccess { endpoint preferences { kinds available subscriptions } }
      ... on OperationError { errors { field code message } }
    }
  }
`;

export const UNSUBSCRIBE_PUSH_MUTATION = /* GraphQL */ `
  mutation UnsubscribePush($endpoint: String!) {
    unsubscribePush(endpoint: $endpoint) {
      __typename
      ... on UnsubscribePushSuccess { removed }
      ... on OperationError { errors { field code message } }
    }
  }
`;

export const SET_PUSH_PREFERENCES_MUTATION = /* GraphQL */ `
  mutation SetPushPreferences($kinds: [PushKind!]!) {
    setPushPreferences(kinds: $kinds) {
      __typename
      ... on SetPushPreferencesSuccess { preferences { kinds available subscriptions } }
      ... on OperationError { errors { field code message } }
    }
  }
`;
