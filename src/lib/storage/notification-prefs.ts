/** Whether the person asked to be notified of offers while Ferry is in the background. */
import { get, set } from 'idb-keyval'

const notifyOnOfferKey = 'ferry:notify-on-offer'

export interface NotificationPrefs {
  load(): Promise<boolean>
  save(on: boolean): Promise<void>
}

/** Storage can be missing (private modes): then the choice lasts for this visit. */
export const createNotificationPrefs = (): NotificationPrefs => ({
  load: async () => {
    try {
      return (await get(notifyOnOfferKey)) === true
    } catch {
      return false
    }
  },
  save: async (on) => {
    try {
      await set(notifyOnOfferKey, on)
    } catch {
      // Not persisted.
    }
  },
})
