// ClientIds: every write a phone makes carries one, kept across retries so a replay is never doubled.

/** A fresh id for one write. */
export function newClientId(): string {
  return crypto.randomUUID();
}

/**
 * ClientIds that survive retries. Each slot ("move:42", "create", "payment:7") holds
 * the write in flight or unanswered; sending the same input again reuses its id, so a
 * write the server did apply before the connection dropped is replayed, never doubled.
 * A different input is a new write; an answer from the server (`settle`) ends it.
 */
export class RetryIds {
  private readonly pending = new Map<string, { input: string; clientId: string }>();

  constructor(private readonly newId: () => string = newClientId) {}

  idFor(slot: string, input: unknown): string {
    const key = JSON.stringify(input);
    const current = this.pending.get(slot);
    if (current && current.input === key) return current.clientId;
    const clientId = this.newId();
    this.pending.set(slot, { input: key, clientId });
    return clientId;
  }

  isRetry(slot: string, input: unknown): boolean {
    return this.pending.get(slot)?.input === JSON.stringify(input);
  }

  settle(slot: string): void {
    this.pending.delete(slot);
  }
}
