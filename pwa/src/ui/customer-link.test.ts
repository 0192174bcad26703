import { describe, expect, it } from 'vitest';
import { mayOpenCustomer } from '@/ui/customer-link';

describe('mayOpenCustomer', () => {
  const rep = { id: '7', role: 'REP' as const };
  it('lets a rep open only their own customers', () => {
    expect(mayOpenCustomer(rep, { id: '3', ownerId: '7' })).toBe(true);
    expect(mayOpenCustomer(rep, { id: '3', ownerId: '8' })).toBe(false);
    expect(mayOpenCustomer(rep, { id: '3', ownerId: null })).toBe(false);
    expect(mayOpenCustomer(rep, { id: '3' })).toBe(false);
  });
  it('lets managers and admins open any customer, whose page says when it is outside their reach', () => {
    expect(mayOpenCustomer({ id: '1', role: 'MANAGER' }, { id: '3', ownerId: '8' })).toBe(true);
    expect(mayOpenCustomer({ id: '1', role: 'ADMIN' }, { id: '3' })).toBe(true);
  });
  it('opens no customer added offline that has no server id yet', () => {
    expect(mayOpenCustomer({ id: '1', role: 'ADMIN' }, { id: 'local-4f2c', ownerId: '1' })).toBe(false);
    expect(mayOpenCustomer(rep, { id: 'local-4f2c', ownerId: '7' })).toBe(false);
  });
});
