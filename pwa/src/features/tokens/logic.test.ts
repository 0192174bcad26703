import { describe, expect, it } from 'vitest';
import { groupedScopes, scopeRows, toggleScope } from '@/features/tokens/logic';

describe('token scopes', () => {
  it('groups scopes by capability in the given order', () => {
    expect(scopeRows(['people:read', 'people:write', 'audit:read', 'bogus'])).toEqual([
      { capability: 'people', read: 'people:read', write: 'people:write' },
      { capability: 'audit', read: 'audit:read', write: null },
    ]);
  });

  it('adds the read scope with a write and drops the write with its read', () => {
    const withWrite = toggleScope(new Set(), 'pipeline:write', true);
    expect([...withWrite].sort()).toEqual(['pipeline:read', 'pipeline:write']);
    expect([...toggleScope(withWrite, 'pipeline:read', false)]).toEqual([]);
    expect([...toggleScope(withWrite, 'pipeline:write', false)]).toEqual(['pipeline:read']);
  });

  it('shows a token’s scopes compactly', () => {
    expect(groupedScopes(['customers:read', 'customers:write', 'targets:read'])).toEqual([
      { capability: 'customers', modes: ['read', 'write'] },
      { capability: 'targets', modes: ['read'] },
    ]);
  });
});
