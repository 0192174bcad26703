import { describe, expect, it } from 'vitest';

import { addDraft, moveDraft, type StageDraft } from '@/features/pipeline/stages';

const d = (id: string, outcome: StageDraft['outcome'] = 'OPEN'): StageDraft => ({ id, nameEn: id, nameZh: id, probability: 10, outcome });

describe('stage drafts', () => {
  const drafts = [d('a'), d('b'), d('won', 'WON'), d('lost', 'LOST')];

  it('reorders open stages only', () => {
    expect(moveDraft(drafts, 1, -1).map((x) => x.id)).toEqual(['b', 'a', 'won', 'lost']);
    expect(moveDraft(drafts, 1, 1)).toBe(drafts); // won stays after the open stages
    expect(moveDraft(drafts, 0, -1)).toBe(drafts);
  });

  it('adds a new open stage before won and lost', () => {
    expect(addDraft(drafts).map((x) => x.id)).toEqual(['a', 'b', null, 'won', 'lost']);
  });
});
