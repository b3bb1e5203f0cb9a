/**
 * System notifications for offers that arrive while Ferry is in the background. Permission is asked
 * only when the person turns them on (a click), never on load.
 */
import type { NotificationPrefs } from '../lib/storage/notification-prefs.ts'

export type NotifyState =
  /** The browser has no notifications. */
  | 'unsupported'
  /** The person or the browser blocked them for this site: only the browser's settings undo it. */
  | 'blocked'
  | 'off'
  | 'on'

export interface Notifier {
  state(): Promise<NotifyState>
  /** Asks for permission if needed; call it from a click. Returns the state after. */
  turnOn(): Promise<NotifyState>
  turnOff(): Promise<void>
  /** Calls back when the site's notification permission changes (e.g. in the browser's settings). */
  watch(onchange: () => void): void
  /** Shows one notification (when on); tag replaces an earlier one with the same tag. */
  show(title: string, body: string, tag: string): void
}

const supported = () => typeof Notification !== 'undefined'

export const createNotifier = (prefs: NotificationPrefs, iconUrl: string): Notifier => {
  let on = false
  const state = async (): Promise<NotifyState> => {
    if (!supported()) return 'unsupported'
    if (Notification.permission === 'denied') return 'blocked'
    on = Notification.permission === 'granted' && (await prefs.load())
    return on ? 'on' : 'off'
  }
  return {
    state,
    turnOn: async () => {
      if (!supported()) return 'unsupported'
      const permission =
        Notification.permission === 'default'
          ? await Notification.requestPermission()
          : Notification.permission
      if (permission !== 'granted') return permission === 'denied' ? 'blocked' : 'off'
      await prefs.save(true)
      on = true
      return 'on'
    },
    watch: (onchange) => {
      if (!supported() || !('permissions' in navigator)) return
      navigator.permissions.query({ name: 'notifications' }).then(
        (status) => status.addEventListener('change', onchange),
        () => undefined,
      )
    },
    turnOff: async () => {
      on = false
      await prefs.save(false)
    },
    show: (title, body, tag) => {
      if (!on || !supported() || Notification.permission !== 'granted') return
      const options = { body, tag, icon: iconUrl }
      // Android shows notifications only through a service worker; elsewhere a page may.
      const viaWorker =
        'serviceWorker' in navigator && navigator.serviceWorker.controller
          ? navigator.serviceWorker.ready.then((registration) =>
              registration.showNotification(title, options),
            )
          : Promise.reject(new Error('no service worker'))
      viaWorker.catch(() => {
        try {
          const notification = new Notification(title, options)
          notification.onclick = () => {
            window.focus()
            notification.close()
          }
        } catch {
          // Not allowed from a page here: the title still shows the count.
        }
      })
    },
  }
}
