import { describe, expect, it } from 'vitest';
import { nextStepText, signedMoney, whatIfMax, whatIfStep } from '@/features/compensation/logic';
import { formatMoney } from '@/ui/money';

const en = (amount: string) => formatMoney(amount, 'CNY', 'en');
const zh = (amount: string) => formatMoney(amount, 'CNY', 'zh-CN');

describe('the what-if slider', () => {
  it('reaches twice the quota, and at least the quota left to win', () => {
    expect(whatIfMax('150000.00', '0.00')).toBe(300_000);
    expect(whatIfMax('150000.00', '290000.00')).toBe(150_000);
    expect(whatIfMax(null, '20000.00')).toBe(1_000_000);
    expect(whatIfMax(null, '2400000.00')).toBe(2_400_000);
  });

  it('moves in round steps of about a hundredth of its range', () => {
    expect(whatIfStep(300_000)).toBe(5_000);
    expect(whatIfStep(150_000)).toBe(2_000);
    expect(whatIfStep(100_000)).toBe(1_000);
  });
});

describe('the next step in words', () => {
  it('says how much more revenue brings the next tier or accelerator', () => {
    const tier = { kind: 'tier', at: '100000.00', distance: '30000.00', rate: '5', multiplier: null };
    expect(nextStepText(tier, 'CNY', 'en')).toBe(`${en('30000.00')} more to reach 5% (tier from ${en('100000.00')})`);
    expect(nextStepText(tier, 'CNY', 'zh-CN')).toBe(`再赢 ${zh('30000.00')} 即达 5% 档（${zh('100000.00')} 起）`);
    const accelerator = { kind: 'accelerator', at: '180000.00', distance: '12000.50', rate: null, multiplier: '1.2' };
    expect(nextStepText(accelerator, 'CNY', 'en')).toBe(`${en('12000.50')} more to reach ×1.2 (accelerator from ${en('180000.00')})`);
    expect(nextStepText(null, 'CNY', 'en')).toBe('Every tier and accelerator of this month is reached.');
  });

  it('signs a change', () => {
    expect(signedMoney('800.00', 'CNY', 'en')).toBe(`+${en('800.00')}`);
    expect(signedMoney('-1200.00', 'CNY', 'en')).toBe(`−${en('1200.00')}`);
    expect(signedMoney('0.00', 'CNY', 'en')).toBe(en('0.00'));
    expect(en('1200.00')).toContain('1,200');
  });
});
