import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NetworkError } from '@/graphql/client';
import type { Deal, FieldError, Stage } from '@/graphql/types';
import { closeDb, type OutboxItem } from '@/offline/db';
import { dependencyFor } from '@/offline/deals';
import { discard, dropOne, enqueue, listOutbox, onSynced, outboxSummary, updatePayload, type NewOutboxItem } from '@/offline/outbox';
import { startSync, stopSync, syncNow, type SendOutcome, type Transport } from '@/offline/sync';

const USER = 'u1';
const STAGE = (key: string, outcome: Stage['outcome'] = 'OPEN'): Stage => ({ id: `s-${key}`, key, name: key, probability: 50, outcome });

interface ServerDeal {
  id: string;
  version: number;
  stageId: string;
  status: Stage['outcome'];
  title: string;
  probability: number;
  /** clientIds of the changes applied (the server's DealChange rows). */
  changes: Set<string>;
}

/** A server with the pipeline's rules: replay on clientId first, then version, then closed. */
class DealServer implements Transport {
  readonly deals = new Map<string, ServerDeal>();
  readonly created = new Map<string, string>();
  readonly activities = new Map<string, { dealId: string; note: string }>();
  readonly sent: Array<{ kind: string; clientId: string; input: Record<string, unknown> }> = [];
  readonly script = new Map<string, Array<'lose-request' | 'lose-response'>>();
  private nextId = 100;

  add(id: string, version = 3): ServerDeal {
    const deal: ServerDeal = { id, version, stageId: 's-proposal', status: 'OPEN', title: `Deal ${id}`, probability: 50, changes: new Set() };
    this.deals.set(id, deal);
    return deal;
  }

  /** Someone else's change, as the manager's phone would make it. */
  theirs(id: string, field: 'stageId' | 'title' = 'stageId'): void {
    const deal = this.deals.get(id)!;
    deal.version += 1;
    if (field === 'stageId') deal.stageId = 's-negotiation';
    else deal.title = 'Renamed by the manager';
  }

  async send(item: OutboxItem): Promise<SendOutcome> {
    const step = this.script.get(item.clientId)?.shift();
    if (step === 'lose-request') throw new NetworkError('offline');
    const outcome = this.apply(item);
    if (step === 'lose-response') throw new NetworkError('cut');
    return outcome;
  }

  private apply(item: OutboxItem): SendOutcome {
    const input = { ...(item.payload as unknown as Record<string, unknown>) };
    this.sent.push({ kind: item.kind, clientId: item.clientId, input });
    if (item.kind === 'createDeal') {
      const known = this.created.get(item.clientId);
      if (known) return this.success(this.deals.get(known)!, true);
      if (item.payload.customerId === 'gone') return refuse({ field: 'customerId', code: 'NOT_FOUND', message: 'Customer not found' });
      const deal = this.add(String(this.nextId++), 1);
      deal.title = item.payload.title;
      this.created.set(item.clientId, deal.id);
      return this.success(deal, false);
    }
    if (item.kind === 'logActivity') {
      const deal = this.deals.get(item.payload.dealId ?? '');
      if (!deal) return refuse({ field: 'dealId', code: 'NOT_FOUND', message: 'Not found' });
      const replayed = this.activities.has(item.clientId);
      this.activities.set(item.clientId, { dealId: deal.id, note: item.payload.note });
      return { ok: true, result: { __typename: 'ActivitySuccess', replayed, activity: { id: item.clientId } } as never };
    }
    if (item.kind !== 'moveDeal' && item.kind !== 'updateDeal') throw new Error('not a deal write');
    const deal = this.deals.get(item.payload.dealId ?? '');
    if (!deal) return refuse({ field: 'id', code: 'NOT_FOUND', message: 'Not found' });
    if (deal.changes.has(item.clientId)) return this.success(deal, true);
    if (item.payload.version !== deal.version) return refuse({ field: 'stageId', code: 'CONFLICT', message: 'The stage was changed by someone else.' });
    if (deal.status !== 'OPEN') return refuse({ field: 'id', code: 'CLOSED', message: 'Closed' });
    if (item.kind === 'moveDeal') {
      deal.stageId = item.payload.stage.id;
      deal.status = item.payload.stage.outcome;
    } else {
      if (item.payload.changes.title !== undefined) deal.title = item.payload.changes.title;
      if (item.payload.changes.probability !== undefined) deal.probability = item.payload.changes.probability;
    }
    deal.version += 1;
    deal.changes.add(item.clientId);
    return this.success(deal, false, item.kind === 'moveDeal' && deal.status === 'WON' ? 10 : 0);
  }

  private success(deal: ServerDeal, replayed: boolean, pointsAwarded = 0): SendOutcome {
    const shown = { id: deal.id, version: deal.version, title: deal.title, status: deal.status, stage: { id: deal.stageId } } as unknown as Deal;
    return { ok: true, result: { __typename: 'DealSuccess', deal: shown, replayed, pointsAwarded } as never };
  }

  kinds(): string[] {
    return this.sent.map((s) => `${s.kind}:${s.clientId}`);
  }
}

function refuse(error: FieldError): SendOutcome {
  return { ok: false, errors: [error] };
}

let server: DealServer;

function start(): void {
  startSync({ userId: USER, transport: server, random: () => 0, periodMs: 3_600_000 });
}

/** Records like the screens do: the dependency is the rep's latest queued change of the deal. */
async function record(entry: Omit<NewOutboxItem<'moveDeal'>, 'userId'> | Omit<NewOutboxItem<'updateDeal'>, 'userId'> | Omit<NewOutboxItem<'logActivity'>, 'userId'> | Omit<NewOutboxItem<'createDeal'>, 'userId'>) {
  const items = await listOutbox(USER);
  const ref = entry.kind === 'createDeal' ? { dealId: null, dealClientId: entry.clientId } : { dealId: entry.payload.dealId, dealClientId: entry.payload.dealClientId };
  const dependsOn = entry.kind === 'createDeal' ? null : dependencyFor(items, ref, entry.kind);
  return enqueue({ ...entry, userId: USER, dependsOn } as NewOutboxItem<'moveDeal'>);
}

const move = (clientId: string, dealId: string | null, version: number, stage = STAGE('negotiation'), dealClientId: string | null = null, reason = '') =>
  record({ kind: 'moveDeal', clientId, label: 'Deal', payload: { dealId, dealClientId, version, stage, reason } });
const edit = (clientId: string, dealId: string | null, version: number, changes: { title?: string; probability?: number }, dealClientId: string | null = null) =>
  record({ kind: 'updateDeal', clientId, label: 'Deal', payload: { dealId, dealClientId, version, changes } });
const activity = (clientId: string, dealId: string | null, dealClientId: string | null = null) =>
  record({
    kind: 'logActivity',
    clientId,
    label: 'Deal',
    payload: { dealId, dealClientId, kind: 'CALL', outcome: 'POSITIVE', note: 'Called the buyer', occurredAt: '2026-11-22T08:30:00.000Z' },
  });
const create = (clientId: string, customerId = 'c1') =>
  record({
    kind: 'createDeal',
    clientId,
    label: 'Forklift fleet',
    payload: { customerId, title: 'Forklift fleet', leadSource: 'REFERRAL', expectedClose: '2026-12-31', amount: '2500', lines: [], stageId: null, ownerId: null },
  });

const states = async () => (await listOutbox(USER)).map((i) => [i.clientId, i.state]);

beforeEach(async () => {
  await closeDb();
  globalThis.indexedDB = new IDBFactory();
  server = new DealServer();
});

afterEach(() => {
  stopSync();
});

describe('pipeline writes in the outbox', () => {
  it('sends a deal’s move, edits and activity in order, each edit rebased on the one before', async () => {
    server.add('7', 3);
    await move('m1', '7', 3);
    await edit('e1', '7', 3, { title: 'Forklift fleet of 12' });
    await activity('a1', '7');
    await edit('e2', '7', 3, { probability: 80 });
    start();
    await syncNow();
    expect(server.kinds()).toEqual(['moveDeal:m1', 'updateDeal:e1', 'logActivity:a1', 'updateDeal:e2']);
    expect(server.sent.map((s) => s.input.version)).toEqual([3, 4, undefined, 5]);
    expect(await listOutbox(USER)).toEqual([]);
    const deal = server.deals.get('7')!;
    expect([deal.version, deal.stageId, deal.title, deal.probability]).toEqual([6, 's-negotiation', 'Forklift fleet of 12', 80]);
    expect(server.activities.size).toBe(1);
  });

  it('an activity does not wait for the deal’s moves; a move waits for the one before', async () => {
    server.add('7');
    await move('m1', '7', 3);
    await move('m2', '7', 3, STAGE('won', 'WON'), null, 'Signed');
    await activity('a1', '7');
    const [m1, m2, a1] = await listOutbox(USER);
    expect([m1!.dependsOn, m2!.dependsOn, a1!.dependsOn]).toEqual([null, 'm1', null]);
  });

  it('sends the writes of a deal opened offline after its creation, with the id and version the server gave', async () => {
    await create('c');
    await move('m1', null, 0, STAGE('negotiation'), 'c');
    await activity('a1', null, 'c');
    await edit('e1', null, 0, { probability: 90 }, 'c');
    const queued = await listOutbox(USER);
    expect(queued.map((i) => i.dependsOn)).toEqual([null, 'c', 'c', 'm1']);
    start();
    await syncNow();
    expect(server.kinds()).toEqual(['createDeal:c', 'moveDeal:m1', 'logActivity:a1', 'updateDeal:e1']);
    const id = server.created.get('c')!;
    expect(server.sent.slice(1).map((s) => [s.input.dealId, s.input.version])).toEqual([
      [id, 1],
      [id, undefined],
      [id, 2],
    ]);
    expect(await listOutbox(USER)).toEqual([]);
  });

  it('a lost answer is replayed with the same clientId, and the next change is rebased on what it made', async () => {
    server.add('7', 3);
    server.script.set('m1', ['lose-response']);
    await move('m1', '7', 3);
    await edit('e1', '7', 3, { title: 'New' });
    start();
    await syncNow(); // the move is applied, its answer lost
    expect(await states()).toEqual([['m1', 'pending'], ['e1', 'pending']]);
    await syncNow();
    expect(server.kinds()).toEqual(['moveDeal:m1', 'moveDeal:m1', 'updateDeal:e1']);
    expect(server.deals.get('7')!.version).toBe(5); // moved once, edited once
    expect(server.sent[2]!.input.version).toBe(4);
  });

  it('hands over the server’s answer (points for a win)', async () => {
    server.add('7', 3);
    const answers: Array<[string, number]> = [];
    const stop = onSynced('moveDeal', (result, item) => answers.push([item.clientId, result.pointsAwarded]));
    await move('m1', '7', 3, STAGE('won', 'WON'), null, 'Best terms');
    start();
    await syncNow();
    stop();
    expect(answers).toEqual([['m1', 10]]);
  });
});

describe('conflicts', () => {
  async function staleMoveThenEdit(): Promise<void> {
    server.add('7', 3);
    server.add('8', 1);
    server.theirs('7'); // the manager moved deal 7 meanwhile: now version 4
    await move('m1', '7', 3, STAGE('needs_assessment'));
    await edit('e1', '7', 3, { probability: 80 });
    await move('x', '8', 1); // another deal
    start();
    await syncNow();
  }

  it('a stale move is a conflict naming the field; the edit behind it is held, other deals go on', async () => {
    await staleMoveThenEdit();
    expect(server.kinds()).toEqual(['moveDeal:m1', 'moveDeal:x']);
    expect(await states()).toEqual([['m1', 'conflict'], ['e1', 'pending']]);
    const [conflict] = await listOutbox(USER);
    expect(conflict!.errors).toEqual([{ field: 'stageId', code: 'CONFLICT', message: 'The stage was changed by someone else.' }]);
    expect(await outboxSummary(USER)).toEqual({ total: 2, pending: 1, conflicts: 1, held: 1 });
  });

  it('"apply mine again" sends the same clientId on the current version, then what it held', async () => {
    await staleMoveThenEdit();
    const [conflict] = await listOutbox(USER);
    if (conflict?.kind !== 'moveDeal') throw new Error('expected the move');
    // The sync screen re-reads the deal's version and keeps the clientId: a refused write was never stored.
    await updatePayload<'moveDeal'>(conflict.seq, { ...conflict.payload, version: server.deals.get('7')!.version });
    await syncNow();
    expect(server.kinds().slice(2)).toEqual(['moveDeal:m1', 'updateDeal:e1']);
    expect(server.sent.slice(2).map((s) => s.input.version)).toEqual([4, 5]);
    expect(await listOutbox(USER)).toEqual([]);
    expect(server.deals.get('7')!.stageId).toBe('s-needs_assessment');
  });

  it('"keep theirs" drops only the refused change; what waited for it is sent as recorded', async () => {
    await staleMoveThenEdit();
    const [conflict] = await listOutbox(USER);
    await dropOne(conflict!.seq);
    const [rest] = await listOutbox(USER);
    expect(rest).toMatchObject({ clientId: 'e1', dependsOn: null });
    await syncNow();
    // The edit was based on the same stale read: the server refuses it too, and the rep decides again.
    expect(await states()).toEqual([['e1', 'conflict']]);
    expect(server.deals.get('7')!.stageId).toBe('s-negotiation');
  });

  it('discarding a refused creation takes the deal’s queued writes with it, and nothing else', async () => {
    server.add('8', 1);
    await create('c', 'gone');
    await move('m1', null, 0, STAGE('negotiation'), 'c');
    await activity('a1', null, 'c');
    await move('x', '8', 1);
    start();
    await syncNow();
    expect(server.kinds()).toEqual(['createDeal:c', 'moveDeal:x']);
    expect(await states()).toEqual([['c', 'conflict'], ['m1', 'pending'], ['a1', 'pending']]);
    const [conflict] = await listOutbox(USER);
    const removed = await discard(conflict!.seq);
    expect(removed.map((i) => i.clientId)).toEqual(['c', 'm1', 'a1']);
    expect(await listOutbox(USER)).toEqual([]);
  });

  it('a deal closed meanwhile is a CLOSED conflict, kept until the rep discards it', async () => {
    const deal = server.add('7', 3);
    deal.status = 'WON';
    await edit('e1', '7', 3, { title: 'Late' });
    start();
    await syncNow();
    const [item] = await listOutbox(USER);
    expect(item).toMatchObject({ state: 'conflict', errors: [{ code: 'CLOSED' }] });
    await syncNow();
    expect(server.kinds()).toEqual(['updateDeal:e1']); // not sent again by itself
  });
});
