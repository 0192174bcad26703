import { describe, expect, it } from 'vitest';
import type { ImportRun } from '@/features/imports/documents';
import { duplicates, mappingInput, percent, stepOf } from '@/features/imports/logic';

const run = (patch: Partial<ImportRun>): ImportRun => ({
  id: '1', kind: 'customers', state: 'uploaded', fileName: 'a.csv', sourceName: '', mapping: [], totalRows: 200, doneRows: 0,
  created: 0, updated: 0, unchanged: 0, errors: 0, planToken: '', failure: '', createdAt: '', committedAt: null, ...patch,
});

describe('imports logic', () => {
  it('walks the steps with the run state', () => {
    expect(stepOf(null)).toBe('upload');
    expect(stepOf(run({ state: 'planning' }))).toBe('planning');
    expect(stepOf(run({ state: 'planned' }))).toBe('review');
    expect(stepOf(run({ state: 'committed' }))).toBe('done');
  });
  it('counts progress in whole percent and never past 100', () => {
    expect(percent(run({ doneRows: 67 }))).toBe(33);
    expect(percent(run({ doneRows: 500 }))).toBe(100);
    expect(percent(run({ totalRows: 0 }))).toBe(0);
  });
  it('sends only imported columns and spots a column chosen twice', () => {
    expect(mappingInput({ 2: 'name', 0: 'owner', 1: '' })).toEqual([{ index: 0, column: 'owner' }, { index: 2, column: 'name' }]);
    expect([...duplicates({ 0: 'name', 1: 'name', 2: '' })]).toEqual(['name']);
  });
});
