import { describe, expect, it } from 'vitest';

import { compareDeals, edgeSpeed, findDeal, formatDwell, openTotals, placeDeal, revertMove, startMove } from '@/features/pipeline/logic';
import { errorSlots } from '@/ui/form';
import { formatDay, isoDay, momentOn } from '@/ui/dates';
import { formatMoney, linesTotal, normalizeAmount, normalizeQuantity, sumAmounts, toCents, weightedAmount } from '@/ui/money';
import { RetryIds } from '@/ui/ids';
import type { Deal, PipelineColumn, Stage } from '@/graphql/types';
import { setUiLocale } from '@/i18n';

const stage = (id: string, outcome: Stage['outcome'] = 'OPEN', probability = 10): Stage => ({ id, key: `s${id}`, name: id, probability, outcome });
const deal = (id: string, s: Stage, amount: string, expectedClose = '2026-12-01'): Deal => ({
  id, title: `Deal ${id}`, customer: { id: 'c', name: 'C' }, owner: { id: 'u', name: 'U' }, stage: s, amount, currency: 'CNY',
  expectedClose, status: s.outcome, probability: s.probability, closeReason: '', version: 1, leadSource: 'WEB', closedAt: null,
});
const column = (s: Stage, deals: Deal[]): PipelineColumn => ({
  stage: s, deals, count: deals.length, amount: sumAmounts(deals), weightedAmount: weightedAmount(deals),
});
const ids = (c: PipelineColumn | undefined) => c?.deals.map((d) => d.id);

describe('optimistic moves', () => {
  const a = stage('1', 'OPEN', 10);
  const b = stage('2', 'OPEN', 50);
  const won = stage('9', 'WON', 100);
  const board = (): PipelineColumn[] => [
    column(a, [deal('1', a, '0.10', '2026-01-01'), deal('2', a, '0.20', '2026-02-01'), deal('3', a, '5', '2026-03-01')]),
    column(b, [deal('4', b, '100', '2026-01-15')]),
    column(won, []),
  ];

  it('moves the card at once, in the server’s order, with exact totals', () => {
    const started = startMove(board(), '2', b)!;
    expect(ids(started.columns[0])).toEqual(['1', '3']);
    expect(started.columns[0]!.amount).toBe('5.10');
    expect(started.columns[0]!.count).toBe(2);
    expect(ids(started.columns[1])).toEqual(['4', '2']); // 15 Jan before 1 Feb
    expect(started.columns[1]!.amount).toBe('100.20');
    expect(started.columns[1]!.weightedAmount).toBe('50.10');
  });

  it('gives the moved deal the stage’s probability and outcome', () => {
    const moved = findDeal(startMove(board(), '3', won)!.columns, '3')!;
    expect(moved.stage.id).toBe('9');
    expect(moved.probability).toBe(100);
    expect(moved.status).toBe('WON');
  });

  it('leaves the board it was given alone', () => {
    const before = board();
    startMove(before, '2', b);
    expect(ids(before[0])).toEqual(['1', '2', '3']);
    expect(ids(before[1])).toEqual(['4']);
  });

  it('takes a refused move back to the same place, keeping other moves made meanwhile', () => {
    const first = startMove(board(), '2', b)!;
    const second = startMove(first.columns, '1', won)!; // another card moved while the first was in flight
    const reverted = revertMove(second.columns, first.move);
    expect(ids(reverted[0])).toEqual(['2', '3']); // 2 is back in its place; 1 stays moved
    expect(ids(reverted[1])).toEqual(['4']);
    expect(ids(reverted[2])).toEqual(['1']);
    expect(findDeal(reverted, '2')!.probability).toBe(10);
    expect(reverted[0]!.amount).toBe('5.20');
  });

  it('reverts exactly to the original board', () => {
    const original = board();
    const started = startMove(original, '3', won)!;
    expect(revertMove(started.columns, started.move)).toEqual(original);
  });

  it('ignores unknown deals, unknown stages and moves to the same stage', () => {
    expect(startMove(board(), 'nope', b)).toBeNull();
    expect(startMove(board(), '1', a)).toBeNull();
    expect(startMove(board(), '1', stage('77'))).toBeNull();
  });

  it('puts the server’s copy where its stage says, wherever the card was', () => {
    const server = { ...deal('4', a, '100', '2026-01-15'), version: 5 };
    const placed = placeDeal(board(), server);
    expect(ids(placed[0])).toEqual(['1', '4', '2', '3']);
    expect(ids(placed[1])).toEqual([]);
    expect(placed[1]!.amount).toBe('0.00');
    expect(findDeal(placed, '4')!.version).toBe(5);
  });

  it('orders by expected close, then by id as a number', () => {
    const x = deal('10', a, '1', '2026-01-01');
    const y = deal('9', a, '1', '2026-01-01');
    expect([x, y].sort(compareDeals).map((d) => d.id)).toEqual(['9', '10']);
  });

  it('totals the open columns only', () => {
    const totals = openTotals([...board(), column(won, [deal('8', won, '1000')])]);
    expect(totals).toEqual({ count: 4, amount: '105.30', weighted: '50.53' });
  });
});

describe('money', () => {
  it('sums decimal strings in cents', () => {
    expect(sumAmounts([{ amount: '0.1' }, { amount: '0.2' }, { amount: '1000000000000.05' }])).toBe('1000000000000.35');
    expect(toCents('-1.5')).toBe(-150n);
    expect(sumAmounts([])).toBe('0.00');
  });

  it('weights like the server: summed first, rounded half to even once', () => {
    expect(weightedAmount([{ amount: '0.05', probability: 50 }])).toBe('0.02'); // 0.025 → 0.02
    expect(weightedAmount([{ amount: '0.15', probability: 50 }])).toBe('0.08'); // 0.075 → 0.08
    expect(weightedAmount([{ amount: '0.05', probability: 50 }, { amount: '0.05', probability: 50 }])).toBe('0.05');
  });

  it('reads typed amounts and quantities', () => {
    expect(normalizeAmount('12,000.5')).toBe('12000.5');
    expect(normalizeAmount(' 1 000 ')).toBe('1000');
    expect(normalizeAmount('12.345')).toBeNull();
    expect(normalizeAmount('-5')).toBeNull();
    expect(normalizeAmount('abc')).toBeNull();
    expect(normalizeQuantity('2.5')).toBe('2.5');
    expect(normalizeQuantity('0')).toBeNull();
    expect(normalizeQuantity('1.2345')).toBeNull();
  });

  it('totals lines per line, rounded to the cent half to even', () => {
    expect(linesTotal([{ quantity: '2', unitPrice: '186000' }, { quantity: '1', unitPrice: '24000' }])).toBe('396000.00');
    expect(linesTotal([{ quantity: '0.5', unitPrice: '0.05' }])).toBe('0.02'); // 0.025
    expect(linesTotal([{ quantity: '0.5', unitPrice: '0.07' }])).toBe('0.04'); // 0.035
    expect(linesTotal([])).toBe('0.00');
  });

  it('formats in the UI language, dropping .00 on whole amounts', () => {
    expect(formatMoney('186000', 'CNY', 'zh-CN')).toBe('¥186,000');
    expect(formatMoney('186000.5', 'CNY', 'zh-CN')).toBe('¥186,000.50');
    expect(formatMoney('2500', 'USD', 'en')).toBe('$2,500');
    expect(formatMoney('1250000', 'CNY', 'zh-CN', true)).toBe('¥125万');
    expect(formatMoney('1250000', 'USD', 'en', true)).toBe('$1.3M');
  });
});

describe('dates', () => {
  it('shows a calendar date as that day in any time zone', () => {
    expect(formatDay('2026-12-01', 'en')).toBe('Dec 1');
    expect(formatDay('2026-12-01', 'zh-CN')).toBe('12月1日');
  });

  it('sends "today" as now and other days at local noon', () => {
    const now = new Date(2026, 10, 23, 8, 30);
    expect(momentOn(isoDay(now), now)).toBe(now.toISOString());
    expect(momentOn('2026-11-20', now)).toBe(new Date(2026, 10, 20, 12).toISOString());
  });
});

describe('dwell time', () => {
  it('shows the largest unit and the next, in each language', () => {
    expect(formatDwell(3 * 86400 + 4 * 3600 + 59, 'en')).toBe('3 d 4 h');
    expect(formatDwell(3 * 86400 + 4 * 3600, 'zh-CN')).toBe('3天4小时');
    expect(formatDwell(47 * 3600, 'en')).toBe('1 d 23 h');
    expect(formatDwell(5 * 3600 + 12 * 60 + 30, 'en')).toBe('5 h 12 min');
    expect(formatDwell(125, 'en')).toBe('2 min 5 s');
    expect(formatDwell(40, 'zh-CN')).toBe('40秒');
    expect(formatDwell(0, 'en')).toBe('0 s');
  });

  it('leaves out a zero second unit rather than skipping to a smaller one', () => {
    expect(formatDwell(2 * 86400 + 5 * 60, 'en')).toBe('2 d');
    expect(formatDwell(3600, 'zh-CN')).toBe('1小时');
  });

  it('never shows negative time', () => {
    expect(formatDwell(-5, 'en')).toBe('0 s');
  });
});

describe('clientIds across retries', () => {
  const counter = () => {
    let n = 0;
    return () => `id-${++n}`;
  };

  it('reuses the id while the same write is unanswered', () => {
    const ids = new RetryIds(counter());
    const input = { id: '7', version: 3, stageId: '9', reason: 'best terms' };
    expect(ids.idFor('move:7', input)).toBe('id-1');
    expect(ids.isRetry('move:7', { ...input })).toBe(true);
    expect(ids.idFor('move:7', { ...input })).toBe('id-1');
  });

  it('takes a new id for a different write or after an answer', () => {
    const ids = new RetryIds(counter());
    ids.idFor('move:7', { stageId: '9' });
    expect(ids.idFor('move:7', { stageId: '8' })).toBe('id-2');
    ids.settle('move:7');
    expect(ids.isRetry('move:7', { stageId: '8' })).toBe(false);
    expect(ids.idFor('move:7', { stageId: '8' })).toBe('id-3');
  });

  it('keeps slots apart', () => {
    const ids = new RetryIds(counter());
    expect(ids.idFor('move:1', {})).toBe('id-1');
    expect(ids.idFor('move:2', {})).toBe('id-2');
    expect(ids.idFor('move:1', {})).toBe('id-1');
  });

  it('makes ids the server accepts', () => {
    expect(new RetryIds().idFor('x', {})).toMatch(/^[A-Za-z0-9_.:-]{8,64}$/);
  });
});

describe('field errors', () => {
  it('go to the slot they name, the longest one first', () => {
    setUiLocale('en');
    const { bySlot, rest } = errorSlots(
      [
        { field: 'input.amount', code: 'INVALID', message: 'Bad amount' },
        { field: 'lines.1.quantity', code: 'OUT_OF_RANGE', message: 'Too many' },
        { field: 'note', code: 'TOO_LONG', message: '' },
        { field: null, code: 'FORBIDDEN', message: 'Not yours' },
        { field: 'clientId', code: 'INVALID', message: 'Bad id' },
      ],
      ['amount', 'lines.0', 'lines.1', 'note'],
    );
    expect(bySlot).toEqual({ amount: ['Bad amount'], 'lines.1': ['Too many'], note: ['This is too long.'] });
    expect(rest).toEqual(['Not yours', 'Bad id']);
  });

  it('fall back to the last segment', () => {
    expect(errorSlots([{ field: 'input.reason', code: 'REQUIRED', message: 'Why?' }], ['reason']).bySlot).toEqual({ reason: ['Why?'] });
  });
});

describe('auto-scroll while dragging', () => {
  it('is zero in the middle and grows towards either edge', () => {
    expect(edgeSpeed(200, 0, 390)).toBe(0);
    expect(edgeSpeed(0, 0, 390)).toBe(-18);
    expect(edgeSpeed(28, 0, 390)).toBe(-9);
    expect(edgeSpeed(390, 0, 390)).toBe(18);
    expect(edgeSpeed(500, 0, 390)).toBe(18);
  });

  it('stays still in a scroller too small for two zones', () => {
    expect(edgeSpeed(10, 0, 100)).toBe(0);
  });
});

describe('editing a deal', () => {
  const deal = { title: 'Fleet', amount: '1000.00', expectedClose: '2026-12-01', probability: 25 };

  it('sends only what changed', async () => {
    const { dealChanges } = await import('@/features/pipeline/edit');
    expect(dealChanges(deal, { title: ' Fleet ', amount: '1000', expectedClose: '2026-12-01', probability: 25 })).toEqual({});
    expect(dealChanges(deal, { title: 'Fleet of 12', amount: '1200.50', expectedClose: '2027-01-15', probability: 40 })).toEqual({
      title: 'Fleet of 12', amount: '1200.50', expectedClose: '2027-01-15', probability: 40,
    });
    expect(dealChanges(deal, { title: 'Fleet', amount: null, expectedClose: '2026-12-01', probability: 25 })).toEqual({});
  });
});
