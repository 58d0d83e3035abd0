// Cordon's service worker, registered by the pages that must work through a network drop even after a
// reload: the door guard's (/guard) and the sampler's (/testing/sample). It keeps the app shell (one
// bundle holds every page, so any route opens from it); hashed build assets are served from the cache
// first; pages and the few API reads those pages need (who is signed in, the personal-code public key,
// the sampler's assignments) go to the network first and fall back to their last good answer only
// when the network fails. Everything else (every write, every other API call) goes to the network
// untouched. Signing out forgets the remembered answers.
/* global self, caches -- the service worker's own scope (ServiceWorkerGlobalScope) */
const CACHE = 'cordon-shell-v2';
const NETWORK_FIRST_API = ['/api/v1/auth/me', '/api/v1/auth/session', '/api/v1/codes/public-key', '/api/v1/testing/me/assignments'];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const res = await fetch('/', { cache: 'no-store' });
    if (res.ok) {
      const html = await res.clone().text();
      await cache.put('/', res);
      const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      await cache.addAll(assets);
    }
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

async function networkFirst(request, cacheKey) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(cacheKey, res.clone());
    // Signed out: the remembered answer must not outlive the session.
    else if (res.status === 401) await cache.delete(cacheKey);
    return res;
  } catch (err) {
    const cached = await cache.match(cacheKey);
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== 'GET') {
    if (url.pathname === '/api/v1/auth/logout') event.waitUntil(caches.open(CACHE).then((c) => Promise.all(NETWORK_FIRST_API.map((u) => c.delete(u)))));
    return;
  }
  if (NETWORK_FIRST_API.includes(url.pathname)) {
    event.respondWith(networkFirst(request, url.pathname));
    return;
  }
  if (url.pathname.startsWith('/api/')) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      const cached = await cache.match(request);
      if (cached) return cached;
      const res = await fetch(request);
      if (res.ok) await cache.put(request, res.clone());
      return res;
    })());
    return;
  }
  if (request.mode === 'navigate') event.respondWith(networkFirst(request, '/'));
});
