// Agora's service worker: hashed assets cache-first (they never change), pages from the
// network with a small offline notice when there is none. API calls are never cached.
const ASSETS = "agora-assets-v1";

self.addEventListener("install", (event) => { self.skipWaiting(); });
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== ASSETS).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (url.pathname.startsWith("/pkg/") || url.pathname.startsWith("/icons/")) {
    event.respondWith(
      caches.open(ASSETS).then(async (cache) => {
        const hit = await cache.match(request);
        if (hit) return hit;
        const response = await fetch(request);
        if (response.ok) cache.put(request, response.clone());
        return response;
      })
    );
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(() => new Response(
        "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'><title>Offline · Agora</title>" +
        "<body style='font-family:system-ui;max-width:28rem;margin:5rem auto;padding:0 1rem'><h1>You're offline</h1>" +
        "<p>Agora will be back as soon as your connection is.</p><button onclick='location.reload()'>Try again</button>",
        { headers: { "Content-Type": "text/html; charset=utf-8" } }
      ))
    );
  }
});
