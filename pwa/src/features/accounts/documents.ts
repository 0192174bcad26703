// Accounts' GraphQL documents (validated against schema.graphql by graphql/documents.test.ts) and the
// types of what they select, written by hand like graphql/types.ts: first run, invitations, passwords,
// people admin. Only documents are exported as values: the test parses every one.
import type { ApiLocale } from '@/i18n';
import type { Me, OperationError, Role } from '@/graphql/types';

// ---------------------------------------------------------------- types

export interface DemoAccount {
  email: string;
  name: string;
  role: Role;
  password: string;
}

export interface Person {
  id: string;
  name: string;
  email: string;
  role: Role;
  teamId: string | null;
  teamName: string | null;
  managerId: string | null;
  managerName: string | null;
  active: boolean;
  lastSignInAt: string | null;
  createdAt: string;
  initials: string;
  avatarColor: string;
  employeeNumber: string | null;
}

export interface PeopleUnit {
  id: string;
  name: string;
  depth: number;
}

export interface Invitation {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  teamId: string | null;
  teamName: string | null;
  managerName: string | null;
  invitedByName: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface InvitationPreview {
  name: string;
  orgName: string;
  role: Role;
  email: string | null;
  locale: ApiLocale;
}

export interface PeoplePage {
  people: Person[];
  peopleUnits: PeopleUnit[];
  pendingInvitations: Invitation[];
}

export type SignedInResult = { __typename: 'SignedInSuccess'; me: Me } | OperationError;
export type InviteResult = { __typename: 'InviteSuccess'; path: string; code: string; emailed: boolean; invitation: Invitation } | OperationError;
export type DoneResult = { __typename: 'DoneSuccess' } | OperationError;
export type PersonResult = { __typename: 'PersonSuccess'; person: Person } | OperationError;
export type PasswordResetResult = { __typename: 'PasswordResetSuccess'; path: string; expiresAt: string } | OperationError;
export type RevokeResult = { __typename: 'RevokeInvitationSuccess'; id: string } | OperationError;

// ---------------------------------------------------------------- documents

const ME_FIELDS = 'me { email locale user { id name initials role avatarColor photoUrl team { id name } } org { id name timeZone currency } }';
const ERRORS = '... on OperationError { errors { field code message } }';
const PERSON_FIELDS = 'id name email role teamId teamName managerId managerName active lastSignInAt createdAt initials avatarColor employeeNumber';
const INVITATION_FIELDS = 'id name email role teamId teamName managerName invitedByName createdAt expiresAt';

export const SETUP_NEEDED_QUERY = 'query SetupNeeded { setupNeeded }';

export const DEMO_ACCOUNTS_QUERY = 'query DemoAccounts { demoAccounts { email name role password } }';

export const SET_UP_COMPANY_MUTATION = `
mutation SetUpCompany($input: SetUpCompanyInput!) {
  setUpCompany(input: $input) { __typename ... on SignedInSuccess { ${ME_FIELDS} } ${ERRORS} }
}`;

export const INVITATION_QUERY = `
query Invitation($token: String, $code: String) {
  invitation(token: $token, code: $code) { name orgName role email locale }
}`;

export const ACCEPT_INVITATION_MUTATION = `
mutation AcceptInvitation($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { __typename ... on SignedInSuccess { ${ME_FIELDS} } ${ERRORS} }
}`;

export const RESET_PASSWORD_MUTATION = `
mutation ResetPassword($token: String!, $newPassword: String!) {
  resetPassword(token: $token, newPassword: $newPassword) { __typename ... on SignedInSuccess { ${ME_FIELDS} } ${ERRORS} }
}`;

export const CHANGE_PASSWORD_MUTATION = `
mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) { __typename ${ERRORS} }
}`;

export const PEOPLE_PAGE_QUERY = `
query PeoplePage {
  people { ${PERSON_FIELDS} }
  peopleUnits { id name depth }
  pendingInvitations { ${INVITATION_FIELDS} }
}`;

export const INVITE_MUTATION = `
mutation InvitePerson($input: InviteInput!) {
  invitePerson(input: $input) { __typename ... on InviteSuccess { path code emailed invitation { ${INVITATION_FIELDS} } } ${ERRORS} }
}`;

export const REVOKE_INVITATION_MUTATION = `
mutation RevokeInvitation($id: ID!) {
  revokeInvitation(id: $id) { __typename ... on RevokeInvitationSuccess { id } ${ERRORS} }
}`;

export const CHANGE_PERSON_MUTATION = `
mutation ChangePerson($input: ChangePersonInput!) {
  changePerson(input: $input) { __typename ... on PersonSuccess { person { ${PERSON_FIELDS} } } ${ERRORS} }
}`;

export const SET_EMPLOYEE_NUMBER_MUTATION = `
mutation SetEmployeeNumber($userId: ID!, $employeeNumber: String!) {
  setEmployeeNumber(userId: $userId, employeeNumber: $employeeNumber) { __typename ... on PersonSuccess { person { ${PERSON_FIELDS} } } ${ERRORS} }
}`;

export const ISSUE_RESET_MUTATION = `
mutation IssuePasswordReset($userId: ID!) {
  issuePasswordReset(userId: $userId) { __typename ... on PasswordResetSuccess { path expiresAt } ${ERRORS} }
}`;

export const DEACTIVATE_MUTATION = `
mutation DeactivatePerson($userId: ID!, $successorId: ID!) {
  deactivatePerson(userId: $userId, successorId: $successorId) { __typename ${ERRORS} }
}`;
