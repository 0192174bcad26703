import { describe, expect, it } from 'vitest';
import { markOf, overlayBoard, overlayDeal, withQueuedActivities } from '@/features/pipeline/queue';
import type { Deal, PipelineColumn, Stage } from '@/graphql/types';
import type { OutboxItem } from '@/offline/db';

const stage = (key: string, outcome: Stage['outcome'] = 'OPEN', probability = 50): Stage => ({ id: `s-${key}`, key, name: key, probability, outcome });
const PROPOSAL = stage('proposal');
const WON = stage('won', 'WON', 100);

const deal = (id: string, at: Stage = PROPOSAL): Deal => ({
  id, title: `Deal ${id}`, customer: { id: 'c', name: 'Acme' }, owner: { id: 'u1', name: 'Rita' }, stage: at, amount: '100.00',
  currency: 'CNY', expectedClose: '2026-12-31', status: at.outcome, probability: at.probability, closeReason: '', version: 3,
  leadSource: 'REFERRAL', closedAt: null,
});

const column = (s: Stage, deals: Deal[]): PipelineColumn => ({ stage: s, deals, count: deals.length, amount: '0', weightedAmount: '0' });

function item(seq: number, kind: 'moveDeal' | 'updateDeal' | 'logActivity', dealId: string, payload: object, state: 'pending' | 'conflict' = 'pending'): OutboxItem {
  return {
    seq, kind, clientId: `q${seq}`, userId: 'u1', dependsOn: null, label: '', recordedAt: '2026-11-22T08:00:00.000Z', state,
    errors: [], attempts: 0, lastAttemptAt: null, payload: { dealId, dealClientId: null, ...payload },
  } as unknown as OutboxItem;
}

describe('the rep’s queued writes over the server’s deals', () => {
  it('moves a card to its new column at once, won with its reason', () => {
    const board = [column(PROPOSAL, [deal('1'), deal('2')]), column(WON, [])];
    const shown = overlayBoard(board, [item(1, 'moveDeal', '1', { version: 3, stage: WON, reason: 'Signed' })]);
    expect(shown.map((c) => c.deals.map((d) => d.id))).toEqual([['2'], ['1']]);
    expect(shown[1]!.deals[0]).toMatchObject({ status: 'WON', probability: 100, closeReason: 'Signed', version: 3 });
    expect(shown[1]!.count).toBe(1);
  });

  it('applies edits in order, and never a refused one', () => {
    const items = [
      item(1, 'updateDeal', '1', { version: 3, changes: { title: 'First' } }),
      item(2, 'updateDeal', '1', { version: 3, changes: { title: 'Second', probability: 80 } }),
      item(3, 'moveDeal', '1', { version: 3, stage: WON, reason: 'x' }, 'conflict'),
    ];
    expect(overlayDeal(deal('1'), items)).toMatchObject({ title: 'Second', probability: 80, stage: PROPOSAL });
    expect(markOf(deal('1'), items)).toBe('conflict');
    expect(markOf(deal('1'), items.slice(0, 2))).toBe('waiting');
    expect(markOf(deal('2'), items)).toBeNull();
  });

  it('lists activities logged on the phone first, marked', () => {
    const items = [item(1, 'logActivity', '1', { kind: 'CALL', outcome: 'POSITIVE', note: 'Hi', occurredAt: '2026-11-22T08:00:00.000Z' })];
    const shown = withQueuedActivities([{ id: '9', kind: 'DEMO', outcome: 'NEUTRAL', note: '', occurredAt: '2026-11-20T08:00:00.000Z', user: null }], items, deal('1'), { name: 'Rita' });
    expect(shown.map((a) => [a.id, a.sync ?? null])).toEqual([['local:q1', 'waiting'], ['9', null]]);
  });
});
