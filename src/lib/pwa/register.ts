/** Service worker registration through workbox-window. The only module that imports it. */
import { Workbox } from 'workbox-window'
import { registrationMoment } from './register-moment.ts'

export interface UpdateHooks {
  /**
   * A new version is installed and waiting. Nothing happens until `activate` is called: the new
   * version then takes over and the page reloads into it.
   */
  onUpdateReady?(activate: () => void): void
}

/** How often an open page asks the server whether a new version was deployed. */
const updateCheckIntervalMs = 60 * 60 * 1000

export const registerServiceWorker = (hooks: UpdateHooks = {}): void => {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return
  const workbox = new Workbox(new URL('sw.js', document.baseURI).href)
  workbox.addEventListener('waiting', () => {
    hooks.onUpdateReady?.(() => {
      workbox.addEventListener('controlling', () => location.reload())
      workbox.messageSkipWaiting()
    })
  })
  const loaded =
    document.readyState === 'complete'
      ? Promise.resolve()
      : new Promise<void>((resolve) => addEventListener('load', () => resolve(), { once: true }))
  // Not while the page starts and joins its room (register-moment.ts).
  registrationMoment({
    loaded,
    isHidden: () => document.visibilityState === 'hidden',
    watchVisibility: (listener) => {
      document.addEventListener('visibilitychange', listener)
      return () => document.removeEventListener('visibilitychange', listener)
    },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
  })
    .then(() => workbox.register())
    .then(
      () => {
        // A page left open for days still hears of new versions: on return to it, and now and then.
        const check = () => void workbox.update().catch(() => undefined)
        setInterval(check, updateCheckIntervalMs)
        document.addEventListener('visibilitychange', () => {
          if (document.visibilityState === 'visible') check()
        })
      },
      () => {
        // No service worker (private mode, file://): Ferry still works, only not offline.
      },
    )
}
