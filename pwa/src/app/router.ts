// History API routing: the server answers every app path with index.html.

export interface AppLocation {
  path: string;
  params: URLSearchParams;
}

type Listener = (location: AppLocation) => void;

let listener: Listener = () => {};

export function currentLocation(): AppLocation {
  return { path: normalizePath(window.location.pathname), params: new URLSearchParams(window.location.search) };
}

export function normalizePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : '/';
}

export function navigate(to: string, { replace = false } = {}): void {
  const url = new URL(to, window.location.origin);
  const target = url.pathname + url.search + url.hash;
  if (replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  listener(currentLocation());
}

/** Updates the query string without re-rendering (tab state kept in the URL). */
export function replaceParams(params: URLSearchParams): void {
  const search = params.toString();
  window.history.replaceState(null, '', window.location.pathname + (search ? `?${search}` : ''));
}

/**
 * Where to go after signing in. Only same-origin paths are followed, so
 * `/login?next=https://evil.example` cannot send anyone elsewhere.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?')) return '/';
  return next;
}

export function loginPathFor(location: { pathname: string; search: string }): string {
  const here = location.pathname + location.search;
  return here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

function onClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

export function startRouter(onChange: Listener): void {
  listener = onChange;
  window.addEventListener('popstate', () => listener(currentLocation()));
  document.addEventListener('click', onClick);
  listener(currentLocation());
}
