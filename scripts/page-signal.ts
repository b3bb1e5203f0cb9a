/**
 * How a page tells a bench that something happened on it: a line in its console, which the bench
 * waits for. Not a Playwright locator: a locator's first use evaluates Playwright's injected script
 * (330 kB) on the page, which on a page still starting falls in the middle of its start (54 ms of
 * the joining page's main thread, in a trace), and then polls the document on every frame.
 */
import type { Page } from '@playwright/test'

/** The console text a page logs, followed by what happened ('app', 'listed'). */
export const pageSignalPrefix = 'ferry-bench-signal '

/**
 * Resolves once `page` logs `what`. Call it before the page can get there: a line logged earlier is
 * not seen.
 */
export const pageSignal = (page: Page, what: string, timeoutMs = 30_000): Promise<void> =>
  new Promise((resolve, reject) => {
    const look = (message: { text(): string }) => {
      if (message.text() !== `${pageSignalPrefix}${what}`) return
      clearTimeout(timer)
      page.off('console', look)
      resolve()
    }
    const timer = setTimeout(() => {
      page.off('console', look)
      reject(new Error(`no '${what}' from the page within ${timeoutMs} ms`))
    }, timeoutMs)
    page.on('console', look)
  })

/**
 * In the join benches, how long the waiting page has been open when the second opens the link: long
 * enough to have installed its service worker (3 s after load, src/lib/pwa/register-moment.ts), as
 * a device whose person then shares the link with another would have.
 */
export const waitingPageSettleMs = 5000
