/**
 * How long two devices take to find each other through a link, on the local relay, measured two
 * ways: both pages opening the link at once (until both lists show the other device), and one page
 * already waiting in the room while the other opens the link (the usual flow: share, then open).
 * Prints each run, then one JSON line with the medians. `npm run bench:join [runs]`.
 *
 * The second join is split into steps, each the time from opening the link until it happened on
 * the joining page: the page (its document parsed and the app's module run: DOMContentLoaded), the
 * app started (its name shown), signalling loaded (the first WebSocket made), relay connected (one
 * open), offer/answer (the remote description applied on the connection that wins), ICE
 * (connected), DTLS (the connection's state `connected`), and `hello` (the joining page lists the
 * other). They are recorded from outside the app, by wrapping WebSocket and RTCPeerConnection and
 * watching the document before any page script runs, and read as the page's own clock: a
 * Playwright wait polls, and would add up to half a second of its own.
 *
 * Each run has a browser of its own: contexts closed in one run leave work behind (their rooms,
 * processes) that slowed the next runs by hundreds of milliseconds.
 *
 * It waits for a page's name and first device through the page's console (page-signal.ts), never
 * a locator, which would run Playwright's own script on the page it measures.
 *
 * `--timeline` also prints, for each second join, what the joining page fetched (from its resource
 * timing) and its main thread's long tasks (50 ms or more), beside the steps: where the time
 * between two steps went. The long-task observer is installed only then.
 */
import { chromium, type Browser, type Page } from '@playwright/test'
import { startNostrRelay } from './relay/nostr-relay.ts'
import { startStaticServer } from './static-server.ts'
import { chromiumArgs, chromiumPath } from './chromium.ts'
import { pageSignal, pageSignalPrefix, waitingPageSettleMs } from './page-signal.ts'

/** `--timeline`: each second join's fetches and long tasks too (see above). */
const timeline = process.argv.includes('--timeline')
const args = process.argv.slice(2).filter((arg) => arg !== '--timeline')
const distAt = args.indexOf('--dist')
/** Another build's folder (`--dist /tmp/old`), to compare builds; the current build by default. */
const dist = distAt >= 0 ? (args.splice(distAt, 2)[1] ?? 'dist') : 'dist'
const runs = Number(args[0] ?? 5)
/** Without a media permission Chromium hides host candidates behind mDNS names. */
const contextOptions = { permissions: ['camera', 'microphone'] }

const token = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]
const relay = await startNostrRelay()
const server = await startStaticServer({
  root: dist,
  config: { relayUrls: [relay.url], iceServers: [] },
})
const launch = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })

/** What a page recorded; runs before any of its scripts, so it sees every socket and connection. */
const recordJoinSteps = (signalPrefix: string, longTasks: boolean) => {
  const marks: [string, number][] = []
  ;(globalThis as unknown as { ferryJoinMarks: typeof marks }).ferryJoinMarks = marks
  const mark = (what: string) => marks.push([what, performance.timeOrigin + performance.now()])
  if (longTasks) {
    new PerformanceObserver((list) => {
      for (const task of list.getEntries()) {
        marks.push([
          `long task ${Math.round(task.duration)} ms`,
          performance.timeOrigin + task.startTime,
        ])
      }
    }).observe({ type: 'longtask', buffered: true })
  }
  // The marks the bench waits for, told through the console (page-signal.ts).
  const signal = (what: string) => {
    mark(what)
    console.debug(`${signalPrefix}${what}`)
  }
  // The app's name shown, and the first device listed: seen as the document changes.
  const watchDocument = () => {
    const seen = new Set<string>()
    const look = () => {
      if (!seen.has('app') && document.querySelector('[data-testid="my-name"]')?.textContent) {
        seen.add('app')
        signal('app')
      }
      if (!seen.has('listed') && document.querySelector('[data-testid="peer"]')) {
        seen.add('listed')
        signal('listed')
        observer.disconnect()
      }
    }
    const observer = new MutationObserver(look)
    observer.observe(document.documentElement, {
      childList: true,
      subtree: true,
      characterData: true,
    })
    look()
  }
  document.addEventListener('DOMContentLoaded', () => mark('page'))
  if (document.documentElement) watchDocument()
  else document.addEventListener('readystatechange', watchDocument, { once: true })
  const NativeWebSocket = globalThis.WebSocket
  globalThis.WebSocket = class extends NativeWebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args)
      mark('ws-created')
      this.addEventListener('open', () => mark('ws-open'))
    }
  }
  const NativePeerConnection = globalThis.RTCPeerConnection
  let connections = 0
  globalThis.RTCPeerConnection = class extends NativePeerConnection {
    readonly #id = ++connections
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args)
      const id = this.#id
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected') mark(`pc${id} ice`)
      })
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') mark(`pc${id} dtls`)
      })
    }
    override async setRemoteDescription(description: RTCSessionDescriptionInit) {
      await super.setRemoteDescription(description)
      mark(`pc${this.#id} remote`)
    }
  }
}

const steps = [
  'page',
  'app',
  'signalling',
  'relay',
  'offer/answer',
  'ice',
  'dtls',
  'hello',
] as const
type Steps = Record<(typeof steps)[number], number>

const marksOf = (page: Page) => page.evaluate<[string, number][]>('globalThis.ferryJoinMarks ?? []')
/** When a page first recorded `what` (epoch ms, the page's clock), or NaN. */
const markOf = (marks: [string, number][], what: string) =>
  marks.find(([name]) => name === what)?.[1] ?? Number.NaN

/** The joining page's steps, in ms from `startedAtMs`; NaN where a step was not seen. */
const stepsOf = async (page: Page, startedAtMs: number) => {
  const marks = await marksOf(page)
  const first = (what: string) => markOf(marks, what) - startedAtMs
  // The connection that made it: the first to finish DTLS.
  const winner = marks.find(([name]) => name.endsWith(' dtls'))?.[0].split(' ')[0] ?? ''
  const result: Steps = {
    page: first('page'),
    app: first('app'),
    signalling: first('ws-created'),
    relay: first('ws-open'),
    'offer/answer': first(`${winner} remote`),
    ice: first(`${winner} ice`),
    dtls: first(`${winner} dtls`),
    hello: first('listed'),
  }
  return result
}

const stepRuns: Steps[] = []

/** The joining page's fetches, long tasks and marks, in ms from `startedAtMs`, in order. */
const printTimeline = async (page: Page, startedAtMs: number) => {
  const fetches = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry): [string, number] => [
        `fetch ${new URL(entry.name).pathname} until +${Math.round(entry.duration)} ms`,
        performance.timeOrigin + entry.startTime,
      ]),
  )
  const events = [...(await marksOf(page)), ...fetches].sort(([, a], [, b]) => a - b)
  for (const [what, at] of events) {
    console.log(`    ${String(Math.round(at - startedAtMs)).padStart(5)}  ${what}`)
  }
}

const measure = async (browser: Browser, staggered: boolean): Promise<number> => {
  const link = `${server.url}#room=${token()}&key=${token()}`
  const contexts = await Promise.all([
    browser.newContext(contextOptions),
    browser.newContext(contextOptions),
  ])
  // tsx (keepNames) wraps named functions in a `__name` helper the page lacks: send source.
  const script = `(() => { const __name = (target) => target; (${recordJoinSteps.toString()})(${JSON.stringify(pageSignalPrefix)}, ${timeline}) })()`
  await Promise.all(contexts.map((context) => context.addInitScript({ content: script })))
  const [first, second] = (await Promise.all(contexts.map((context) => context.newPage()))) as [
    Page,
    Page,
  ]
  try {
    if (staggered) {
      const started = pageSignal(first, 'app')
      await first.goto(link)
      await started
      // Let the first page settle into the room, as it would while its person reaches for a phone.
      await first.waitForTimeout(waitingPageSettleMs)
    }
    // The moment the joining page is asked to open the link; each page's marks are epoch ms.
    const listed = [pageSignal(first, 'listed'), pageSignal(second, 'listed')]
    const startedAtMs = Date.now()
    await Promise.all([...(staggered ? [] : [first.goto(link)]), second.goto(link), ...listed])
    // Both lists show the other: the later of the two pages' own times.
    const listedAtMs = await Promise.all(
      [first, second].map(async (page) => markOf(await marksOf(page), 'listed')),
    )
    const bothMs = Math.round(Math.max(...listedAtMs) - startedAtMs)
    if (staggered) {
      const steps = await stepsOf(second, startedAtMs)
      stepRuns.push(steps)
      console.log(
        `  second join: ${Object.entries(steps)
          .map(([step, ms]) => `${step} ${Math.round(ms)}`)
          .join(', ')} ms; both list each other ${bothMs} ms`,
      )
      if (timeline) await printTimeline(second, startedAtMs)
    }
    return bothMs
  } finally {
    await Promise.all(contexts.map((context) => context.close()))
  }
}

const together: number[] = []
const staggered: number[] = []
try {
  for (let run = 1; run <= runs; run += 1) {
    const browser = await launch()
    try {
      together.push(await measure(browser, false))
      staggered.push(await measure(browser, true))
    } finally {
      await browser.close()
    }
    console.log(
      `run ${run}: both at once ${together.at(-1)} ms; second joins ${staggered.at(-1)} ms`,
    )
  }
} finally {
  await server.close()
  await relay.close()
}
const stepMedians = Object.fromEntries(
  steps.map((step) => [
    step,
    Math.round(median(stepRuns.map((run) => run[step]).filter((ms) => ms === ms)) ?? Number.NaN),
  ]),
)
console.log(
  `second join, median ms from opening the link: ${steps.map((step) => `${step} ${stepMedians[step]}`).join(' → ')} → both list each other ${median(staggered)}`,
)
console.log(
  JSON.stringify({
    runs,
    bothOpenMsMedian: median(together),
    secondJoinsMsMedian: median(staggered),
    secondJoinStepsMsMedian: stepMedians,
    bothOpenMs: together,
    secondJoinsMs: staggered,
  }),
)
