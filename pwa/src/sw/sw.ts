/// <reference lib="WebWorker" />
// Podium's service worker: precaches the app shell and serves it when offline.
// API traffic (/graphql) is never touched: stale data would be worse than none.

declare const self: ServiceWorkerGlobalScope;
/** Every file of the built shell, written in at build time (build/service-worker.ts). */
declare const __PRECACHE_URLS__: string[];
/** Content hash of those files: a new deploy means a new cache. */
declare const __CACHE_VERSION__: string;

const CACHE_PREFIX = 'podium-shell-';
const CACHE = `${CACHE_PREFIX}${__CACHE_VERSION__}`;
const SHELL_URL = '/index.html';
// On a weak network a navigation waits this long before the cached shell answers.
const NAVIGATION_TIMEOUT_MS = 4000;

const precached = new Set(__PRECACHE_URLS__);

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `reload` so a stale HTTP cache entry never ends up in the shell.
      await cache.addAll(__PRECACHE_URLS__.map((url) => new Request(url, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== CACHE).map((n) => caches.delete(n)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Downloads (/api/…, e.g. the payroll export) are never answered with the cached shell either.
  if (url.pathname === '/graphql' || url.pathname.startsWith('/graphql/') || url.pathname.startsWith('/api/')) return;

  if (request.mode === 'navigate') {
    event.respondWith(navigation(request));
  } else if (precached.has(url.pathname)) {
    event.respondWith(fromCache(request, url.pathname));
  }
});

/** Network first so a deploy shows up at once; the cached shell when offline or slow. */
async function navigation(request: Request): Promise<Response> {
  const network = fetch(request);
  const timeout = new Promise<undefined>((resolve) =>
    setTimeout(() => resolve(undefined), NAVIGATION_TIMEOUT_MS),
  );
  try {
    const response = await Promise.race([network, timeout]);
    if (response) return response;
  } catch {
    // Offline: fall through to the cached shell.
  }
  const cached = await caches.match(SHELL_URL, { cacheName: CACHE });
  if (cached) return cached;
  return network; // Nothing cached yet: let the browser show its own error.
}

/** Hashed assets never change under the same name, so the cache is always right. */
async function fromCache(request: Request, path: string): Promise<Response> {
  const cached = await caches.match(path, { cacheName: CACHE });
  return cached ?? fetch(request);
}

/** What the server pushes (backend/podium/push/service.py Message): every path on our origin. */
interface PushPayload {
  title: string;
  body: string;
  url: string;
  tag: string;
  image?: string;
  kind?: string;
}

const ICON = '/icons/icon-192.png';

/** Only a path of our own origin is ever opened from a notification. */
function ownPath(url: unknown): string {
  if (typeof url !== 'string' || !url.startsWith('/') || url.startsWith('//')) return '/';
  return url;
}

function parsePush(data: PushMessageData | null): PushPayload | null {
  if (!data) return null;
  try {
    const value = data.json() as Partial<PushPayload>;
    if (typeof value.title !== 'string') return null;
    return {
      title: value.title,
      body: typeof value.body === 'string' ? value.body : '',
      url: ownPath(value.url),
      tag: typeof value.tag === 'string' ? value.tag : '',
      image: typeof value.image === 'string' && value.image.startsWith('/') ? value.image : undefined,
      kind: value.kind,
    };
  } catch {
    return null;
  }
}

self.addEventListener('push', (event) => {
  const payload = parsePush(event.data);
  if (!payload) return;
  // `image` is not in TypeScript's NotificationOptions yet; Chrome and Edge show it, others ignore it.
  const options: NotificationOptions & { image?: string } = {
    body: payload.body,
    icon: ICON,
    badge: ICON,
    image: payload.image,
    tag: payload.tag || undefined,
    data: { url: payload.url },
  };
  event.waitUntil(self.registration.showNotification(payload.title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = ownPath((event.notification.data as { url?: unknown } | null)?.url);
  event.waitUntil(
    (async () => {
      const target = new URL(path, self.location.origin).href;
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((c) => new URL(c.url).origin === self.location.origin);
      if (open) {
        // The app routes by URL: navigating the open window shows the right screen, with its session.
        const focused = await open.focus();
        await (focused ?? open).navigate(target).catch(() => self.clients.openWindow(target));
        return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});

export {};
