import { describe, expect, it } from 'vitest';
import { share } from '@/features/home/team-today';
import { SETUP_LINKS } from '@/features/home/manager';

describe('the team today', () => {
  it('draws actual against target as a share of the bar, clamped', () => {
    expect(share('250', '1000')).toBe(25);
    expect(share('1500', '1000')).toBe(100);
    expect(share('10', null)).toBe(0);
    expect(share('10', '0')).toBe(0);
  });

  it('links every setup step to the screen that does it', () => {
    expect(Object.values(SETUP_LINKS).every((href) => href.startsWith('/'))).toBe(true);
    expect(SETUP_LINKS.PEOPLE).toBe('/settings/people');
    expect(SETUP_LINKS.CUSTOMERS).toBe('/customers');
  });
});
