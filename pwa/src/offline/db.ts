// The phone's own database: what a rep recorded and has not yet reached the server
// (the outbox), the data they need in the field (cache), and their visits as the
// phone knows them. One typed schema, one version number, one explicit upgrade.
import type { AddCustomerInput, CheckInInput, CheckOutInput, FieldVisit, VisitCustomer } from '@/features/visit/documents';
import type { ActivityKind, ActivityOutcome, CreateDealInput, FieldError, PointsSummary } from '@/graphql/types';

export const DB_NAME = 'podium';
/**
 * Raise by one for every schema change, and add its step to `upgrade`. A new kind of
 * outbox payload is not one: payloads are plain values in the same store, read by kind.
 */
export const DB_VERSION = 1;

// ---------------------------------------------------------------- outbox

export interface PhotoPayload {
  /** The check-in's clientId (the server needs no visit id, so this works offline). */
  visitClientId: string;
  /** Already resized on the phone. */
  blob: Blob;
  contentType: string;
  width: number;
  height: number;
}

/**
 * Which deal a pipeline write is for. A deal opened on the phone has no server id
 * until its createDeal is accepted: `dealId` is null and `dealClientId` names the
 * create; the sync fills `dealId` (and `version`) in when the server answers it.
 */
export interface DealRef {
  dealId: string | null;
  /** The createDeal's clientId, when the deal was opened on this phone (kept after the id is known). */
  dealClientId: string | null;
}

/** Only what the rep changed: an unchanged field can never clash with someone else's edit. */
export interface DealChanges {
  title?: string;
  amount?: string;
  expectedClose?: string;
  probability?: number;
}

/** A stage as the phone showed it when the move was recorded (for the optimistic card and the sync screen). */
export interface StageRef {
  id: string;
  key: string;
  name: string;
  probability: number;
  outcome: 'OPEN' | 'WON' | 'LOST';
}

export interface MoveDealPayload extends DealRef {
  /** The deal's version the move is based on; the sync rebases it onto the rep's own earlier writes. */
  version: number;
  stage: StageRef;
  /** Why it was won or lost (checked on the phone: required for those). */
  reason: string;
}

export interface UpdateDealPayload extends DealRef {
  version: number;
  changes: DealChanges;
}

export interface LogActivityPayload extends DealRef {
  kind: ActivityKind;
  outcome: ActivityOutcome;
  note: string;
  /** When it happened (the rep's phone clock), not when it was sent. */
  occurredAt: string;
}

/** What each kind of write stores; `sentAt` is never stored, it is stamped at each send. */
export interface OutboxPayloads {
  checkIn: Omit<CheckInInput, 'sentAt'>;
  photo: PhotoPayload;
  checkOut: Omit<CheckOutInput, 'sentAt'>;
  createDeal: Omit<CreateDealInput, 'clientId'>;
  moveDeal: MoveDealPayload;
  updateDeal: UpdateDealPayload;
  logActivity: LogActivityPayload;
  /** A customer added where the rep stood; it has no server id until accepted, so no check-in depends on it. */
  addCustomer: Omit<AddCustomerInput, 'clientId'>;
}
export type OutboxKind = keyof OutboxPayloads;

/** pending: waiting its turn (or retrying); conflict: the server refused it, the rep decides. */
export type OutboxState = 'pending' | 'conflict';

interface OutboxItemOf<K extends OutboxKind> {
  /** Auto-increment: the order the writes were recorded in, and so sent in. */
  seq: number;
  kind: K;
  /** Generated on the phone; the server dedupes on it, so a replay changes nothing. */
  clientId: string;
  /** Whose session may send it: a phone shared by two reps never sends one's write as the other. */
  userId: string;
  /** The clientId this write needs on the server first (a photo and a check-out need their check-in). */
  dependsOn: string | null;
  payload: OutboxPayloads[K];
  /** A few words for the sync screen (the customer's name), saved with the write. */
  label: string;
  recordedAt: string;
  state: OutboxState;
  /** The server's typed errors, when in conflict. */
  errors: FieldError[];
  /** Sends that got no answer since the last success or retry. */
  attempts: number;
  lastAttemptAt: string | null;
}
export type OutboxItem = { [K in OutboxKind]: OutboxItemOf<K> }[OutboxKind];
export type OutboxItemOfKind<K extends OutboxKind> = OutboxItemOf<K>;

// ---------------------------------------------------------------- cache

export interface CacheEntry<T = unknown> {
  /** `<userId>:<name>`, e.g. `5:todayPlan`. */
  key: string;
  value: T;
  savedAt: string;
}

// ---------------------------------------------------------------- visits

export interface LocalPhoto {
  clientId: string;
  /** A small JPEG for the preview (the full picture lives in the outbox until sent); null for a photo taken elsewhere. */
  thumb: Blob | null;
  width: number;
  height: number;
  bytes: number;
  /** The server's thumbnail, once uploaded (or when the visit came from the server). */
  thumbUrl: string | null;
}

export interface LocalFix {
  latitude: number;
  longitude: number;
  accuracy: number;
}

/** A visit as the phone knows it: recorded here (maybe not yet sent), and the server's outcome once known. */
export interface LocalVisit {
  /** The check-in's clientId. */
  clientId: string;
  userId: string;
  customer: VisitCustomer;
  checkedInAt: string;
  checkInFix: LocalFix;
  note: string;
  photos: LocalPhoto[];
  checkOutClientId: string | null;
  checkedOutAt: string | null;
  /** The server's view of the visit, the latest one received. */
  server: FieldVisit | null;
  /** Points after the check-in, as the server answered it. */
  points: PointsSummary | null;
}

// ---------------------------------------------------------------- schema

export interface Schema {
  outbox: { key: number; value: OutboxItem; indexes: { clientId: string; userId: string } };
  cache: { key: string; value: CacheEntry };
  visits: { key: string; value: LocalVisit; indexes: { userId: string } };
}
export type StoreName = keyof Schema;

/**
 * Every step from `oldVersion` to DB_VERSION, in order. A new version appends an
 * `if (oldVersion < N)` block; earlier blocks are never edited, since phones in the
 * field may still be on any of them.
 */
export function upgrade(db: IDBDatabase, oldVersion: number): void {
  if (oldVersion < 1) {
    const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    outbox.createIndex('clientId', 'clientId', { unique: true });
    outbox.createIndex('userId', 'userId');
    db.createObjectStore('cache', { keyPath: 'key' });
    const visits = db.createObjectStore('visits', { keyPath: 'clientId' });
    visits.createIndex('userId', 'userId');
  }
}

let opening: Promise<IDBDatabase> | null = null;

export function hasIndexedDb(): boolean {
  return typeof globalThis.indexedDB !== 'undefined';
}

export function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const request = globalThis.indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    request.onsuccess = () => {
      const db = request.result;
      // Another tab opened a newer version: let it upgrade, and reopen on next use.
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    request.onerror = () => {
      opening = null;
      reject(request.error);
    };
    request.onblocked = () => {
      // An older tab holds the database; it closes on `versionchange`, then this proceeds.
    };
  });
  return opening;
}

/** Closes the connection (tests, and before deleting the database). */
export async function closeDb(): Promise<void> {
  const current = opening;
  opening = null;
  if (current) (await current.catch(() => null))?.close();
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** One store inside a transaction, typed by the schema. */
export class Store<N extends StoreName> {
  constructor(private readonly store: IDBObjectStore) {}

  get(key: Schema[N]['key']): Promise<Schema[N]['value'] | undefined> {
    return done(this.store.get(key as IDBValidKey));
  }
  getAll(): Promise<Array<Schema[N]['value']>> {
    return done(this.store.getAll());
  }
  getAllFrom<I extends keyof IndexesOf<N> & string>(index: I, value: IndexesOf<N>[I]): Promise<Array<Schema[N]['value']>> {
    return done(this.store.index(index).getAll(value as IDBValidKey));
  }
  getFrom<I extends keyof IndexesOf<N> & string>(index: I, value: IndexesOf<N>[I]): Promise<Schema[N]['value'] | undefined> {
    return done(this.store.index(index).get(value as IDBValidKey));
  }
  /** Inserts; with an auto-increment key, leave it out and get it back. */
  async add(value: Omit<Schema[N]['value'], 'seq'> | Schema[N]['value']): Promise<Schema[N]['key']> {
    return (await done(this.store.add(value))) as Schema[N]['key'];
  }
  async put(value: Schema[N]['value']): Promise<void> {
    await done(this.store.put(value));
  }
  async delete(key: Schema[N]['key']): Promise<void> {
    await done(this.store.delete(key as IDBValidKey));
  }
}
type IndexesOf<N extends StoreName> = Schema[N] extends { indexes: infer I } ? I : Record<never, never>;

export interface Tx {
  store<N extends StoreName>(name: N): Store<N>;
}

/**
 * Runs `fn` in one transaction over `names` and resolves once it has committed.
 * `fn` may await the stores' requests, but nothing else (IndexedDB commits a
 * transaction that is left without a pending request).
 */
export async function transaction<T>(names: StoreName[], mode: IDBTransactionMode, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const db = await openDb();
  const tx = db.transaction(names, mode);
  const committed = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'));
    tx.onerror = () => reject(tx.error);
  });
  let result: T;
  try {
    result = await fn({ store: (name) => new Store(tx.objectStore(name)) });
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished.
    }
    await committed.catch(() => undefined);
    throw error;
  }
  await committed;
  return result;
}

// ---------------------------------------------------------------- cache helpers

export function cacheKey(userId: string, name: string): string {
  return `${userId}:${name}`;
}

export async function readCache<T>(userId: string, name: string): Promise<CacheEntry<T> | null> {
  if (!hasIndexedDb()) return null;
  try {
    const entry = await transaction(['cache'], 'readonly', (tx) => tx.store('cache').get(cacheKey(userId, name)));
    return (entry as CacheEntry<T> | undefined) ?? null;
  } catch {
    return null;
  }
}

export async function writeCache<T>(userId: string, name: string, value: T, now: Date = new Date()): Promise<void> {
  if (!hasIndexedDb()) return;
  try {
    await transaction(['cache'], 'readwrite', (tx) =>
      tx.store('cache').put({ key: cacheKey(userId, name), value, savedAt: now.toISOString() }),
    );
  } catch {
    // A full or disabled database costs the offline copy, never the screen.
  }
}
