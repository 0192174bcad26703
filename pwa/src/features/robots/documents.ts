// Group robots' GraphQL documents (validated against schema.graphql by graphql/documents.test.ts)
// and the types of what they select. Only documents are exported as values.
import type { OperationError } from '@/graphql/types';

export type RobotKind = 'WECOM' | 'DINGTALK' | 'SLACK';
export type RobotCelebration = 'MILESTONE' | 'OVERTAKE' | 'DEAL_WON' | 'BADGE' | 'CONTEST';
export type RobotLocale = 'EN' | 'ZH_CN';

export interface Robot {
  id: string;
  kind: RobotKind;
  name: string;
  /** The webhook's host and last four characters: the URL is a secret and never comes back. */
  urlHint: string;
  hasSecret: boolean;
  celebrations: RobotCelebration[];
  locale: RobotLocale;
  active: boolean;
  lastSentAt: string | null;
  failed: number;
  lastError: string;
}

export interface RobotAnswer {
  delivered: boolean;
  status: number | null;
  code: number | null;
  message: string;
}

export interface RobotInput {
  id?: string;
  clientId?: string;
  kind: RobotKind;
  name: string;
  url?: string;
  secret?: string;
  celebrations: RobotCelebration[];
  locale: RobotLocale;
  active: boolean;
}

export type SaveRobotResult = { __typename: 'SaveRobotSuccess'; robot: Robot } | OperationError;
export type DeleteRobotResult = { __typename: 'DeleteRobotSuccess'; removed: boolean } | OperationError;
export type TestRobotResult = { __typename: 'TestRobotSuccess'; answer: RobotAnswer } | OperationError;

const ROBOT = /* GraphQL */ `
  fragment RobotParts on Robot { id kind name urlHint hasSecret celebrations locale active lastSentAt failed lastError }
`;

export const ROBOTS_QUERY = /* GraphQL */ `
  query Robots { robots { ...RobotParts } }
  ${ROBOT}
`;

export const SAVE_ROBOT_MUTATION = /* GraphQL */ `
  mutation SaveRobot($input: RobotInput!) {
    saveRobot(input: $input) {
      __typename
      ... on SaveRobotSuccess { robot { ...RobotParts } }
      ... on OperationError { errors { field code message } }
    }
  }
  ${ROBOT}
`;

export const DELETE_ROBOT_MUTATION = /* GraphQL */ `
  mutation DeleteRobot($id: ID!) {
    deleteRobot(id: $id) {
      __typename
      ... on DeleteRobotSuccess { removed }
      ... on OperationError { errors { field code message } }
    }
  }
`;

export const TEST_ROBOT_MUTATION = /* GraphQL */ `
  mutation TestRobot($id: ID!) {
    testRobot(id: $id) {
      __typename
      ... on TestRobotSuccess { answer { delivered status code message } }
      ... on OperationError { errors { field code message } }
    }
  }
`;
