// What the robots page decides without the DOM: a form's draft, the input it sends, the answer in words.
import type { Robot, RobotAnswer, RobotCelebration, RobotInput, RobotKind, RobotLocale } from '@/features/robots/documents';

export const KINDS: readonly RobotKind[] = ['WECOM', 'DINGTALK', 'SLACK'];
export const CELEBRATIONS: readonly RobotCelebration[] = ['DEAL_WON', 'MILESTONE', 'BADGE', 'OVERTAKE', 'CONTEST'];
export const LOCALES: readonly RobotLocale[] = ['ZH_CN', 'EN'];

export interface Draft {
  id: string | null;
  clientId: string;
  kind: RobotKind;
  name: string;
  /** Empty on an edit: the stored URL is kept unless a new one is typed. */
  url: string;
  secret: string;
  /** DingTalk: the stored secret is removed. */
  clearSecret: boolean;
  hasSecret: boolean;
  celebrations: RobotCelebration[];
  locale: RobotLocale;
  active: boolean;
}

export function draftOf(robot: Robot | null, uiLocale: string, clientId: string): Draft {
  return {
    id: robot?.id ?? null,
    clientId,
    kind: robot?.kind ?? 'WECOM',
    name: robot?.name ?? '',
    url: '',
    secret: '',
    clearSecret: false,
    hasSecret: robot?.hasSecret ?? false,
    celebrations: robot ? [...robot.celebrations] : ['DEAL_WON', 'MILESTONE', 'BADGE', 'CONTEST'],
    locale: robot?.locale ?? (uiLocale === 'en' ? 'EN' : 'ZH_CN'),
    active: robot?.active ?? true,
  };
}

/** The mutation's input: on an edit a blank URL or secret is left out, so the server keeps what it has. */
export function robotInput(draft: Draft): RobotInput {
  const input: RobotInput = {
    kind: draft.kind,
    name: draft.name.trim(),
    celebrations: CELEBRATIONS.filter((c) => draft.celebrations.includes(c)),
    locale: draft.locale,
    active: draft.active,
  };
  if (draft.id) input.id = draft.id;
  else input.clientId = draft.clientId;
  const url = draft.url.trim();
  if (url || !draft.id) input.url = url;
  if (draft.kind === 'DINGTALK') {
    const secret = draft.secret.trim();
    if (secret) input.secret = secret;
    else if (draft.clearSecret || !draft.id) input.secret = '';
  }
  return input;
}

export function toggle<T>(list: readonly T[], value: T, on: boolean): T[] {
  const rest = list.filter((v) => v !== value);
  return on ? [...rest, value] : rest;
}

/** The robot's answer in words: what happened, then what it said. */
export function answerParts(answer: RobotAnswer): { ok: boolean; status: string; said: string } {
  const status = answer.status === null ? '' : answer.code !== null && answer.code !== 0 ? `HTTP ${answer.status} · errcode ${answer.code}` : `HTTP ${answer.status}`;
  return { ok: answer.delivered, status, said: answer.message };
}
