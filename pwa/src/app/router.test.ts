import { describe, expect, it } from 'vitest';
import { loginPathFor, normalizePath, safeNext } from '@/app/router';

describe('safeNext', () => {
  it('follows same-origin paths', () => {
    expect(safeNext('/tv')).toBe('/tv');
    expect(safeNext('/board?period=month')).toBe('/board?period=month');
  });

  it('never leaves the app', () => {
    for (const next of ['https://evil.example', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '', null]) {
      expect(safeNext(next)).toBe('/');
    }
  });

  it('does not loop back to the login page', () => {
    expect(safeNext('/login?next=/tv')).toBe('/');
  });
});

describe('paths', () => {
  it('ignores trailing slashes', () => {
    expect(normalizePath('/tv/')).toBe('/tv');
    expect(normalizePath('/')).toBe('/');
  });

  it('remembers where the user wanted to go', () => {
    expect(loginPathFor({ pathname: '/tv', search: '' })).toBe('/login?next=%2Ftv');
    expect(loginPathFor({ pathname: '/board', search: '?period=month' })).toBe('/login?next=%2Fboard%3Fperiod%3Dmonth');
    expect(loginPathFor({ pathname: '/', search: '' })).toBe('/login');
  });
});
