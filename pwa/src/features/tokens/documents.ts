// API tokens' GraphQL documents (validated against schema.graphql by graphql/documents.test.ts)
// and the types of what they select. Only documents are exported as values.
import type { OperationError } from '@/graphql/types';

export type TokenStatus = 'ACTIVE' | 'ROTATING' | 'EXPIRED' | 'REVOKED';

export interface ApiToken {
  id: string;
  name: string;
  /** The token's public start (pod_…): enough to recognise it, never to use it. */
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string;
  replacedById: string | null;
  status: TokenStatus;
}

export type IssueResult = { __typename: 'IssuedApiToken'; secret: string; token: ApiToken } | OperationError;
export type RevokeResult = { __typename: 'RevokeApiTokenSuccess'; token: ApiToken } | OperationError;

const TOKEN = /* GraphQL */ `
  fragment ApiTokenParts on ApiToken { id name prefix scopes createdAt createdBy expiresAt revokedAt lastUsedAt lastUsedIp replacedById status }
`;

export const TOKENS_QUERY = /* GraphQL */ `
  query ApiTokens { apiTokens { ...ApiTokenParts } apiTokenScopes }
  ${TOKEN}
`;

export const CREATE_TOKEN_MUTATION = /* GraphQL */ `
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      __typename
      ... on IssuedApiToken { secret token { ...ApiTokenParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${TOKEN}
`;

export const ROTATE_TOKEN_MUTATION = /* GraphQL */ `
  mutation RotateApiToken($input: RotateApiTokenInput!) {
    rotateApiToken(input: $input) {
      __typename
      ... on IssuedApiToken { secret token { ...ApiTokenParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${TOKEN}
`;

export const REVOKE_TOKEN_MUTATION = /* GraphQL */ `
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) {
      __typename
      ... on RevokeApiTokenSuccess { token { ...ApiTokenParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${TOKEN}
`;
