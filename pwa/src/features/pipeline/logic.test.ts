import { describe, expect, it } from 'vitest';

import { applyMove, formatDwell, settleDeal, sumAmounts, toCents } from '@/features/pipeline/logic';
import type { Deal, PipelineColumn, Stage } from '@/graphql/types';

const stage = (id: string, outcome: Stage['outcome'] = 'OPEN'): Stage => ({ id, key: `s${id}`, name: id, probability: 10, outcome });
const deal = (id: string, s: Stage, amount: string): Deal => ({
  id, title: id, customer: { id: 'c', name: 'C' }, owner: { id: 'u', name: 'U' }, stage: s, amount, currency: 'CNY',
  expectedClose: '2026-12-01', status: 'OPEN', probability: 10, closeReason: '', version: 1,
});

describe('optimistic moves', () => {
  const a = stage('1');
  const b = stage('2');
  const board: PipelineColumn[] = [
    { stage: a, deals: [deal('x', a, '0.10'), deal('y', a, '0.20')], count: 2, amount: '0.30' },
    { stage: b, deals: [], count: 0, amount: '0.00' },
  ];

  it('moves the card and keeps the totals exact', () => {
    const moved = applyMove(board, 'y', b);
    expect(moved[0]!.deals.map((d) => d.id)).toEqual(['x']);
    expect(moved[0]!.amount).toBe('0.10');
    expect(moved[1]!.deals.map((d) => d.id)).toEqual(['y']);
    expect(moved[1]!.amount).toBe('0.20');
    expect(moved[1]!.deals[0]!.stage.id).toBe('2');
  });

  it('leaves the original board untouched, so a failure restores it', () => {
    applyMove(board, 'y', b);
    expect(board[0]!.deals).toHaveLength(2);
    expect(board[1]!.deals).toHaveLength(0);
  });

  it('ignores an unknown deal', () => {
    expect(applyMove(board, 'nope', b)).toBe(board);
  });

  it('puts the server copy in place', () => {
    const settled = settleDeal(board, { ...deal('x', a, '0.10'), version: 5 });
    expect(settled[0]!.deals[0]!.version).toBe(5);
  });
});

describe('amounts', () => {
  it('sums decimal strings in cents', () => {
    expect(sumAmounts([{ amount: '0.1' }, { amount: '0.2' }, { amount: '1000000000000.05' }])).toBe('1000000000000.35');
    expect(toCents('-1.5')).toBe(-150n);
  });
});

describe('dwell time', () => {
  it('shows the two largest units in each language', () => {
    expect(formatDwell(3 * 86400 + 4 * 3600 + 59, 'en')).toBe('3 d 4 h');
    expect(formatDwell(3 * 86400 + 4 * 3600, 'zh-CN')).toBe('3天4小时');
    expect(formatDwell(47 * 3600, 'en')).toBe('1 d 23 h');
    expect(formatDwell(0, 'en')).toBe('0 s');
    expect(formatDwell(125, 'en')).toBe('2 min 5 s');
  });
});
