// What a move's outcome says, on the board and the deal page. The move itself is
// saved on the phone and sent by the outbox (features/pipeline/queue.ts).
import type { Deal } from '@/graphql/types';
import { formatNumber, t } from '@/i18n';

/** "Won! +10 points" after a win, otherwise where the deal went. */
export function movedMessage(outcome: { deal: Deal; pointsAwarded: number }): { text: string; win: boolean } {
  if (outcome.pointsAwarded > 0) return { text: t('pipeline.wonPoints', { points: formatNumber(outcome.pointsAwarded) }), win: true };
  return { text: t('pipeline.moved', { title: outcome.deal.title, stage: outcome.deal.stage.name }), win: outcome.deal.status === 'WON' };
}
