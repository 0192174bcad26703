// What a rep needs in the field, from the server when it answers and from the
// phone's copy when it does not: today's plan and the customers. Every good answer
// replaces the copy; a copy shown says when it was saved.
import {
  FIELD_CUSTOMERS_QUERY,
  TODAY_PLAN_QUERY,
  type TodayPlan,
  type VisitCustomer,
} from '@/features/visit/documents';
import { matchesSearch } from '@/features/visit/logic';
import { NetworkError, request } from '@/graphql/client';
import type { GeoPoint } from '@/graphql/types';
import { formatTime } from '@/i18n';
import { readCache, writeCache } from '@/offline/db';

/** The customers kept for offline search: the nearest ones when a position is known. */
export const CACHED_CUSTOMERS = 100;

export interface Loaded<T> {
  value: T;
  /** When the phone's copy was saved; null when the server just answered. */
  savedAt: string | null;
}

async function networkFirst<T>(userId: string, name: string, load: () => Promise<T>, save = true): Promise<Loaded<T>> {
  try {
    const value = await load();
    if (save) await writeCache(userId, name, value);
    return { value, savedAt: null };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    const cached = await readCache<T>(userId, name);
    if (!cached) throw error;
    return { value: cached.value, savedAt: cached.savedAt };
  }
}

export function loadTodayPlan(userId: string, near: GeoPoint | null): Promise<Loaded<TodayPlan>> {
  return networkFirst(userId, 'todayPlan', async () => (await request<{ todayPlan: TodayPlan }>(TODAY_PLAN_QUERY, { near })).todayPlan);
}

/** Searched on the server when it answers; offline, in the saved list (and today's plan). */
export async function loadCustomers(userId: string, near: GeoPoint | null, search: string, first: number): Promise<Loaded<VisitCustomer[]>> {
  const term = search.trim();
  try {
    const loaded = await networkFirst(
      userId,
      'customers',
      async () =>
        (await request<{ customers: VisitCustomer[] }>(FIELD_CUSTOMERS_QUERY, { near, search: term || null, first: term ? first : CACHED_CUSTOMERS }))
          .customers,
      !term,
    );
    if (loaded.savedAt === null) return { value: loaded.value.slice(0, first), savedAt: null };
    return { value: loaded.value.filter((c) => matchesSearch(c, term)).slice(0, first), savedAt: loaded.savedAt };
  } catch (error) {
    // Offline with a search and no saved list: today's plan may still have the customer.
    const plan = await readCacheOrNull<TodayPlan>(userId, 'todayPlan');
    if (!plan || !(error instanceof NetworkError)) throw error;
    return { value: plan.value.stops.map((s) => s.customer).filter((c) => matchesSearch(c, term)).slice(0, first), savedAt: plan.savedAt };
  }
}

async function readCacheOrNull<T>(userId: string, name: string): Promise<{ value: T; savedAt: string } | null> {
  return readCache<T>(userId, name);
}

/** Saves the field data once a session starts online, so the first offline visit has it. */
export async function prefetchFieldData(userId: string): Promise<void> {
  await Promise.allSettled([loadTodayPlan(userId, null), loadCustomers(userId, null, '', CACHED_CUSTOMERS)]);
}

/** "10:32" today, "Nov 21, 10:32" before (in the org's zone). */
export function savedWhen(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const day = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;
  if (formatTime(date, day) === formatTime(now, day)) return formatTime(date);
  return formatTime(date, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
