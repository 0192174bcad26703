import { describe, expect, it } from 'vitest';
import { backoffDelay, GraphQLRequestError } from '@/graphql/client';

describe('backoffDelay', () => {
  it('doubles from about a second up to thirty, with jitter', () => {
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    expect(backoffDelay(50, () => 1)).toBe(30_000);
  });
});

describe('GraphQLRequestError', () => {
  it('knows when the session is gone', () => {
    const error = new GraphQLRequestError([{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }]);
    expect(error.unauthenticated).toBe(true);
    expect(new GraphQLRequestError([{ message: 'boom' }]).unauthenticated).toBe(false);
  });
});
