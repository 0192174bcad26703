// The homes of managers and admins (schema.graphql: teamToday, adminHome).
import type { Celebration } from '@/graphql/types';

export type Pace = 'AHEAD' | 'ON_TRACK' | 'BEHIND' | 'NO_TARGET';
export type SetupStep = 'COMPANY' | 'ORG_TREE' | 'PEOPLE' | 'PRODUCTS' | 'CUSTOMERS' | 'STAGES' | 'PLANS' | 'POINT_RULES' | 'TV';

export interface HomeAttainment {
  node: { id: string; kind: string; name: string };
  target: string | null;
  actual: string;
  expected: string | null;
  ratio: string | null;
  elapsed: number;
  pace: Pace;
}

export interface StalledDeal {
  limitDays: number;
  deal: { id: string; title: string; customerName: string; amount: string; daysInStage: number; owner: { id: string; name: string }; stage: { name: string } };
}

export interface TeamToday {
  attainment: HomeAttainment;
  reps: number;
  behind: HomeAttainment[];
  visitsToReview: number;
  review: Array<{ id: string; occurredAt: string; person: { id: string; name: string; initials: string }; customer: { name: string } }>;
  stalling: number;
  stalled: StalledDeal[];
  redemptionsToDecide: number;
  statementsToApprove: number;
  statementsPeriod: string | null;
  celebrations: Celebration[];
}

export interface SetupItem {
  step: SetupStep;
  done: boolean;
  count: number;
}

export interface AdminHome {
  checklist: SetupItem[];
  setupDone: boolean;
  overview: TeamToday;
}

const ATTAINMENT = 'node { id kind name } target actual expected ratio elapsed pace';
const USER = 'id name initials role avatarColor photoUrl team { id name }';
const TODAY = `
  attainment { ${ATTAINMENT} }
  reps
  behind { ${ATTAINMENT} }
  visitsToReview
  review { id occurredAt person { id name initials } customer { name } }
  stalling
  stalled { limitDays deal { id title customerName amount daysInStage owner { id name } stage { name } } }
  redemptionsToDecide
  statementsToApprove
  statementsPeriod
  celebrations { id kind threshold points createdAt message subject user { ${USER} } otherUser { ${USER} } }
`;

export const TEAM_TODAY_QUERY = `query TeamToday { teamToday { ${TODAY} } }`;
export const ADMIN_HOME_QUERY = `query AdminHome { adminHome { setupDone checklist { step done count } overview { ${TODAY} } } }`;
