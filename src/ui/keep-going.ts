/**
 * Keeps a transfer going while it runs: the screen stays awake (Screen Wake Lock, where the browser
 * has it), closing or reloading the page asks first, and a transfer that made no progress while the
 * page was hidden (the OS paused it) is reported when the page returns. The browser's APIs are
 * injected, so this runs in tests without them.
 */

interface WakeLockHandle {
  release(): Promise<void>
}

export interface KeepGoingDeps {
  /** navigator.wakeLock.request('screen'), or null where there is none. */
  requestWakeLock: (() => Promise<WakeLockHandle>) | null
  isHidden(): boolean
  nowMs(): number
  /** A running transfer made no progress for a while, and the page was hidden meanwhile. */
  onStalled(): void
}

/** No progress for this long while hidden counts as paused by the OS. */
export const stallMs = 5_000

export interface KeepGoing {
  /** The running transfers' state, on every change: whether any runs, and their bytes so far. */
  update(running: boolean, bytesDone: number): void
  /** After a visibilitychange event. */
  visibilityChanged(): void
  /** Whether leaving the page now must be confirmed (beforeunload). */
  shouldConfirmLeaving(): boolean
  destroy(): void
}

export const createKeepGoing = (deps: KeepGoingDeps): KeepGoing => {
  let running = false
  let bytesDone = 0
  let lastProgressAtMs = deps.nowMs()
  let hiddenWhileRunning = false
  let lock: WakeLockHandle | null = null
  let requesting = false

  const acquire = () => {
    if (!deps.requestWakeLock || lock || requesting || !running || deps.isHidden()) return
    requesting = true
    deps.requestWakeLock().then(
      (handle) => {
        requesting = false
        // The transfer may have ended while the browser answered.
        if (running && !deps.isHidden()) lock = handle
        else void handle.release().catch(() => undefined)
      },
      () => {
        // Refused (battery saver, no permission): the transfer runs anyway.
        requesting = false
      },
    )
  }

  const release = () => {
    const held = lock
    lock = null
    void held?.release().catch(() => undefined)
  }

  return {
    update: (nowRunning, nowBytes) => {
      if (nowBytes !== bytesDone || nowRunning !== running) lastProgressAtMs = deps.nowMs()
      bytesDone = nowBytes
      running = nowRunning
      if (!running) hiddenWhileRunning = false
      if (running) acquire()
      else release()
    },
    visibilityChanged: () => {
      if (deps.isHidden()) {
        // The browser drops the lock on its own when the page is hidden.
        lock = null
        if (running) hiddenWhileRunning = true
        return
      }
      if (running && hiddenWhileRunning && deps.nowMs() - lastProgressAtMs >= stallMs) {
        deps.onStalled()
      }
      hiddenWhileRunning = false
      acquire()
    },
    shouldConfirmLeaving: () => running,
    destroy: () => {
      running = false
      release()
    },
  }
}
