import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NetworkError } from '@/graphql/client';
import type { FieldError } from '@/graphql/types';
import { closeDb, DB_NAME, DB_VERSION, openDb, type LocalVisit, type OutboxItem } from '@/offline/db';
import {
  discard,
  enqueue,
  listOutbox,
  onSynced,
  outboxSummary,
  planSync,
  retry,
  updatePayload,
  type NewOutboxItem,
  type OutboxKind,
} from '@/offline/outbox';
import { SessionGone, startSync, stopSync, syncNow, type SendOutcome, type Transport } from '@/offline/sync';
import { getVisit, putVisitIn } from '@/offline/visits';

const USER = 'u1';

/** A server that dedupes on clientId like the real one: a replay returns the first answer. */
class FakeServer implements Transport {
  readonly received: Array<{ clientId: string; sentAt: string; payload: unknown }> = [];
  readonly stored = new Map<string, SendOutcome>();
  /** clientId → what happens to its next send. */
  readonly script = new Map<string, Array<'lose-request' | 'lose-response' | 'refuse' | 'session-gone'>>();

  async send(item: OutboxItem, sentAt: string): Promise<SendOutcome> {
    const step = this.script.get(item.clientId)?.shift();
    if (step === 'lose-request') throw new NetworkError('offline');
    if (step === 'session-gone') throw new SessionGone();
    this.received.push({ clientId: item.clientId, sentAt, payload: item.payload });
    if (step === 'refuse') return { ok: false, errors: [refusal(item)] };
    const known = this.stored.get(item.clientId);
    const outcome = known ?? this.accept(item);
    if (step === 'lose-response') throw new NetworkError('cut');
    return known ? { ...outcome, ok: true, result: { ...(outcome as { result: object }).result, replayed: true } as never } : outcome;
  }

  private accept(item: OutboxItem): SendOutcome {
    const outcome: SendOutcome = { ok: true, result: { item: item.clientId, replayed: false } as never };
    this.stored.set(item.clientId, outcome);
    return outcome;
  }

  sent(): string[] {
    return this.received.map((r) => r.clientId);
  }
}

function refusal(item: OutboxItem): FieldError {
  return { field: item.kind === 'checkIn' ? 'customerId' : 'visitClientId', code: 'NOT_FOUND', message: 'Customer not found' };
}

function checkIn(clientId: string, customerId = 'c1'): NewOutboxItem<'checkIn'> {
  return {
    kind: 'checkIn',
    clientId,
    userId: USER,
    label: `Customer ${customerId}`,
    payload: {
      clientId,
      customerId,
      latitude: 31.23,
      longitude: 121.47,
      accuracyMeters: 12,
      occurredAt: '2026-11-22T08:30:00.000Z',
      positionAt: '2026-11-22T08:29:58.000Z',
      note: '',
    },
  };
}

function photo(clientId: string, visitClientId: string): NewOutboxItem<'photo'> {
  return {
    kind: 'photo',
    clientId,
    userId: USER,
    dependsOn: visitClientId,
    payload: { visitClientId, blob: new Blob([new Uint8Array([0xff, 0xd8, 1, 2, 3])], { type: 'image/jpeg' }), contentType: 'image/jpeg', width: 10, height: 10 },
  };
}

function checkOut(clientId: string, visitClientId: string): NewOutboxItem<'checkOut'> {
  return {
    kind: 'checkOut',
    clientId,
    userId: USER,
    dependsOn: visitClientId,
    payload: {
      clientId,
      visitClientId,
      latitude: 31.23,
      longitude: 121.47,
      accuracyMeters: 15,
      occurredAt: '2026-11-22T09:00:00.000Z',
      note: 'Done',
    },
  };
}

function localVisit(clientId: string): LocalVisit {
  return {
    clientId,
    userId: USER,
    customer: { id: 'c1', name: 'Acme', address: '1 Road', latitude: 31.23, longitude: 121.47, geofenceRadiusMeters: 200 },
    checkedInAt: '2026-11-22T08:30:00.000Z',
    checkInFix: { latitude: 31.23, longitude: 121.47, accuracy: 12 },
    note: '',
    photos: [],
    checkOutClientId: null,
    checkedOutAt: null,
    server: null,
    points: null,
  };
}

let server: FakeServer;
let clock: number;

function start(): void {
  startSync({
    userId: USER,
    transport: server,
    now: () => new Date((clock += 1000)),
    random: () => 0,
    periodMs: 3_600_000,
  });
}

async function enqueueAll(items: Array<NewOutboxItem<OutboxKind>>): Promise<void> {
  for (const item of items) await enqueue(item);
}

beforeEach(async () => {
  await closeDb();
  globalThis.indexedDB = new IDBFactory();
  server = new FakeServer();
  clock = Date.parse('2026-11-22T10:00:00Z');
});

afterEach(() => {
  stopSync();
});

describe('database', () => {
  it('is created from nothing by the upgrade, at the current version', async () => {
    const db = await openDb();
    expect(db.name).toBe(DB_NAME);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['cache', 'outbox', 'visits']);
    const tx = db.transaction('outbox');
    expect(tx.objectStore('outbox').keyPath).toBe('seq');
    expect(tx.objectStore('outbox').autoIncrement).toBe(true);
    expect([...tx.objectStore('outbox').indexNames].sort()).toEqual(['clientId', 'userId']);
    expect(tx.objectStore('outbox').index('clientId').unique).toBe(true);
  });

  it('keeps a photo as a Blob', async () => {
    await enqueue(photo('p1', 'a'));
    const [stored] = await listOutbox(USER);
    expect(stored?.kind).toBe('photo');
    const blob = stored?.kind === 'photo' ? stored.payload.blob : null;
    expect(blob).toBeInstanceOf(Blob);
    expect(new Uint8Array(await blob!.arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 1, 2, 3]));
  });
});

describe('sync', () => {
  it('sends in the order recorded, and empties the outbox', async () => {
    await enqueueAll([checkIn('a'), photo('p1', 'a'), photo('p2', 'a'), checkOut('o', 'a'), checkIn('b')]);
    start();
    await syncNow();
    expect(server.sent()).toEqual(['a', 'p1', 'p2', 'o', 'b']);
    expect(await listOutbox(USER)).toEqual([]);
    expect(await outboxSummary(USER)).toEqual({ total: 0, pending: 0, conflicts: 0, held: 0 });
  });

  it('keeps an unanswered write first and sends it again, then the rest', async () => {
    server.script.set('a', ['lose-request']);
    await enqueueAll([checkIn('a'), checkIn('b')]);
    start();
    await syncNow();
    expect(server.sent()).toEqual([]);
    const [first, second] = await listOutbox(USER);
    expect(first).toMatchObject({ clientId: 'a', state: 'pending', attempts: 1 });
    expect(second).toMatchObject({ clientId: 'b', attempts: 0 });
    // The backoff timer (500 ms with no jitter) sends it again by itself.
    await vi.waitFor(() => expect(server.sent()).toEqual(['a', 'b']), { timeout: 3000 });
    await vi.waitFor(async () => expect(await listOutbox(USER)).toEqual([]));
  });

  it('re-sends the same clientId after a lost answer, and the server adds nothing', async () => {
    server.script.set('a', ['lose-response']);
    await enqueue(checkIn('a'));
    start();
    await syncNow();
    expect(await listOutbox(USER)).toHaveLength(1);
    await syncNow();
    expect(server.sent()).toEqual(['a', 'a']);
    expect(server.stored.size).toBe(1);
    expect(await listOutbox(USER)).toEqual([]);
    // sentAt is stamped at each send, not when recorded.
    const [firstSend, secondSend] = server.received;
    expect(firstSend!.sentAt).not.toBe(secondSend!.sentAt);
    expect(firstSend!.payload).toEqual(secondSend!.payload);
  });

  it('hands over the server’s answer and writes it into the visit', async () => {
    const answers: unknown[] = [];
    const stop = onSynced('checkIn', (result, item) => answers.push([item.clientId, result]));
    await enqueue(checkIn('a'), (tx) => putVisitIn(tx, localVisit('a')));
    start();
    await syncNow();
    stop();
    expect(answers).toEqual([['a', { item: 'a', replayed: false }]]);
    expect((await getVisit('a'))?.server).toBeUndefined(); // the fake's result has no visit
  });

  it('holds what depends on a conflict, and sends unrelated writes', async () => {
    server.script.set('a', ['refuse']);
    await enqueueAll([checkIn('a'), photo('p1', 'a'), checkIn('b'), checkOut('o', 'a'), checkIn('c')]);
    start();
    await syncNow();
    expect(server.sent()).toEqual(['a', 'b', 'c']);
    const left = await listOutbox(USER);
    expect(left.map((i) => [i.clientId, i.state])).toEqual([
      ['a', 'conflict'],
      ['p1', 'pending'],
      ['o', 'pending'],
    ]);
    expect(left[0]!.errors).toEqual([{ field: 'customerId', code: 'NOT_FOUND', message: 'Customer not found' }]);
    expect(await outboxSummary(USER)).toEqual({ total: 3, pending: 2, conflicts: 1, held: 2 });
  });

  it('sends a conflict and what it held once resolved by editing, same clientId', async () => {
    server.script.set('a', ['refuse']);
    await enqueueAll([checkIn('a', 'gone'), photo('p1', 'a'), checkOut('o', 'a')]);
    start();
    await syncNow();
    const [conflict] = await listOutbox(USER);
    expect(conflict?.kind).toBe('checkIn');
    if (conflict?.kind !== 'checkIn') return;
    await updatePayload<'checkIn'>(conflict.seq, { ...conflict.payload, customerId: 'c2' }, 'Customer c2');
    await syncNow();
    expect(server.sent()).toEqual(['a', 'a', 'p1', 'o']);
    expect((server.received[1]!.payload as { customerId: string }).customerId).toBe('c2');
    expect(await listOutbox(USER)).toEqual([]);
  });

  it('retries a conflict as it is', async () => {
    server.script.set('a', ['refuse']);
    await enqueue(checkIn('a'));
    start();
    await syncNow();
    const [conflict] = await listOutbox(USER);
    await retry(conflict!.seq);
    await syncNow();
    expect(server.sent()).toEqual(['a', 'a']);
    expect(await listOutbox(USER)).toEqual([]);
  });

  it('discards a check-in with its photos, its check-out and its visit, and nothing else', async () => {
    server.script.set('a', ['refuse']);
    await enqueue(checkIn('a'), (tx) => putVisitIn(tx, localVisit('a')));
    await enqueueAll([photo('p1', 'a'), checkIn('b'), checkOut('o', 'a')]);
    server.script.set('b', ['lose-request', 'lose-request', 'lose-request']);
    start();
    await syncNow();
    const [conflict] = await listOutbox(USER);
    const removed = await discard(conflict!.seq);
    expect(removed.map((i) => i.clientId)).toEqual(['a', 'p1', 'o']);
    expect((await listOutbox(USER)).map((i) => i.clientId)).toEqual(['b']);
    expect(await getVisit('a')).toBeNull();
  });

  it('stops when the session is gone, keeping the write', async () => {
    server.script.set('a', ['session-gone']);
    await enqueueAll([checkIn('a'), checkIn('b')]);
    start();
    await syncNow();
    expect(server.sent()).toEqual([]);
    expect((await listOutbox(USER)).map((i) => [i.clientId, i.state, i.attempts])).toEqual([
      ['a', 'pending', 0],
      ['b', 'pending', 0],
    ]);
    // Signed in again: sending resumes.
    start();
    await syncNow();
    expect(server.sent()).toEqual(['a', 'b']);
  });

  it('never sends another user’s writes', async () => {
    await enqueue({ ...checkIn('x'), userId: 'u2' });
    await enqueue(checkIn('a'));
    start();
    await syncNow();
    expect(server.sent()).toEqual(['a']);
    expect((await listOutbox('u2')).map((i) => i.clientId)).toEqual(['x']);
  });

  it('sends on enqueue once started', async () => {
    start();
    await syncNow();
    await enqueue(checkIn('a'));
    await vi.waitFor(() => expect(server.sent()).toEqual(['a']));
  });
});

describe('planSync', () => {
  const item = (seq: number, clientId: string, state: 'pending' | 'conflict', dependsOn: string | null = null) =>
    ({ seq, clientId, state, dependsOn }) as OutboxItem;

  it('holds dependents of dependents too', () => {
    const plan = planSync([item(1, 'a', 'conflict'), item(2, 'p', 'pending', 'a'), item(3, 'q', 'pending', 'p'), item(4, 'b', 'pending')]);
    expect(plan.next?.clientId).toBe('b');
    expect([...plan.held]).toEqual([2, 3]);
  });

  it('picks the lowest seq, whatever the order given', () => {
    expect(planSync([item(5, 'b', 'pending'), item(2, 'a', 'pending')]).next?.clientId).toBe('a');
  });
});
