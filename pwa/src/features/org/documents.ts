// The org tree editor's GraphQL documents and the shapes it selects.
import type { FieldError, Role } from '@/graphql/types';

export interface OrgUnit {
  id: string;
  name: string;
  parentId: string | null;
  depth: number;
  manager: { id: string; name: string } | null;
  people: number;
  peopleBelow: number;
  childCount: number;
}

export interface ManagerCandidate {
  id: string;
  name: string;
  role: Role;
  teamName: string | null;
}

export type UnitResult = { __typename: 'UnitSuccess'; unit: OrgUnit } | { __typename: 'OperationError'; errors: FieldError[] };
export type MergeResult =
  | { __typename: 'MergeUnitsSuccess'; into: OrgUnit; peopleMoved: number; unitsMoved: number }
  | { __typename: 'OperationError'; errors: FieldError[] };
export type DeleteResult = { __typename: 'DeleteUnitSuccess'; id: string } | { __typename: 'OperationError'; errors: FieldError[] };

const UNIT = 'id name parentId depth manager { id name } people peopleBelow childCount';
const ERRORS = '... on OperationError { errors { field code message } }';

export const ORG_UNITS_QUERY = /* GraphQL */ `
  query OrgUnits { orgUnits { ${UNIT} } }
`;

export const MANAGER_CANDIDATES_QUERY = /* GraphQL */ `
  query UnitManagerCandidates { unitManagerCandidates { id name role teamName } }
`;

export const CREATE_UNIT_MUTATION = /* GraphQL */ `
  mutation CreateUnit($name: String!, $parentId: ID) {
    createUnit(name: $name, parentId: $parentId) { __typename ... on UnitSuccess { unit { ${UNIT} } } ${ERRORS} }
  }
`;

export const RENAME_UNIT_MUTATION = /* GraphQL */ `
  mutation RenameUnit($id: ID!, $name: String!) {
    renameUnit(id: $id, name: $name) { __typename ... on UnitSuccess { unit { ${UNIT} } } ${ERRORS} }
  }
`;

export const MOVE_UNIT_MUTATION = /* GraphQL */ `
  mutation MoveUnit($id: ID!, $parentId: ID) {
    moveUnit(id: $id, parentId: $parentId) { __typename ... on UnitSuccess { unit { ${UNIT} } } ${ERRORS} }
  }
`;

export const MERGE_UNITS_MUTATION = /* GraphQL */ `
  mutation MergeUnits($sourceId: ID!, $intoId: ID!) {
    mergeUnits(sourceId: $sourceId, intoId: $intoId) {
      __typename ... on MergeUnitsSuccess { peopleMoved unitsMoved into { ${UNIT} } } ${ERRORS}
    }
  }
`;

export const SET_UNIT_MANAGER_MUTATION = /* GraphQL */ `
  mutation SetUnitManager($id: ID!, $managerId: ID) {
    setUnitManager(id: $id, managerId: $managerId) { __typename ... on UnitSuccess { unit { ${UNIT} } } ${ERRORS} }
  }
`;

export const DELETE_UNIT_MUTATION = /* GraphQL */ `
  mutation DeleteUnit($id: ID!) {
    deleteUnit(id: $id) { __typename ... on DeleteUnitSuccess { id } ${ERRORS} }
  }
`;
