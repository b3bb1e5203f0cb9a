/**
 * When the service worker is registered. Installing it fetches and stores every file of the app
 * (its precache), which took the CPU and memory a page that opened a link needs to join its room:
 * on the 2-core test machine, paired `bench:join` runs listed the second device about 130 ms sooner
 * with the install after the join (docs/performance.md). So: `registerDelayMs` after the page has
 * loaded, long after a join and well before anyone takes the device offline; at once if the page is
 * hidden first, as a phone may freeze it soon after.
 */
export const registerDelayMs = 3000

export interface RegisterMomentDeps {
  /** Resolves once the page has loaded. */
  loaded: Promise<void>
  isHidden(): boolean
  /** Calls `listener` on every visibility change until the returned function is called. */
  watchVisibility(listener: () => void): () => void
  setTimeout(callback: () => void, ms: number): unknown
}

export const registrationMoment = (deps: RegisterMomentDeps): Promise<void> =>
  new Promise((resolve) => {
    let unwatch = () => undefined as void
    const go = () => {
      unwatch()
      resolve()
    }
    if (deps.isHidden()) return go()
    unwatch = deps.watchVisibility(() => {
      if (deps.isHidden()) go()
    })
    void deps.loaded.then(() => deps.setTimeout(go, registerDelayMs))
  })
