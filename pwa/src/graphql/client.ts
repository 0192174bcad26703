import { createClient, type Client } from 'graphql-ws';

// GraphQL over HTTP for queries and mutations, and over one shared WebSocket
// (graphql-transport-ws) for subscriptions. Both are same-origin and ride on the
// session cookie, so there is no token to handle here.

export const GRAPHQL_PATH = '/graphql';

export type Variables = Record<string, unknown>;

interface GraphQLErrorPayload {
  message: string;
  extensions?: { code?: string };
}

/** The request never got an answer (offline, DNS, server down, 5xx proxy page). */
export class NetworkError extends Error {
  constructor(cause?: unknown) {
    super('network error', { cause });
    this.name = 'NetworkError';
  }
}

/** The server answered with top-level GraphQL errors (bugs, auth), not typed results. */
export class GraphQLRequestError extends Error {
  readonly codes: string[];
  constructor(readonly errors: GraphQLErrorPayload[]) {
    super(errors.map((e) => e.message).join('; ') || 'GraphQL error');
    this.name = 'GraphQLRequestError';
    this.codes = errors.map((e) => e.extensions?.code ?? '').filter(Boolean);
  }
  get unauthenticated(): boolean {
    return this.codes.includes('UNAUTHENTICATED');
  }
}

type Listener<T> = (value: T) => void;

let onUnauthenticated: () => void = () => {};
let checkSession: () => void = () => {};

/** Called when the server says the session is gone (expired, logged out elsewhere). */
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn;
}

/** A plain HTTP call (a photo upload) got 401: the same as UNAUTHENTICATED from GraphQL. */
export function reportUnauthenticated(): void {
  onUnauthenticated();
}

/**
 * Called when the socket keeps failing to connect: the server refuses the upgrade
 * of a signed-out browser with a plain HTTP error, which looks like any network
 * failure, so the app asks over HTTP whether the session is still there.
 */
export function setSessionCheck(fn: () => void): void {
  checkSession = fn;
}

export async function request<T>(query: string, variables: Variables = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  let body: { data?: T | null; errors?: GraphQLErrorPayload[] };
  try {
    body = await response.json();
  } catch (error) {
    // An HTML error page from a proxy, or a cut connection: treat as unreachable.
    throw new NetworkError(error);
  }
  if (body.errors?.length) {
    const error = new GraphQLRequestError(body.errors);
    if (error.unauthenticated) onUnauthenticated();
    throw error;
  }
  if (!response.ok || body.data == null) throw new NetworkError(response.status);
  return body.data;
}

// ---------------------------------------------------------------------------
// Subscriptions

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Exponential backoff with jitter, 1 s doubling up to 30 s. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.5 + random() / 2));
}

function socketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${GRAPHQL_PATH}`;
}

let client: Client | null = null;
let state: ConnectionState = 'closed';
let connectionEpoch = 0;
let failedConnects = 0;
let lastSessionCheck = 0;
const SESSION_CHECK_INTERVAL_MS = 30_000;
let liveSubscriptions = 0;
const stateListeners = new Set<Listener<ConnectionState>>();

function setState(next: ConnectionState): void {
  if (next === state) return;
  state = next;
  stateListeners.forEach((fn) => fn(state));
}

/** Whether any screen is subscribed; without one the (lazy) socket is closed on purpose. */
export function hasLiveSubscriptions(): boolean {
  return liveSubscriptions > 0;
}

export function connectionState(): ConnectionState {
  return state;
}

export function onConnectionState(fn: Listener<ConnectionState>): () => void {
  stateListeners.add(fn);
  fn(state);
  return () => stateListeners.delete(fn);
}

/**
 * Increases on every (re)connection. The server re-sends a full snapshot after
 * each one, whose version may restart (a new server), so stale-frame checks
 * compare versions only within one epoch.
 */
export function currentEpoch(): number {
  return connectionEpoch;
}

function getClient(): Client {
  client ??= createClient({
    url: socketUrl(),
    lazy: true,
    // Boards switch subscriptions in quick succession; keep the socket meanwhile.
    lazyCloseTimeout: 5000,
    keepAlive: 20_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, backoffDelay(retries))),
    on: {
      connecting: () => setState('connecting'),
      connected: () => {
        connectionEpoch += 1;
        failedConnects = 0;
        setState('open');
      },
      closed: () => {
        if (state !== 'open') failedConnects += 1;
        setState('closed');
        if (failedConnects >= 2 && Date.now() - lastSessionCheck > SESSION_CHECK_INTERVAL_MS) {
          lastSessionCheck = Date.now();
          checkSession();
        }
      },
    },
  });
  return client;
}

/** Closes the socket and forgets it; the next subscription opens a new one (new cookie). */
export function resetSubscriptions(): void {
  const old = client;
  client = null;
  old?.dispose();
  setState('closed');
}

export interface SubscriptionHandlers<T> {
  next: (data: T, epoch: number) => void;
  /** A fatal error ended this subscription; it is retried, but callers may want to know. */
  error?: (error: unknown) => void;
}

/**
 * Subscribes for as long as the returned function is not called. graphql-ws
 * already reconnects and re-subscribes; this also restarts subscriptions that
 * end for good (fatal close codes, server errors), because a wall TV must keep
 * going for weeks without anyone touching it.
 */
export function subscribe<T>(
  query: string,
  variables: Variables,
  handlers: SubscriptionHandlers<T>,
): () => void {
  let stopped = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void) | undefined;

  const restart = (error?: unknown) => {
    if (stopped) return;
    if (error) handlers.error?.(error);
    setState('closed');
    retryTimer = setTimeout(start, backoffDelay(attempt++));
  };

  function start(): void {
    if (stopped) return;
    unsubscribe = getClient().subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors?.length) {
            const error = new GraphQLRequestError(result.errors as GraphQLErrorPayload[]);
            if (error.unauthenticated) onUnauthenticated();
            handlers.error?.(error);
            return;
          }
          if (result.data) {
            attempt = 0;
            handlers.next(result.data, connectionEpoch);
          }
        },
        error: (error) => restart(error ?? new Error('subscription error')),
        complete: () => restart(),
      },
    );
  }

  start();
  liveSubscriptions += 1;
  stateListeners.forEach((fn) => fn(state));
  return () => {
    if (stopped) return;
    liveSubscriptions -= 1;
    stateListeners.forEach((fn) => fn(state));
    stopped = true;
    clearTimeout(retryTimer);
    unsubscribe?.();
  };
}
