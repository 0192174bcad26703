import { describe, expect, it } from 'vitest';
import { decidedElsewhere, decisionStatus, placeErrors, withoutVisit } from '@/features/review/logic';
import { countLabel } from '@/features/map/links';
import type { FieldError } from '@/graphql/types';

describe('review errors', () => {
  it('go next to the note or above the buttons', () => {
    const placed = placeErrors([
      { field: 'input.note', code: 'TOO_LONG', message: 'Too long' },
      { field: 'note', code: 'INVALID', message: '' },
      { field: 'input.visitId', code: 'NOT_FOUND', message: 'Gone' },
      { field: null, code: 'FORBIDDEN', message: 'No' },
    ]);
    expect(placed.note.map((e) => e.code)).toEqual(['TOO_LONG', 'INVALID']);
    expect(placed.general.map((e) => e.code)).toEqual(['NOT_FOUND', 'FORBIDDEN']);
  });

  it('tell a visit decided by someone else from a mistake in the form', () => {
    expect(decidedElsewhere([{ field: 'decision', code: 'CONFLICT', message: '' }])).toBe(true);
    expect(decidedElsewhere([{ field: 'decision', code: 'DECIDED' as FieldError['code'], message: '' }])).toBe(true);
    expect(decidedElsewhere([{ field: 'visitId', code: 'NOT_FLAGGED' as FieldError['code'], message: '' }])).toBe(true);
    expect(decidedElsewhere([{ field: 'visitId', code: 'NOT_FOUND', message: '' }])).toBe(true);
    expect(decidedElsewhere([{ field: 'note', code: 'TOO_LONG', message: '' }])).toBe(false);
  });
});

describe('the queue', () => {
  it('loses the decided visit and keeps the order of the others', () => {
    const queue = [{ id: '1' }, { id: '2' }, { id: '3' }];
    expect(withoutVisit(queue, '2')).toEqual([{ id: '1' }, { id: '3' }]);
    expect(withoutVisit(queue, '9')).toEqual(queue);
    expect(queue).toHaveLength(3);
  });

  it('maps a decision to the status it gives', () => {
    expect(decisionStatus('APPROVE')).toBe('APPROVED');
    expect(decisionStatus('REJECT')).toBe('REJECTED');
  });

  it('caps the badge', () => {
    expect(countLabel(0)).toBe('0');
    expect(countLabel(7)).toBe('7');
    expect(countLabel(100)).toBe('99+');
    expect(countLabel(140, 100)).toBe('99+');
  });
});
