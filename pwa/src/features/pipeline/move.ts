// Sending a move, for the board (optimistic) and the deal page (after the answer).
import type { RetryIds } from '@/features/pipeline/logic';
import type { StageChoice } from '@/features/pipeline/sheet';
import { NetworkError, request } from '@/graphql/client';
import { MOVE_DEAL_MUTATION } from '@/graphql/documents';
import { failureMessage, fieldErrorMessage } from '@/graphql/errors';
import type { Deal, DealResult } from '@/graphql/types';
import { formatNumber, t } from '@/i18n';

export type MoveOutcome =
  | { ok: true; deal: Deal; pointsAwarded: number }
  /** `reload`: what the screen shows is stale (someone else changed or closed the deal). */
  | { ok: false; message: string; reload: boolean };

export async function sendMove(retryIds: RetryIds, deal: Pick<Deal, 'id' | 'version'>, choice: StageChoice): Promise<MoveOutcome> {
  const input = { id: deal.id, version: deal.version, stageId: choice.stage.id, reason: choice.reason };
  const slot = `move:${deal.id}`;
  // Unanswered before? Then the same move goes with the same clientId: if the server
  // did apply it, this is a replay, not a conflict with its own new version.
  const clientId = retryIds.idFor(slot, input);
  try {
    const { moveDeal } = await request<{ moveDeal: DealResult }>(MOVE_DEAL_MUTATION, { input: { ...input, clientId } });
    retryIds.settle(slot);
    if (moveDeal.__typename === 'DealSuccess') return { ok: true, deal: moveDeal.deal, pointsAwarded: moveDeal.pointsAwarded };
    return {
      ok: false,
      message: moveDeal.errors.map(fieldErrorMessage).join(' ') || t('error.unknown'),
      reload: moveDeal.errors.some((e) => e.code === 'CONFLICT' || e.code === 'CLOSED' || e.code === 'NOT_FOUND'),
    };
  } catch (failure) {
    return { ok: false, message: failure instanceof NetworkError ? t('pipeline.moveNetwork') : failureMessage(failure), reload: false };
  }
}

/** "Won! +10 points" after a win, otherwise where the deal went. */
export function movedMessage(outcome: { deal: Deal; pointsAwarded: number }): { text: string; win: boolean } {
  if (outcome.pointsAwarded > 0) return { text: t('pipeline.wonPoints', { points: formatNumber(outcome.pointsAwarded) }), win: true };
  return { text: t('pipeline.moved', { title: outcome.deal.title, stage: outcome.deal.stage.name }), win: outcome.deal.status === 'WON' };
}
