// The customers screens' GraphQL documents (validated against schema.graphql by graphql/documents.test.ts)
// and the types of what they select, written by hand like graphql/types.ts.
import type { OperationError } from '@/graphql/types';

export type Tier = 'A' | 'B' | 'C';
export type CoordSystem = 'WGS84' | 'GCJ02' | 'BD09';
export type CustomerSort = 'NAME' | 'LAST_VISIT' | 'OPEN_PIPELINE' | 'LIFETIME_REVENUE' | 'TIER';

export interface CustomerRow {
  id: string;
  name: string;
  address: string;
  city: string;
  industry: string;
  tier: string;
  latitude: number | null;
  longitude: number | null;
  geofenceRadiusMeters: number;
  ownerId: string | null;
  ownerName: string | null;
  lastVisitAt: string | null;
  openPipeline: string;
  lifetimeRevenue: string;
  atRisk: boolean;
}

export interface CustomerFilter {
  search?: string | null;
  ownerIds?: string[] | null;
  teamId?: string | null;
  tiers?: string[] | null;
  city?: string | null;
  industry?: string | null;
  atRisk?: boolean | null;
  hasOpenPipeline?: boolean | null;
  lastVisitBefore?: string | null;
  pool?: boolean;
  hasPosition?: boolean | null;
}

export interface Contact {
  id: string;
  name: string;
  title: string;
  phone: string;
  wecomId: string;
  dingtalkId: string;
  email: string;
}

export interface TimelineEntry {
  kind: string;
  at: string;
  id: string;
  userName: string;
  dealId: string | null;
  title: string;
  amount: string | null;
  detail: string;
}

export interface CustomerDetail {
  customer: CustomerRow;
  contacts: Contact[];
  openDeals: Array<{ id: string; title: string; amount: string; currency: string; expectedClose: string; probability: number }>;
  timeline: TimelineEntry[];
  timelineMore: boolean;
}

export interface TreeNode {
  node: { kind: string; id: string; name: string; key: string };
  parentKey: string | null;
  depth: number;
}

export type CustomerResult = { __typename: 'CustomerSuccess'; customer: CustomerRow } | OperationError;
export type ReassignResult = { __typename: 'ReassignSuccess'; customers: Array<{ id: string }> } | OperationError;
export type MergeResult = { __typename: 'MergeSuccess'; survivor: { id: string }; mergedIds: string[] } | OperationError;
export type ContactResult = { __typename: 'ContactSuccess'; contact: Contact } | OperationError;
export type RemoveContactResult = { __typename: 'ContactRemoved'; id: string } | OperationError;

// ---------------------------------------------------------------- documents

const CUSTOMER_FIELDS = `
  id name address city industry tier latitude longitude geofenceRadiusMeters
  ownerId ownerName lastVisitAt openPipeline lifetimeRevenue atRisk
`;

export const CUSTOMER_LIST_QUERY = `
query CustomerList($filter: CustomerFilter, $sort: CustomerSort!, $descending: Boolean!, $offset: Int!, $first: Int!) {
  customerList(filter: $filter, sort: $sort, descending: $descending, offset: $offset, first: $first) {
    total
    items { ${CUSTOMER_FIELDS} }
  }
}`;

export const CUSTOMER_CHOICES_QUERY = `
query CustomerChoices {
  customerFacets { cities industries }
  orgTree { node { kind id name key } parentKey depth }
}`;

export const CUSTOMER_PAGE_QUERY = `
query CustomerPage($id: ID!, $offset: Int!, $first: Int!) {
  customerPage(id: $id, offset: $offset, first: $first) {
    customer { ${CUSTOMER_FIELDS} }
    contacts { id name title phone wecomId dingtalkId email }
    openDeals { id title amount currency expectedClose probability }
    timeline { kind at id userName dealId title amount detail }
    timelineMore
  }
}`;

export const CUSTOMER_FORM_QUERY = `
query CustomerForm($id: ID!, $withCustomer: Boolean!) {
  customerPage(id: $id, first: 1) @include(if: $withCustomer) { customer { ${CUSTOMER_FIELDS} } }
  orgTree { node { kind id name key } parentKey depth }
  mapSettings { tileUrl attribution maxZoom }
}`;

const ERRORS = `... on OperationError { errors { field code message } }`;

export const CREATE_CUSTOMER_MUTATION = `
mutation CreateCustomer($input: CustomerInput!) {
  createCustomer(input: $input) { __typename ... on CustomerSuccess { customer { ${CUSTOMER_FIELDS} } } ${ERRORS} }
}`;

export const EDIT_CUSTOMER_MUTATION = `
mutation EditCustomer($id: ID!, $input: CustomerInput!) {
  editCustomer(id: $id, input: $input) { __typename ... on CustomerSuccess { customer { ${CUSTOMER_FIELDS} } } ${ERRORS} }
}`;

export const REASSIGN_CUSTOMERS_MUTATION = `
mutation ReassignCustomers($ids: [ID!]!, $owner: ID!) {
  reassignCustomers(customerIds: $ids, ownerId: $owner) { __typename ... on ReassignSuccess { customers { id } } ${ERRORS} }
}`;

/** Take a customer from the open pool (公海) as mine; CONFLICT when someone was quicker. */
export const CLAIM_CUSTOMER_MUTATION = `
mutation ClaimCustomer($id: ID!) {
  claimCustomer(id: $id) { __typename ... on CustomerSuccess { customer { id name } } ${ERRORS} }
}`;

export interface PoolRules {
  claimsAllowed: boolean;
  maxOwned: number | null;
}

export const POOL_RULES_QUERY = `query PoolRules { poolRules { claimsAllowed maxOwned } }`;

export const SET_POOL_RULES_MUTATION = `
mutation SetPoolRules($claimsAllowed: Boolean!, $maxOwned: Int) {
  setPoolRules(claimsAllowed: $claimsAllowed, maxOwned: $maxOwned) { __typename ... on PoolRules { claimsAllowed maxOwned } ${ERRORS} }
}`;

export const MERGE_CUSTOMERS_MUTATION = `
mutation MergeCustomers($survivor: ID!, $merged: [ID!]!) {
  mergeCustomers(survivorId: $survivor, mergedIds: $merged) { __typename ... on MergeSuccess { survivor { id } mergedIds } ${ERRORS} }
}`;

export const ADD_CONTACT_MUTATION = `
mutation AddContact($customer: ID!, $input: ContactInput!) {
  addContact(customerId: $customer, input: $input) { __typename ... on ContactSuccess { contact { id name title phone wecomId dingtalkId email } } ${ERRORS} }
}`;

export const EDIT_CONTACT_MUTATION = `
mutation EditContact($id: ID!, $input: ContactInput!) {
  editContact(id: $id, input: $input) { __typename ... on ContactSuccess { contact { id name title phone wecomId dingtalkId email } } ${ERRORS} }
}`;

export const REMOVE_CONTACT_MUTATION = `
mutation RemoveContact($id: ID!) {
  removeContact(id: $id) { __typename ... on ContactRemoved { id } ${ERRORS} }
}`;
