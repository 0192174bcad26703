import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as compensation from '@/features/compensation/documents';
import * as map from '@/features/map/documents';
import * as documents from '@/graphql/documents';
import * as visit from '@/features/visit/documents';
import * as pipelineSync from '@/features/pipeline/sync-documents';
import * as tv from '@/features/tv/documents';
import * as rewards from '@/features/rewards/documents';
import * as points from '@/features/points/documents';
import * as badges from '@/features/badges/documents';
import * as notifications from '@/features/notifications/documents';
import * as contests from '@/features/contests/documents';
import * as robots from '@/features/robots/documents';
import * as webhooks from '@/features/webhooks/documents';
import * as events from '@/features/events/documents';
import * as accounts from '@/features/accounts/documents';
import * as org from '@/features/org/documents';
import * as products from '@/features/products/documents';
import * as customers from '@/features/customers/documents';
import * as analytics from '@/features/analytics/documents';
import * as analyticsCustomers from '@/features/analytics/customers-documents';

// The backend exports the schema to the repository root; the PWA's documents
// must validate against it (a renamed field fails here, not on a phone).
const SCHEMA_PATH = fileURLToPath(new URL('../../../schema.graphql', import.meta.url));
const hasSchema = existsSync(SCHEMA_PATH);

// Every module of documents the app sends, by name.
const MODULES: Record<string, Record<string, unknown>> = { documents, compensation, map, visit, pipelineSync, tv, rewards, points, notifications, badges, contests, robots, webhooks, events, accounts, org, products, customers, analytics, analyticsCustomers };

describe('GraphQL documents', () => {
  const entries = Object.entries(MODULES).flatMap(([module, exports]) =>
    Object.entries(exports).map(([name, source]) => [`${module}.${name}`, source as string] as const),
  );

  it('are all documents', () => {
    for (const [name, source] of entries) expect(typeof source, name).toBe('string');
  });

  it('parse, with each fragment defined once', () => {
    for (const [name, source] of entries) {
      const doc = parse(source);
      const fragments = doc.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [d.name.value] : []));
      expect(new Set(fragments).size, name).toBe(fragments.length);
    }
  });

  it.skipIf(!hasSchema)('validate against schema.graphql', () => {
    const schema = buildSchema(readFileSync(SCHEMA_PATH, 'utf8'));
    for (const [name, source] of entries) {
      const errors = validate(schema, parse(source)).map((e) => e.message);
      expect(errors, name).toEqual([]);
    }
  });
});
