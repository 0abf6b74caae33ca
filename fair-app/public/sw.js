// The booth app's service worker: the app shell (this page and its hashed assets) is cached at install
// and served from the cache first, so the app opens without a connection. API calls are never cached
// here: the app keeps its data (the day's visitors, captures waiting to sync) in IndexedDB itself.
const CACHE = 'kessler-fair-v1'
const SHELL = ['/fair/', '/fair/manifest.webmanifest', '/fair/icon.svg', '/fair/icon-512.png']

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE)
      await cache.addAll(SHELL)
      // The page names its hashed scripts and styles: cache them too, so the first offline start works.
      const html = await (await cache.match('/fair/')).text()
      const assets = [...html.matchAll(/(?:src|href)="(\/fair\/assets\/[^"]+)"/g)].map((m) => m[1])
      await cache.addAll(assets)
      await self.skipWaiting()
    })(),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key)
      await self.clients.claim()
    })(),
  )
})

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/fair/')) return
  if (event.request.mode === 'navigate') {
    // The page: fresh when online (a new version), the cached shell when not.
    event.respondWith(fetch(event.request).then((response) => {
      const copy = response.clone()
      if (response.ok) caches.open(CACHE).then((cache) => cache.put('/fair/', copy))
      return response
    }).catch(() => caches.match('/fair/')))
    return
  }
  event.respondWith(caches.match(event.request).then((hit) => hit ?? fetch(event.request).then((response) => {
    if (response.ok && url.pathname.startsWith('/fair/assets/')) {
      const copy = response.clone()
      caches.open(CACHE).then((cache) => cache.put(event.request, copy))
    }
    return response
  })))
})
