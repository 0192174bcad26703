// The import page's pure parts: which step a run is at, its progress, and the mapping sent back.
import type { ImportRun, RunState } from '@/features/imports/documents';

export type Step = 'upload' | 'mapping' | 'planning' | 'review' | 'committing' | 'done';

export function stepOf(run: ImportRun | null): Step {
  if (!run) return 'upload';
  const steps: Record<RunState, Step> = {
    uploaded: 'mapping', planning: 'planning', planned: 'review', committing: 'committing', committed: 'done', undone: 'done', failed: 'mapping',
  };
  return steps[run.state];
}

/** 0–100, whole numbers: the bar's width and its label. */
export function percent(run: ImportRun): number {
  if (run.totalRows <= 0) return 0;
  return Math.min(100, Math.floor((run.doneRows / run.totalRows) * 100));
}

/** The mapping as the mutation takes it: only the columns that are imported. */
export function mappingInput(choice: Record<number, string>): Array<{ index: number; column: string }> {
  return Object.entries(choice)
    .filter(([, column]) => column !== '')
    .map(([index, column]) => ({ index: Number(index), column }))
    .sort((a, b) => a.index - b.index);
}

/** Columns chosen twice: the page marks them before the server refuses. */
export function duplicates(choice: Record<number, string>): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const column of Object.values(choice)) {
    if (!column) continue;
    if (seen.has(column)) twice.add(column);
    seen.add(column);
  }
  return twice;
}

export function initialChoice(run: ImportRun): Record<number, string> {
  return Object.fromEntries(run.mapping.map((m) => [m.index, m.column ?? '']));
}
