import { describe, expect, it } from 'vitest';
import type { Person } from '@/features/accounts/documents';
import { absoluteLink, filterPeople, isCompleteCode, managersFor, normalizeCode, successorsFor, timeZones, tokenFromPath } from '@/features/accounts/logic';

const person = (id: string, name: string, extra: Partial<Person> = {}): Person => ({
  id, name, email: `${name.toLowerCase().replace(/\s/g, '')}@acme.test`, role: 'REP', teamId: 't1', teamName: 'North', managerId: null,
  managerName: null, active: true, lastSignInAt: null, createdAt: '2026-12-01T00:00:00Z', initials: name.slice(0, 2), avatarColor: '#4f46e5', employeeNumber: null,
  ...extra,
});

describe('codes and links', () => {
  it('reads a code however it was typed', () => {
    expect(normalizeCode('abcd efgh')).toBe('ABCD-EFGH');
    expect(normalizeCode('ab-cd')).toBe('ABCD');
    expect(normalizeCode('abcdefghXYZ')).toBe('ABCD-EFGH');
    expect(isCompleteCode('abcd-efg')).toBe(false);
    expect(isCompleteCode('abcd efgh')).toBe(true);
  });

  it('builds the link to share and reads the token back', () => {
    expect(absoluteLink('/join/abc', 'https://podium.example.com/')).toBe('https://podium.example.com/join/abc');
    expect(tokenFromPath('/join/abc_-1', '/join')).toBe('abc_-1');
    expect(tokenFromPath('/join', '/join')).toBeNull();
    expect(tokenFromPath('/reset/x/y', '/reset')).toBeNull();
  });
});

describe('people table', () => {
  const people = [
    person('1', 'Zoe Zhang', { role: 'MANAGER', lastSignInAt: '2026-12-05T00:00:00Z' }),
    person('2', 'Adam Ang', { teamId: 't2', teamName: 'South', active: false }),
    person('3', 'Mia Ma', { role: 'ADMIN', teamId: null, teamName: null, lastSignInAt: '2026-12-06T00:00:00Z' }),
  ];

  it('filters by search, role, unit and status', () => {
    expect(filterPeople(people, { search: 'south', role: '', teamId: '', status: '' }).map((p) => p.id)).toEqual(['2']);
    expect(filterPeople(people, { search: '', role: 'MANAGER', teamId: '', status: '' }).map((p) => p.id)).toEqual(['1']);
    expect(filterPeople(people, { search: '', role: '', teamId: 't1', status: 'active' }).map((p) => p.id)).toEqual(['1']);
    expect(filterPeople(people, { search: '', role: '', teamId: '', status: 'inactive' }).map((p) => p.id)).toEqual(['2']);
  });

  it('offers active people as successors and managers', () => {
    expect(successorsFor(people, people[0]!).map((p) => p.id)).toEqual(['3']);
    expect(managersFor(people, '3').map((p) => p.id)).toEqual(['1']);
  });
});

describe('first run choices', () => {
  it('puts the browser zone first', () => {
    const zones = timeZones('Asia/Shanghai');
    expect(zones[0]).toBe('Asia/Shanghai');
    expect(zones).toContain('UTC');
  });
});
