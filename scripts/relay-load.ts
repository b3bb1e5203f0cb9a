/**
 * What one Ferry tab sends to its relays, counted by the local relay per client connection:
 * EVENT messages (announcements and signalling) and REQ messages (subscriptions), per minute.
 *
 *   npm run relay-load -- [--window-s 120] [--join-s 15] [--dist dist]
 *
 * One tab opens a link (so it is in a link room and, with a STUN server on 127.0.0.1, in its
 * nearby room, as on a real network), and is measured while joining, then idle alone, then idle
 * while hidden (another tab in front; the page is told it is hidden), then, visible again, idle
 * with a second device connected. Prints one line per phase, then one JSON line.
 */
import { parseArgs } from 'node:util'
import { chromium, type Page } from '@playwright/test'
import { startNostrRelay, type ClientStats } from './relay/nostr-relay.ts'
import { startStaticServer } from './static-server.ts'
import { startStunServer } from './stun/stun-server.ts'
import { chromiumArgs, chromiumPath } from './chromium.ts'

const { values } = parseArgs({
  options: {
    'window-s': { type: 'string', default: '120' },
    'join-s': { type: 'string', default: '15' },
    /** The built app to serve; another directory lets two builds be compared. */
    dist: { type: 'string', default: 'dist' },
  },
})
const windowMs = Number(values['window-s']) * 1000
const joinMs = Number(values['join-s']) * 1000
if (!(windowMs > 0) || !(joinMs > 0)) throw new Error('relay-load: --window-s and --join-s > 0')
/** How long the page stays hidden before the hidden window is counted (nearbyHiddenLeaveMs). */
const hiddenGraceMs = 5000

const token = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
const contextOptions = { permissions: ['camera', 'microphone'] }

const relay = await startNostrRelay()
const stun = await startStunServer({ mappedAddress: { address: '203.0.113.7' } })
const server = await startStaticServer({
  root: values.dist,
  config: {
    relayUrls: [relay.url],
    iceServers: [{ urls: stun.url }],
    nearbyHiddenLeaveMs: hiddenGraceMs,
  },
})
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })

/** Sums what the given connections sent. */
const totals = (ids: ReadonlySet<number>) => {
  const clients = relay.clientStats().filter((client: ClientStats) => ids.has(client.id))
  return {
    events: clients.reduce((sum, client) => sum + client.events, 0),
    reqs: clients.reduce((sum, client) => sum + client.reqs, 0),
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Figure {
  phase: string
  seconds: number
  events: number
  reqs: number
  eventsPerMin: number
  reqsPerMin: number
}
const figures: Figure[] = []
const measure = async (phase: string, ms: number, ids: () => ReadonlySet<number>) => {
  const before = totals(ids())
  await sleep(ms)
  const after = totals(ids())
  const perMin = (count: number) => Math.round((count / ms) * 60_000 * 10) / 10
  const figure = {
    phase,
    seconds: ms / 1000,
    events: after.events - before.events,
    reqs: after.reqs - before.reqs,
    eventsPerMin: perMin(after.events - before.events),
    reqsPerMin: perMin(after.reqs - before.reqs),
  }
  figures.push(figure)
  console.log(
    `${phase}: ${figure.eventsPerMin} events/min, ${figure.reqsPerMin} REQ/min (${figure.events} events, ${figure.reqs} REQ in ${figure.seconds} s)`,
  )
}

/**
 * Tells the page it is hidden or visible, as switching tabs would (headless pages never are). A
 * string, because tsx would wrap a function's inner functions in a helper the page does not have.
 */
const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate(`(() => {
    const hidden = ${hidden}
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (hidden ? 'hidden' : 'visible'),
    })
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden })
    document.dispatchEvent(new Event('visibilitychange'))
  })()`)

try {
  const link = `${server.url}#room=${token()}&key=${token()}`
  const known = new Set(relay.clientStats().map((client) => client.id))
  /** Tab A's connections: every one that appears before tab B opens. */
  const tabA = new Set<number>()
  const collectA = () => {
    for (const client of relay.clientStats()) if (!known.has(client.id)) tabA.add(client.id)
    return tabA
  }
  const a = await (await browser.newContext(contextOptions)).newPage()
  const joining = measure('joining', joinMs, collectA)
  await a.goto(link)
  await joining
  await measure('idle alone', windowMs, collectA)
  await setHidden(a, true)
  await sleep(hiddenGraceMs + 1000)
  await measure('idle alone, hidden', windowMs, collectA)
  await setHidden(a, false)
  await a.getByTestId('nearby-status').and(a.locator('[data-state="active"]')).waitFor()
  collectA()

  const b = await (await browser.newContext(contextOptions)).newPage()
  await b.goto(link)
  await Promise.all([
    a.getByTestId('peer').first().waitFor({ timeout: 60_000 }),
    b.getByTestId('peer').first().waitFor({ timeout: 60_000 }),
  ])
  // Let the handshake's last messages pass before counting the idle pair.
  await sleep(5000)
  await measure('idle with a peer connected', windowMs, () => tabA)
} finally {
  await browser.close()
  await server.close()
  await stun.close()
  await relay.close()
}
console.log(JSON.stringify({ relayLoad: figures }))
