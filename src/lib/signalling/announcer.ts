/**
 * Meeting a device again after a drop. Trystero's Nostr strategy announces a room once a minute
 * once it is settled, and does not announce after a connection closes (its shared-peer close handler
 * replaces the one that would: node_modules/@trystero-p2p/core/dist/strategy.mjs, disconnectPeer),
 * so two devices that stay in the room after losing their connection could wait a minute or more
 * to meet again. While a transfer waits for its device, this schedules a few extra announcements,
 * soon at first and then further apart, and one more whenever a relay connection comes back (a
 * device that was offline missed the earlier ones). A device that reloads joins afresh and
 * announces by itself; an announcement never disturbs a connection being made.
 *
 * Also, a connection that failed midway (Trystero's handshake timing out on a busy device) is tried
 * again only when one of the two announces: one announcement soon after such a failure makes that
 * seconds rather than a minute.
 *
 * Bounded for relay etiquette: at most `waitingAnnounceDelaysMs.length` announcements per wait and
 * relay reconnection, and one retry per `retryGapMs`, after which Trystero's steady announcements
 * carry on.
 */

/** Waits between announcements while a transfer waits: 1, 4, 11, 26 and 56 s after the drop. */
export const waitingAnnounceDelaysMs: readonly number[] = [1000, 3000, 7000, 15_000, 30_000]

/** A retry after a failed connection: announced this long after the failure... */
export const retryDelayMs = 1000
/** ...and at most once in this long, however many connections fail. */
export const retryGapMs = 10_000

export interface WaitAnnouncer {
  /** A transfer's latest state: whether it waits for its device to come back. */
  track(transferId: string, waiting: boolean): void
  /** More relay connections are open than before: announce at once if a transfer waits. */
  relaysReopened(): void
  /** A connection with a device failed midway: announce once soon, so that it is tried again. */
  retrySoon(): void
  stop(): void
}

export interface WaitAnnouncerDeps {
  /** Announces this device in every room it is in. */
  announce(): void
  setTimeout(callback: () => void, ms: number): unknown
}

export const createWaitAnnouncer = (deps: WaitAnnouncerDeps): WaitAnnouncer => {
  const waiting = new Set<string>()
  /** Bumped to cancel the schedule in flight: a timer of an older round does nothing. */
  let round = 0
  let scheduled = false
  let stopped = false
  let retryPending = false

  const schedule = (own: number, step: number) => {
    const delay = waitingAnnounceDelaysMs[step]
    if (delay === undefined) {
      scheduled = false
      return
    }
    scheduled = true
    deps.setTimeout(() => {
      if (own !== round) return
      deps.announce()
      schedule(own, step + 1)
    }, delay)
  }

  const restart = () => {
    round++
    schedule(round, 0)
  }

  return {
    track: (transferId, isWaiting) => {
      if (stopped) return
      if (!isWaiting) {
        if (waiting.delete(transferId) && waiting.size === 0) {
          // Nothing waits any more: the schedule in flight ends.
          round++
          scheduled = false
        }
        return
      }
      if (waiting.has(transferId)) return
      waiting.add(transferId)
      // A new wait starts the schedule over unless one is running (the same drop, seen by
      // several transfers).
      if (!scheduled) restart()
    },
    relaysReopened: () => {
      if (stopped || waiting.size === 0) return
      deps.announce()
      restart()
    },
    retrySoon: () => {
      if (stopped || retryPending) return
      retryPending = true
      deps.setTimeout(() => {
        if (!stopped) deps.announce()
        deps.setTimeout(() => (retryPending = false), retryGapMs - retryDelayMs)
      }, retryDelayMs)
    },
    stop: () => {
      stopped = true
      round++
      scheduled = false
      waiting.clear()
    },
  }
}
