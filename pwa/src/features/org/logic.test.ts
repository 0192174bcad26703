import { describe, expect, it } from 'vitest';
import type { OrgUnit } from '@/features/org/documents';
import { deletable, mergeMoves, mergeTargets, moveTargets, pathName, subtreeIds, visibleUnits } from '@/features/org/logic';

const unit = (id: string, parentId: string | null, extra: Partial<OrgUnit> = {}): OrgUnit => ({
  id, name: `U${id}`, parentId, depth: 0, manager: null, people: 0, peopleBelow: 0, childCount: 0, ...extra,
});

// 1 East (2 Shanghai 1 (4), 3 Shanghai 2), 5 West
const TREE = [unit('1', null, { childCount: 2 }), unit('2', '1', { childCount: 1, people: 3 }), unit('4', '2'), unit('3', '1'), unit('5', null)];

describe('org tree logic', () => {
  it('finds a subtree', () => {
    expect([...subtreeIds(TREE, '1')].sort()).toEqual(['1', '2', '3', '4']);
    expect([...subtreeIds(TREE, '5')]).toEqual(['5']);
  });

  it('never offers a cycle or the current parent as a move', () => {
    expect(moveTargets(TREE, '2').map((u) => u.id)).toEqual(['3', '5']);
    expect(moveTargets(TREE, '1').map((u) => u.id)).toEqual(['5']);
  });

  it('never offers a merge into the unit itself or below it', () => {
    expect(mergeTargets(TREE, '2').map((u) => u.id)).toEqual(['1', '3', '5']);
  });

  it('names a path and what a merge moves', () => {
    expect(pathName(TREE, '4')).toBe('U1 › U2 › U4');
    expect(mergeMoves(TREE[1]!)).toEqual({ people: 3, units: 1 });
  });

  it('deletes only empty units and hides collapsed subtrees', () => {
    expect(deletable(TREE[1]!)).toBe(false);
    expect(deletable(TREE[2]!)).toBe(true);
    expect(visibleUnits(TREE, new Set(['1'])).map((u) => u.id)).toEqual(['1', '5']);
  });
});
