/** Service worker registration through workbox-window. The only module that imports it. */
import { Workbox } from 'workbox-window'

export interface UpdateHooks {
  /** A new version is waiting; call `activate` to switch to it (the page then reloads). */
  onUpdateReady?(activate: () => void): void
}

export const registerServiceWorker = (hooks: UpdateHooks = {}): void => {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return
  const workbox = new Workbox(new URL('sw.js', document.baseURI).href)
  workbox.addEventListener('waiting', () => {
    hooks.onUpdateReady?.(() => {
      workbox.addEventListener('controlling', () => location.reload())
      workbox.messageSkipWaiting()
    })
  })
  workbox.register().catch(() => {
    // No service worker (private mode, file://): Ferry still works, only not offline.
  })
}
