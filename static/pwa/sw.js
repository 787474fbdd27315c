// The service worker: keeps the app shell for offline starts and sends the outbox by Background Sync.
// It never touches IndexedDB's stores on update, so unsent work survives every new version.
import { flush } from "./js/sync.js";

const VERSION = "__SHELL_VERSION__";
const CACHE = `osi-shell-${VERSION}`;
const SHELL = [
  "/app/", "/app/app.css", "/app/manifest.webmanifest", "/app/icons/icon-192.png", "/app/icons/icon-512.png",
  "/app/js/app.js", "/app/js/api.js", "/app/js/db.js", "/app/js/drafts.js", "/app/js/dom.js", "/app/js/form.js", "/app/js/i18n.js",
  "/app/js/outlet.js", "/app/js/finding.js", "/app/js/responses.js", "/app/js/photos.js", "/app/js/scoring.js", "/app/js/signature.js", "/app/js/sync.js",
  "/app/js/complaint_outbox.js", "/app/js/complaints.js", "/app/js/complaint_form.js", "/app/js/complaint_detail.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("osi-shell-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !url.pathname.startsWith("/app/")) return;
  const key = event.request.mode === "navigate" ? "/app/" : url.pathname;
  event.respondWith((async () => {
    const cached = await caches.match(key, { ignoreSearch: true });
    if (cached) return cached;
    const response = await fetch(event.request);
    if (response.ok && SHELL.includes(key)) (await caches.open(CACHE)).put(key, response.clone());
    return response;
  })());
});

self.addEventListener("sync", (event) => {
  if (event.tag !== "osi-outbox") return;
  event.waitUntil(flush().then(async () => {
    for (const client of await self.clients.matchAll()) client.postMessage("outbox-flushed");
  }));
});
