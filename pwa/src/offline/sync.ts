// Sends the outbox, strictly in the order it was recorded, each write until the
// server answers it. The front write is never taken off the queue before the
// answer arrives, so a send that gets no answer leaves it first, to be sent again
// (same clientId: the server replays its first answer, nothing is done twice).
import { backoffDelay } from '@/graphql/client';
import type { FieldError } from '@/graphql/types';
import { transaction, type OutboxItem } from '@/offline/db';
import { applyDealResultIn } from '@/offline/deals';
import {
  emitRefused,
  emitSynced,
  listOutbox,
  notifyChange,
  onOutboxWrite,
  planSync,
  setOutboxOwner,
  type SyncedResults,
} from '@/offline/outbox';
import { applyResultIn, visitChanged } from '@/offline/visits';

/** The server says the session is gone: stop, the app's unauthenticated handler takes over. */
export class SessionGone extends Error {
  constructor() {
    super('session gone');
    this.name = 'SessionGone';
  }
}

/** The server's answer: accepted (its result), or refused with typed errors (a conflict). */
export type SendOutcome = { ok: true; result: SyncedResults[keyof SyncedResults] } | { ok: false; errors: FieldError[] };

/**
 * Sends one write. Throws `SessionGone` on 401/UNAUTHENTICATED; any other throw
 * (NetworkError, 5xx) means "no answer": the write stays first and is retried.
 */
export interface Transport {
  send(item: OutboxItem, sentAt: string): Promise<SendOutcome>;
}

export type SyncPhase = 'idle' | 'sending' | 'waiting' | 'stopped';
export interface SyncState {
  phase: SyncPhase;
  /** When the next try is due after a send that got no answer (ms since epoch). */
  retryAt: number | null;
}

export interface SyncOptions {
  userId: string;
  transport: Transport;
  now?: () => Date;
  random?: () => number;
  /** A periodic nudge, for whatever the events missed. */
  periodMs?: number;
}

const PERIOD_MS = 60_000;
const LOCK_NAME = 'podium-outbox';

class SyncEngine {
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposers: Array<() => void> = [];
  state: SyncState = { phase: 'idle', retryAt: null };

  constructor(
    readonly userId: string,
    private readonly transport: Transport,
    private readonly now: () => Date,
    private readonly random: () => number,
    private readonly periodMs: number,
  ) {}

  start(): void {
    const kick = () => void this.drain();
    this.disposers.push(onOutboxWrite(kick));
    if (typeof window !== 'undefined') {
      window.addEventListener('online', kick);
      this.disposers.push(() => window.removeEventListener('online', kick));
      const visible = () => document.visibilityState === 'visible' && kick();
      document.addEventListener('visibilitychange', visible);
      this.disposers.push(() => document.removeEventListener('visibilitychange', visible));
    }
    const period = setInterval(kick, this.periodMs);
    this.disposers.push(() => clearInterval(period));
    kick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.disposers.forEach((d) => d());
    this.disposers.length = 0;
    this.setState({ phase: 'stopped', retryAt: null });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Sends until the queue is empty, blocked, or a send gets no answer. Resolves when done. */
  drain(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        let answered: boolean;
        do {
          this.again = false;
          answered = await withLock(() => this.run());
          // A write recorded while the loop was finishing is sent now; after a send with no
          // answer, the backoff timer (or the `online` event) decides when to try again.
        } while (this.again && answered && !this.stopped);
      } finally {
        this.draining = null;
      }
    })();
    return this.draining;
  }

  /** False when a send got no answer (or the session is gone). */
  private async run(): Promise<boolean> {
    clearTimeout(this.retryTimer);
    while (!this.stopped) {
      const { next } = planSync(await listOutbox(this.userId));
      if (!next) {
        this.setState({ phase: 'idle', retryAt: null });
        return true;
      }
      this.setState({ phase: 'sending', retryAt: null });
      // Stamped now, not when recorded: the server compares it with its own clock.
      const sentAt = this.now().toISOString();
      let outcome: SendOutcome;
      try {
        outcome = await this.transport.send(next, sentAt);
      } catch (error) {
        if (error instanceof SessionGone) {
          this.stop();
          return false;
        }
        await this.noAnswer(next, sentAt);
        return false;
      }
      if (outcome.ok) await this.accepted(next, outcome.result);
      else await this.refused(next, outcome.errors, sentAt);
      await notifyChange();
    }
    return false;
  }

  /** Stays first in the queue; tried again after a growing pause (or at once when back online). */
  private async noAnswer(item: OutboxItem, sentAt: string): Promise<void> {
    const attempts = item.attempts + 1;
    await transaction(['outbox'], 'readwrite', async (tx) => {
      const stored = await tx.store('outbox').get(item.seq);
      if (stored) await tx.store('outbox').put({ ...stored, attempts, lastAttemptAt: sentAt });
    });
    const delay = backoffDelay(attempts - 1, this.random);
    this.retryTimer = setTimeout(() => void this.drain(), delay);
    this.setState({ phase: 'waiting', retryAt: Date.now() + delay });
    await notifyChange();
  }

  private async accepted(item: OutboxItem, result: SyncedResults[keyof SyncedResults]): Promise<void> {
    const visit = await transaction(['outbox', 'visits'], 'readwrite', async (tx) => {
      await tx.store('outbox').delete(item.seq);
      await applyDealResultIn(tx, item, result);
      return applyResultIn(tx, item, result);
    });
    if (visit) visitChanged(visit, visit.clientId);
    emitSynced(item as never, result as never);
  }

  private async refused(item: OutboxItem, errors: FieldError[], sentAt: string): Promise<void> {
    const conflict = await transaction(['outbox'], 'readwrite', async (tx) => {
      const stored = await tx.store('outbox').get(item.seq);
      if (!stored) return null;
      const next: OutboxItem = { ...stored, state: 'conflict', errors, lastAttemptAt: sentAt };
      await tx.store('outbox').put(next);
      return next;
    });
    if (conflict) emitRefused(conflict);
  }

  private setState(next: SyncState): void {
    this.state = next;
    stateListeners.forEach((fn) => fn(next));
  }
}

/** One tab sends at a time (Web Locks where available); the others find an emptier queue. */
function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return fn();
  return locks.request(LOCK_NAME, fn) as Promise<T>;
}

let engine: SyncEngine | null = null;
const stateListeners = new Set<(state: SyncState) => void>();

/**
 * Starts sending `userId`'s outbox (on enqueue, now, the `online` event and a timer);
 * a no-op when already running for them. Another user's writes stay stored, unsent.
 */
export function startSync(options: SyncOptions): void {
  if (engine && engine.userId === options.userId && !engine.isStopped) {
    void engine.drain();
    return;
  }
  engine?.stop();
  setOutboxOwner(options.userId);
  engine = new SyncEngine(
    options.userId,
    options.transport,
    options.now ?? (() => new Date()),
    options.random ?? Math.random,
    options.periodMs ?? PERIOD_MS,
  );
  engine.start();
}

export function stopSync(): void {
  engine?.stop();
  engine = null;
  setOutboxOwner(null);
}

/** Sends what can be sent now; resolves when the queue is empty, blocked or waiting. */
export function syncNow(): Promise<void> {
  return engine?.drain() ?? Promise.resolve();
}

export function syncState(): SyncState {
  return engine?.state ?? { phase: 'stopped', retryAt: null };
}

export function onSyncState(fn: (state: SyncState) => void): () => void {
  stateListeners.add(fn);
  fn(syncState());
  return () => stateListeners.delete(fn);
}
