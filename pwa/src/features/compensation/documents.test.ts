import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as documents from '@/features/compensation/documents';

// As in graphql/documents.test.ts: the compensation documents must validate against the
// schema the backend exports, so a renamed field fails here rather than on a phone.
const SCHEMA_PATH = fileURLToPath(new URL('../../../../schema.graphql', import.meta.url));
const hasSchema = existsSync(SCHEMA_PATH);

describe('compensation GraphQL documents', () => {
  const entries = Object.entries(documents);

  it('are all documents', () => {
    expect(entries.length).toBeGreaterThan(10);
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
