import { backoffDelay } from '@/graphql/client';
import { codeNeedsRefresh, formatCode } from '@/features/tv/logic';
import { t } from '@/i18n';
import { h, Texts, tx } from '@/ui/dom';

// An unpaired TV: it asks for a code (plain HTTP, no session), shows it large and polls
// with the code's secret until a manager has entered it on a phone. The answer that
// says "paired" sets the display cookie; the caller then starts the playlist.

interface Ticket {
  code: string;
  secret: string;
  expiresAt: string;
  pollSeconds: number;
}

type ClaimStatus = 'waiting' | 'paired' | 'expired';

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

async function post<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  if (!response.ok) throw new HttpStatusError(response.status);
  return (await response.json()) as T;
}

const startPairing = () => post<Ticket>('/api/displays/pairings');
const claimPairing = (secret: string) => post<{ status: ClaimStatus }>('/api/displays/pairings/claim', { secret });

/** Shows a pairing code in `root` until the TV is paired (`onPaired`). Returns a stopper. */
export function pairingView(root: HTMLElement, onPaired: () => void): () => void {
  const texts = new Texts();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let ticket: Ticket | null = null;

  const code = h('p', { class: 'tv-pair-code', 'data-testid': 'pairing-code', 'aria-live': 'polite' }, '······');
  const note = h('p', { class: 'tv-pair-note', role: 'status' });
  root.replaceChildren(
    h(
      'section',
      { class: 'tv-pair', 'data-testid': 'tv-pairing' },
      h('img', { class: 'tv-pair-mark', src: '/icons/icon.svg', alt: '' }),
      tx(texts, 'h1', 'tv.pair.title', { class: 'tv-pair-title' }),
      tx(texts, 'p', 'tv.pair.steps', { class: 'tv-pair-steps' }),
      code,
      note,
    ),
  );

  const later = (fn: () => void, ms: number) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(fn, ms);
  };

  const showTicket = () => {
    if (!ticket) return;
    code.textContent = formatCode(ticket.code);
    code.dataset.code = ticket.code;
    note.textContent = t('tv.pair.waiting');
  };
  texts.on(showTicket);

  const fresh = async () => {
    try {
      ticket = await startPairing();
      failures = 0;
      showTicket();
      later(poll, ticket.pollSeconds * 1000);
    } catch (error) {
      ticket = null;
      code.textContent = '······';
      delete code.dataset.code;
      // Rate-limited: the window is minutes long, so wait a full minute; otherwise back off from a second.
      const limited = error instanceof HttpStatusError && error.status === 429;
      note.textContent = t(limited ? 'tv.pair.busy' : 'tv.pair.offline');
      later(() => void fresh(), limited ? 60_000 : backoffDelay(failures++));
    }
  };

  const poll = async () => {
    if (!ticket) return void fresh();
    if (codeNeedsRefresh(ticket.expiresAt)) return void fresh();
    try {
      const { status } = await claimPairing(ticket.secret);
      if (stopped) return;
      failures = 0;
      if (status === 'paired') {
        note.textContent = t('tv.pair.paired');
        stopped = true;
        onPaired();
        return;
      }
      if (status === 'expired') return void fresh();
      note.textContent = t('tv.pair.waiting');
      later(() => void poll(), ticket.pollSeconds * 1000);
    } catch {
      // The server is away: keep the code on screen (it stays valid) and ask again.
      note.textContent = t('tv.pair.offline');
      later(() => void poll(), backoffDelay(failures++));
    }
  };

  void fresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
    texts.dispose();
  };
}
