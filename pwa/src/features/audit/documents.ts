// The audit log's GraphQL documents (validated against schema.graphql by graphql/documents.test.ts)
// and the types of what they select. Only documents are exported as values.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface AuditEntry {
  id: string;
  at: string;
  /** The domain event's name: person_changed, token_created, … */
  action: string;
  subjectType: string;
  subjectId: string;
  actorUserId: string | null;
  actorTokenId: string | null;
  actorName: string;
  actorEmail: string;
  ip: string;
  userAgent: string;
  before: Record<string, Json>;
  after: Record<string, Json>;
}

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
}

export interface AuditFilterInput {
  text?: string;
  actor?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  since?: string;
  until?: string;
}

export const AUDIT_QUERY = /* GraphQL */ `
  query AuditEntries($filter: AuditFilterInput, $offset: Int!, $first: Int!) {
    auditEntries(filter: $filter, offset: $offset, first: $first) {
      total
      entries { id at action subjectType subjectId actorUserId actorTokenId actorName actorEmail ip userAgent before after }
    }
  }
`;

export const AUDIT_ACTIONS_QUERY = /* GraphQL */ `
  query AuditActions { auditActions }
`;
