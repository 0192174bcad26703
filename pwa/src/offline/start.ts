import { prefetchFieldData } from '@/features/visit/field-data';
import { hasIndexedDb } from '@/offline/db';
import { startSync, stopSync } from '@/offline/sync';
import { httpTransport } from '@/offline/transport';
import { pruneVisits } from '@/offline/visits';

let preparedFor: string | null = null;

/**
 * Follows who is signed in: sends their outbox (and only theirs), and saves the
 * field data once per session so a visit works offline even if /visit was never opened.
 */
export function followSession(userId: string | null): void {
  if (!hasIndexedDb()) return;
  if (userId === null) {
    stopSync();
    preparedFor = null;
    return;
  }
  startSync({ userId, transport: httpTransport });
  if (preparedFor !== userId) {
    preparedFor = userId;
    void prefetchFieldData(userId);
    void pruneVisits(userId).catch(() => undefined);
  }
}
