import { describe, expect, it } from 'vitest';

import { percent, ringDash, ringShare } from '@/features/targets/logic';

describe('attainment ring', () => {
  it('clamps the drawn share but not the label', () => {
    expect(ringShare('1.3400')).toBe(1);
    expect(ringShare('-0.1')).toBe(0);
    expect(ringShare(null)).toBe(0);
    expect(percent('1.3400')).toBe('134%');
    expect(percent(null)).toBe('—');
  });

  it('draws the share along the circumference', () => {
    expect(ringDash(0.5, 10)).toBe(`${(Math.PI * 10).toFixed(2)} ${(2 * Math.PI * 10).toFixed(2)}`);
  });
});
