import { describe, expect, it } from 'vitest';
import { activeItem, hasSideNav, navFor, NAV_GROUPS } from '@/app/nav';

describe('navigation', () => {
  it('is for managers and admins only', () => {
    expect(hasSideNav('REP')).toBe(false);
    expect(navFor('REP')).toEqual([]);
    expect(hasSideNav('MANAGER')).toBe(true);
  });

  it('keeps the company group and admin pages for admins', () => {
    const manager = navFor('MANAGER').flatMap((g) => g.items.map((i) => i.href));
    const admin = navFor('ADMIN').flatMap((g) => g.items.map((i) => i.href));
    expect(manager).toContain('/statements');
    expect(manager).not.toContain('/settings/people');
    expect(manager).not.toContain('/settings/badges');
    expect(manager).toContain('/tv/pair');
    expect(admin).toContain('/settings/people');
    expect(admin).toHaveLength(NAV_GROUPS.flatMap((g) => g.items).length);
  });

  it('has unique ids and paths', () => {
    const items = NAV_GROUPS.flatMap((g) => g.items);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(new Set(items.map((i) => i.href)).size).toBe(items.length);
  });

  it('highlights the deepest matching entry', () => {
    const groups = navFor('ADMIN');
    expect(activeItem(groups, '/')?.id).toBe('home');
    expect(activeItem(groups, '/contests/42')?.id).toBe('contests');
    expect(activeItem(groups, '/deals/team')?.id).toBe('team-pipeline');
    expect(activeItem(groups, '/tv/pair')?.id).toBe('tvs');
    expect(activeItem(groups, '/deals')).toBeUndefined();
    expect(activeItem(groups, '/teams')).toBeUndefined();
  });
});
