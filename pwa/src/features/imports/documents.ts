// The import page's GraphQL documents and the shapes it selects (schema: backend/podium/imports/graphql.py).
import type { FieldError } from '@/graphql/types';

export type RunState = 'uploaded' | 'planning' | 'planned' | 'committing' | 'committed' | 'undone' | 'failed';

export interface ImportRun {
  id: string;
  kind: string;
  state: RunState;
  fileName: string;
  sourceName: string;
  mapping: Array<{ index: number; header: string; column: string | null }>;
  totalRows: number;
  doneRows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  planToken: string;
  failure: string;
  createdAt: string;
  committedAt: string | null;
}

export interface ImportKind {
  name: string;
  label: string;
  columns: Array<{ key: string; label: string; required: boolean }>;
}

export interface ImportRowView {
  line: number;
  outcome: string | null;
  cells: string[];
  errors: Array<{ column: string | null; columnLabel: string; value: string; code: string; reason: string }>;
  candidates: Array<{ id: string; label: string }>;
  decision: string | null;
}

export type RunResult = { __typename: 'ImportRunSuccess'; run: ImportRun } | { __typename: 'OperationError'; errors: FieldError[] };

const RUN = `id kind state fileName sourceName mapping { index header column } totalRows doneRows created updated unchanged errors
  planToken failure createdAt committedAt`;
const RESULT = `__typename ... on ImportRunSuccess { run { ${RUN} } } ... on OperationError { errors { field code message } }`;

export const IMPORT_HOME_QUERY = `query ImportHome { importKinds { name label columns { key label required } } importRuns(first: 20) { ${RUN} } }`;
export const IMPORT_RUNS_QUERY = `query ImportRuns { importRuns(first: 20) { ${RUN} } }`;
export const IMPORT_SOURCES_QUERY = `query ImportSources($kind: String!) { importSources(kind: $kind) }`;
export const IMPORT_RUN_QUERY = `query ImportRun($id: ID!) { importRun(id: $id) { ${RUN} } }`;
export const IMPORT_ROWS_QUERY = `query ImportRows($id: ID!, $outcome: String, $first: Int!) { importRows(runId: $id, outcome: $outcome, first: $first) {
  line outcome cells decision errors { column columnLabel value code reason } candidates { id label } } }`;
export const SET_MAPPING_MUTATION = `mutation SetImportMapping($id: ID!, $mapping: [ImportMappingInput!]!, $saveAs: String!) {
  setImportMapping(runId: $id, mapping: $mapping, saveAs: $saveAs) { ${RESULT} } }`;
export const DRY_RUN_MUTATION = `mutation DryRunImport($id: ID!) { dryRunImport(runId: $id) { ${RESULT} } }`;
export const COMMIT_MUTATION = `mutation CommitImport($id: ID!, $token: String!) { commitImport(runId: $id, planToken: $token) { ${RESULT} } }`;
export const UNDO_MUTATION = `mutation UndoImport($id: ID!) { undoImport(runId: $id) { ${RESULT} } }`;
export const DECIDE_MUTATION = `mutation DecideImportRow($id: ID!, $line: Int!, $decision: String!) {
  decideImportRow(runId: $id, line: $line, decision: $decision) {
    __typename ... on ImportRowSuccess { run { ${RUN} } } ... on OperationError { errors { field code message } } } }`;
export const PROGRESS_SUBSCRIPTION = `subscription ImportProgress($id: ID!) { importProgress(runId: $id) { ${RUN} } }`;
