import { describe, expect, it } from 'vitest';
import type { CompPlan, StatementLine } from '@/features/compensation/documents';
import {
  approveRefusal,
  componentKey,
  explainLine,
  formatPercent,
  formToInput,
  isRefund,
  LINE_KINDS,
  lineKindLabel,
  monthIn,
  moveItem,
  newComponent,
  newPlanForm,
  normalizeDecimal,
  planErrorField,
  planToForm,
  plainDecimal,
  refundAmount,
  refundLeft,
  shiftMonth,
  splitProblems,
  splitState,
  splitTotal,
  statementTotals,
} from '@/features/compensation/logic';
import { en } from '@/i18n/en';
import { zhCN } from '@/i18n/zh-CN';

const line = (over: Partial<StatementLine>): StatementLine => ({
  key: 'commission|commission|deal:12', component: 'commission', componentName: 'Commission', kind: 'COMMISSION', ref: 'deal:12',
  dealId: '12', label: 'Forklifts', at: '2026-10-18T08:00:00Z', basis: '60000.00', rate: '3', multiplier: '1',
  amount: '1800.00', payable: '1800.00', portions: [{ basis: '60000.00', rate: '3', multiplier: '1', tier: 1 }], note: '', corrects: null,
  ...over,
});

describe('months', () => {
  it('are read in the org’s time zone', () => {
    // 16:30 UTC on 31 October is already 1 November in Shanghai.
    const moment = new Date('2026-10-31T16:30:00Z');
    expect(monthIn(moment, 'Asia/Shanghai')).toBe('2026-11');
    expect(monthIn(moment, 'Europe/Berlin')).toBe('2026-10');
  });

  it('shift across years', () => {
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2026-11', 2)).toBe('2027-01');
    expect(shiftMonth('2026-03', -14)).toBe('2025-01');
  });
});

describe('numbers', () => {
  it('turn the API’s exponent form into plain decimals', () => {
    expect(plainDecimal('5E+1')).toBe('50');
    expect(plainDecimal('0.8')).toBe('0.8');
    expect(formatPercent('5E+1', 'en')).toBe('50%');
    expect(formatPercent('2.5', 'zh-CN')).toBe('2.5%');
  });

  it('read what people type', () => {
    expect(normalizeDecimal(' 12,000.5 ')).toBe('12000.5');
    expect(normalizeDecimal('3.1234')).toBe('3.1234');
    expect(normalizeDecimal('abc')).toBeNull();
    expect(normalizeDecimal('-1')).toBeNull();
    expect(normalizeDecimal('-1', { negative: true })).toBe('-1');
  });
});

describe('statement totals', () => {
  it('add up in cents and count approvals and disputes', () => {
    const totals = statementTotals([
      { revenue: '0.10', earned: '0.20', payable: '0.10', status: 'APPROVED', openDisputes: 0 },
      { revenue: '0.20', earned: '0.10', payable: '-0.05', status: 'OPEN', openDisputes: 2 },
    ]);
    expect(totals).toEqual({ revenue: '0.30', earned: '0.30', payable: '0.05', approved: 1, open: 1, disputes: 2 });
  });
});

describe('explaining a line', () => {
  it('gives every kind a label in both languages', () => {
    for (const kind of LINE_KINDS) {
      expect(lineKindLabel(kind, 'en')).toBe(en[`comp.kind.${kind}`]);
      expect(lineKindLabel(kind, 'zh-CN')).toBe(zhCN[`comp.kind.${kind}`]);
      // Every kind says something, whatever its fields.
      expect(explainLine(line({ kind, ref: 'period', portions: [], rate: null }), 'CNY', 'en').length, kind).toBeGreaterThan(0);
    }
  });

  it('names each tier and accelerator part of a commission', () => {
    const text = explainLine(line({
      basis: '60000.00', amount: '2200.00', payable: '2200.00',
      portions: [
        { basis: '40000.00', rate: '3', multiplier: '1', tier: 1 },
        { basis: '20000.00', rate: '5', multiplier: '1.2', tier: 2 },
      ],
    }), 'USD', 'en');
    expect(text[0]).toBe('Commission on $60,000 credited: $40,000 at 3% (tier 1), plus $20,000 at 5% (tier 2) × 1.2 accelerator.');
    expect(text[1]).toContain('2 parts');
  });

  it('says when commission waits for the customer to pay, and when a per-deal cap cut it', () => {
    const text = explainLine(line({ payable: '0', note: 'cap_per_deal' }), 'USD', 'en');
    expect(text).toContain('Earned now; payable as the customer pays (payout on collection).');
    expect(text).toContain('Limited by the plan’s cap per deal.');
  });

  it('explains releases, clawbacks and period caps with their money', () => {
    expect(explainLine(line({ kind: 'RELEASE', ref: 'payment:5', basis: '30000.00', amount: '0', payable: '900.00', portions: [], rate: null, note: 'deal:12' }), 'USD', 'en')[0])
      .toBe('A payment of $30,000 came in: $900 of the commission held on this deal becomes payable.');
    expect(explainLine(line({ kind: 'CLAWBACK', ref: 'payment:6', basis: '-10000.00', amount: '-300.00', payable: '-300.00', portions: [], rate: null }), 'USD', 'en')[0])
      .toBe('A refund of $10,000 takes back $300 paid on the refunded payment.');
    expect(explainLine(line({ kind: 'CAP', ref: 'period', basis: '12000.00', amount: '-2000.00', payable: '-2000.00', portions: [], rate: null, note: 'cap_per_period' }), 'USD', 'en')[0])
      .toBe('Commission this month reached $12,000; the period cap of $10,000 takes back $2,000.');
  });

  it('tells per-unit SPIFFs from fixed ones and new-customer bonuses', () => {
    const spiff = { kind: 'SPIFF' as const, portions: [], multiplier: null };
    expect(explainLine(line({ ...spiff, basis: '31.00', rate: '5E+1', amount: '1550.00' }), 'CNY', 'en')[0]).toBe('31 units × CN¥50 each.');
    expect(explainLine(line({ ...spiff, basis: '100.00', rate: '500', amount: '500.00' }), 'CNY', 'en')[0]).toBe('A fixed bonus of CN¥500.');
    expect(explainLine(line({ ...spiff, basis: '40.00', rate: '500', amount: '200.00' }), 'CNY', 'en')[0]).toBe('A fixed bonus of CN¥500 at a 40% share of the credit.');
    expect(explainLine(line({ ...spiff, ref: 'customer:9', dealId: null, label: 'Acme', basis: '1', rate: '500', amount: '500.00' }), 'CNY', 'zh-CN')[0])
      .toBe('新客户 Acme 奖励 ¥500。');
  });

  it('names the period and kind a correction belongs to', () => {
    const text = explainLine(line({ kind: 'ADJUSTMENT', basis: '0', rate: null, portions: [], amount: '-744.00', payable: '0.00', note: '2026-09', corrects: 'COMMISSION' }), 'USD', 'en');
    expect(text[0]).toBe('Corrects the approved statement of September 2026 (Commission): the figures changed after it was locked.');
    expect(text[1]).toBe('Earned changes by -$744, payable by $0.');
  });

  it('explains floor, draw and recovery', () => {
    const period = { ref: 'period', dealId: null, label: '', portions: [], rate: null, component: '' };
    expect(explainLine(line({ ...period, kind: 'FLOOR', basis: '3000.00', amount: '2000.00', payable: '2000.00' }), 'USD', 'en')[0])
      .toBe('Payable came to $3,000; the plan’s floor tops it up by $2,000.');
    expect(explainLine(line({ ...period, kind: 'DRAW', basis: '1000.00', amount: '0', payable: '4000.00' }), 'USD', 'en')[0])
      .toBe('Payable came to $1,000; $4,000 is advanced as a draw, recovered from later months.');
    expect(explainLine(line({ ...period, kind: 'RECOVERY', basis: '9000.00', amount: '0', payable: '-1500.00' }), 'USD', 'en')[0])
      .toBe('$1,500 of an earlier draw is recovered from this month.');
  });
});

describe('approving', () => {
  it('reloads on a moved figure only', () => {
    expect(approveRefusal([{ field: 'expectedPayable', code: 'STALE', message: '' }]).reload).toBe(true);
    expect(approveRefusal([{ field: 'period', code: 'DISPUTED', message: '' }]).reload).toBe(false);
  });
});

const stored: CompPlan = {
  id: '7', name: 'Field sales', version: 2, effectiveFrom: '2026-09', floor: null, draw: '5000', rounding: 'HALF_UP',
  components: [
    {
      key: 'commission', name: 'Commission', kind: 'COMMISSION', basis: 'REVENUE', rate: '0', lineRates: [{ productLine: 'Service', rate: '6' }],
      tiers: [{ from: '0', rate: '2' }, { from: '150000', rate: '3' }], tierMode: 'GRADUATED', accelerators: [{ from: '120', multiplier: '1.2' }],
      capPerDeal: '20000', capPerPeriod: null, payout: 'COLLECTION', trigger: null, startsOn: null, endsOn: null, productLine: '', teamId: null, perUnit: null, fixed: null,
    },
    {
      key: 'sensor-sprint', name: 'Sensor sprint', kind: 'SPIFF', basis: 'REVENUE', rate: '0', lineRates: [], tiers: [], tierMode: 'GRADUATED', accelerators: [],
      capPerDeal: null, capPerPeriod: null, payout: 'BOOKING', trigger: 'PRODUCT_LINE', startsOn: '2026-10-01', endsOn: '2026-12-31', productLine: 'Sensors',
      teamId: '4', perUnit: '5E+1', fixed: null,
    },
  ],
  versions: [], assignments: [],
};

describe('the plan form', () => {
  it('round-trips a stored plan into the same input', () => {
    const form = planToForm(stored, '2026-11');
    const { input, problems } = formToInput(form);
    expect(problems).toEqual([]);
    expect(input).toEqual({
      planId: '7', name: 'Field sales', effectiveFrom: '2026-11', note: '', floor: null, draw: '5000', rounding: 'HALF_UP',
      components: [
        {
          key: 'commission', name: 'Commission', kind: 'COMMISSION', basis: 'REVENUE', rate: '0', lineRates: [{ productLine: 'Service', rate: '6' }],
          tiers: [{ from: '0', rate: '2' }, { from: '150000', rate: '3' }], tierMode: 'GRADUATED', accelerators: [{ from: '120', multiplier: '1.2' }],
          capPerDeal: '20000', capPerPeriod: null, payout: 'COLLECTION', trigger: null, startsOn: null, endsOn: null, productLine: '', teamId: null, perUnit: null, fixed: null,
        },
        {
          key: 'sensor-sprint', name: 'Sensor sprint', kind: 'SPIFF', basis: 'REVENUE', rate: '0', lineRates: [], tiers: [], tierMode: 'GRADUATED', accelerators: [],
          capPerDeal: null, capPerPeriod: null, payout: 'BOOKING', trigger: 'PRODUCT_LINE', startsOn: '2026-10-01', endsOn: '2026-12-31', productLine: 'Sensors',
          teamId: '4', perUnit: '50', fixed: null,
        },
      ],
    });
  });

  it('sends only what a kind uses', () => {
    const form = newPlanForm('2026-11', 'Commission');
    form.name = 'Managers';
    form.components = [{ ...newComponent('ROLLUP', 'Team'), rate: '0.8', tiers: [{ from: '0', rate: '3' }], payout: 'COLLECTION' }];
    form.components.push({ ...newComponent('SPIFF', 'New logo'), trigger: 'NEW_CUSTOMER', spiffAmount: 'PER_UNIT', amount: '500', startsOn: '2026-01-01', endsOn: '2026-12-31' });
    const { input } = formToInput(form);
    expect(input!.components[0]).toMatchObject({ kind: 'ROLLUP', rate: '0.8', tiers: [], payout: 'BOOKING' });
    // A new-customer bonus is always a fixed amount.
    expect(input!.components[1]).toMatchObject({ kind: 'SPIFF', trigger: 'NEW_CUSTOMER', fixed: '500', perUnit: null, productLine: '' });
    expect(input!.components.map((c) => c.key)).toEqual(['team', 'new-logo']);
  });

  it('names unreadable and missing numbers by the path the server uses', () => {
    const form = newPlanForm('2026-11', 'Commission');
    form.components[0]!.tiers = [{ from: '0', rate: '3' }, { from: '100000', rate: 'five' }];
    form.components[0]!.accelerators = [{ from: '', multiplier: '1.2' }];
    form.guarantee = 'FLOOR';
    const { input, problems } = formToInput(form);
    expect(input).toBeNull();
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['guarantee', 'REQUIRED'],
      ['components.0.tiers.1.rate', 'INVALID'],
      ['components.0.accelerators.0.from', 'REQUIRED'],
    ]);
  });

  it('makes unique ASCII keys for new components', () => {
    expect(componentKey('Q4 Bonus!', 'SPIFF', new Set())).toBe('q4-bonus');
    expect(componentKey('提成', 'COMMISSION', new Set(['commission']))).toBe('commission-2');
  });

  it('places the server’s error paths on the form’s inputs', () => {
    const form = planToForm(stored);
    expect(planErrorField('components.1.tiers.0.rate', form)).toBe('components.1.tiers.0.rate');
    expect(planErrorField('input.name', form)).toBe('name');
    expect(planErrorField('draw', form)).toBe('guarantee');
    expect(planErrorField('floor', form)).toBe('guarantee');
    expect(planErrorField('components.1.perUnit', form)).toBe('components.1.spiffAmount');
    expect(planErrorField('components.0.lineRates.Service', form)).toBe('components.0.lineRates.0.rate');
    expect(planErrorField('components.0.lineRates.Gone', form)).toBe('components.0.lineRates');
    expect(planErrorField(null, form)).toBeNull();
  });

  it('reorders components', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});

describe('credit splits', () => {
  it('sum what is typed, exactly', () => {
    expect(splitTotal([{ userId: '1', percent: '33.33' }, { userId: '2', percent: '33.33' }, { userId: '3', percent: '33.34' }])).toBe('100.00');
    expect(splitState([{ userId: '1', percent: '60' }, { userId: '2', percent: '30' }])).toBe('UNDER');
    expect(splitState([{ userId: '1', percent: '60' }, { userId: '2', percent: '40' }])).toBe('EXACT');
    expect(splitState([{ userId: '1', percent: '60' }, { userId: '2', percent: '50' }])).toBe('OVER');
    expect(splitTotal([{ userId: '1', percent: 'x' }])).toBe('0.00');
  });

  it('ask for a person once per row and a readable share', () => {
    const problems = splitProblems([{ userId: '1', percent: '50' }, { userId: '1', percent: '' }, { userId: '', percent: 'x' }]);
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ['splits.1.userId', 'INVALID'],
      ['splits.1.percent', 'REQUIRED'],
      ['splits.2.userId', 'REQUIRED'],
      ['splits.2.percent', 'INVALID'],
    ]);
  });
});

describe('refunds', () => {
  const payments = [
    { id: '1', amount: '1000.00', refundOfId: null },
    { id: '2', amount: '-300.00', refundOfId: '1' },
    { id: '3', amount: '500.00', refundOfId: null },
  ];

  it('leave what the payment brought in less earlier refunds', () => {
    expect(refundLeft(payments[0]!, payments)).toBe('700.00');
    expect(refundLeft(payments[2]!, payments)).toBe('500.00');
    expect(isRefund(payments[1]!)).toBe(true);
    expect(isRefund({ amount: '-1.00', refundOfId: null })).toBe(true);
    expect(isRefund(payments[0]!)).toBe(false);
  });

  it('refuse more than is left, or nothing', () => {
    expect(refundAmount('700', '700.00')).toBe('700');
    expect(refundAmount('700.01', '700.00')).toMatchObject({ field: 'amount', code: 'OUT_OF_RANGE' });
    expect(refundAmount('0', '700.00')).toMatchObject({ code: 'INVALID' });
    expect(refundAmount('', '700.00')).toMatchObject({ code: 'REQUIRED' });
    expect(refundAmount('1.234', '700.00')).toMatchObject({ code: 'INVALID' });
  });
});
