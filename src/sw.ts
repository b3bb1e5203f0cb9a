/// <reference lib="webworker" />
/** Ferry's service worker: serves the precached app shell so Ferry starts offline. */
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { actionParam, sharedParam } from './lib/pwa/launch.ts'
import {
  isOwnShare,
  newShareId,
  sharedItemsFromForm,
  shareTargetPath,
} from './lib/pwa/share-target.ts'
import { createShareInbox } from './lib/storage/share-inbox.ts'

declare const self: ServiceWorkerGlobalScope

// The list is generated at build time by vite-plugin-pwa; nothing is listed by hand.
precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')))

/**
 * The serve-time config (config.json, see README) always comes from the server when it answers;
 * the last copy it served is kept only for starting offline, so that once the network is back the
 * app talks to the relays it was configured with rather than to the defaults.
 */
const configCacheName = 'ferry-config'
const configUrl = new URL('config.json', self.registration.scope).href

const refreshConfig = async (request: Request | string): Promise<Response> => {
  const response = await fetch(request, { cache: 'no-store' })
  const cache = await caches.open(configCacheName)
  if (response.ok) await cache.put(configUrl, response.clone())
  else if (response.status === 404) await cache.delete(configUrl)
  return response
}

registerRoute(
  ({ url }) => url.href === configUrl,
  async ({ request }) => {
    try {
      return await refreshConfig(request)
    } catch (error) {
      const cached = await caches.match(configUrl, { cacheName: configCacheName })
      if (cached) return cached
      throw error
    }
  },
)

/**
 * The OS share menu posts files and text here (the manifest's share_target). They are kept in the
 * share inbox, and the app opens with the share's id in its address, takes them out and stages them
 * for sending. 303 turns the POST into a GET, so a reload does not post again. A post another site
 * makes (a cross-site form) is refused: see isOwnShare.
 */
const shareTargetUrl = new URL(shareTargetPath, self.registration.scope).href
const shareInbox = createShareInbox()

registerRoute(
  ({ url }) => url.href === shareTargetUrl,
  async ({ request }) => {
    const app = new URL('./', self.registration.scope)
    if (!isOwnShare(request, self.location.origin)) {
      return new Response('Ferry takes shares from this device’s share menu only.', {
        status: 403,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      })
    }
    try {
      const id = newShareId()
      await shareInbox.put(id, sharedItemsFromForm(await request.formData()))
      app.searchParams.set(sharedParam, id)
    } catch {
      app.searchParams.set(actionParam, 'share-failed')
    }
    return Response.redirect(app.href, 303)
  },
  'POST',
)

self.addEventListener('install', (event: ExtendableEvent) => {
  // The page that installed this worker fetched config.json before the worker existed.
  event.waitUntil(
    refreshConfig(configUrl).then(
      () => undefined,
      () => undefined,
    ),
  )
})

// The first install takes over the open page at once, so it works offline from then on. A later
// version waits until the person agrees to reload (src/lib/pwa/register.ts).
self.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(self.clients.claim())
})

// A notification of an offer (src/ui/notify.ts) brings Ferry to the front.
self.addEventListener('notificationclick', (event: NotificationEvent) => {
  event.notification.close()
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (windows) => {
      const open = windows[0]
      if (open) await open.focus()
      else await self.clients.openWindow(self.registration.scope)
    }),
  )
})

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting()
})
