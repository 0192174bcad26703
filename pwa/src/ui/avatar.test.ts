import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AVATAR_INK, AVATAR_PLACEHOLDER } from '@/ui/avatar';
import { contrastRatio } from '@/ui/contrast';

// The palette is the server's (it picks each person's colour, and draws the same avatar on cards).
const PALETTE_PATH = fileURLToPath(new URL('../../../backend/podium/orgs/service.py', import.meta.url));
const hasPalette = existsSync(PALETTE_PATH);
const AA = 4.5;

function serverPalette(): string[] {
  const tuple = readFileSync(PALETTE_PATH, 'utf8').match(/^AVATAR_COLORS = \(([^)]*)\)/m)?.[1];
  if (!tuple) throw new Error('AVATAR_COLORS not found in orgs/service.py');
  return [...tuple.matchAll(/"(#[0-9a-fA-F]{3,6})"/g)].map((m) => m[1] ?? '');
}

describe('contrast', () => {
  it('computes WCAG ratios', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBe(1);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrastRatio('#f59e0b', '#ffffff')).toBeLessThan(AA); // the amber that failed
  });
});

describe('avatar colours', () => {
  it.skipIf(!hasPalette)('every colour of the server palette carries the initials at 4.5:1 or more', () => {
    const palette = serverPalette();
    expect(palette.length).toBeGreaterThanOrEqual(6);
    for (const colour of palette) expect(contrastRatio(colour, AVATAR_INK), colour).toBeGreaterThanOrEqual(AA);
  });

  it('the placeholder does too', () => {
    expect(contrastRatio(AVATAR_PLACEHOLDER, AVATAR_INK)).toBeGreaterThanOrEqual(AA);
  });
});
