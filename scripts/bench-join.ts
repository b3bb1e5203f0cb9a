/**
 * How long two devices take to find each other through a link, on the local relay, measured two
 * ways: both pages opening the link at once (until both lists show the other device), and one page
 * already waiting in the room while the other opens the link (the usual flow: share, then open).
 * Prints each run, then one JSON line with the medians. `npm run bench:join [runs]`.
 */
import { chromium, type Browser, type Page } from '@playwright/test'
import { startNostrRelay } from './relay/nostr-relay.ts'
import { startStaticServer } from './static-server.ts'
import { chromiumArgs, chromiumPath } from './chromium.ts'

const runs = Number(process.argv[2] ?? 5)
/** Without a media permission Chromium hides host candidates behind mDNS names. */
const contextOptions = { permissions: ['camera', 'microphone'] }

const token = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]
const seesPeer = (page: Page) =>
  page.locator('[data-testid="peer"]').first().waitFor({ timeout: 30_000 })

const relay = await startNostrRelay()
const server = await startStaticServer({
  root: 'dist',
  config: { relayUrls: [relay.url], iceServers: [] },
})
const browser: Browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })

const measure = async (staggered: boolean): Promise<number> => {
  const link = `${server.url}#room=${token()}&key=${token()}`
  const contexts = await Promise.all([
    browser.newContext(contextOptions),
    browser.newContext(contextOptions),
  ])
  const [first, second] = (await Promise.all(contexts.map((context) => context.newPage()))) as [
    Page,
    Page,
  ]
  try {
    if (staggered) {
      await first.goto(link)
      await first.getByTestId('my-name').waitFor()
      // Let the first page settle into the room, as it would while its person reaches for a phone.
      await first.waitForTimeout(1500)
    }
    const startedAtMs = Date.now()
    await Promise.all([
      staggered ? seesPeer(first) : first.goto(link).then(() => seesPeer(first)),
      second.goto(link).then(() => seesPeer(second)),
    ])
    return Date.now() - startedAtMs
  } finally {
    await Promise.all(contexts.map((context) => context.close()))
  }
}

const together: number[] = []
const staggered: number[] = []
try {
  for (let run = 1; run <= runs; run += 1) {
    together.push(await measure(false))
    staggered.push(await measure(true))
    console.log(
      `run ${run}: both at once ${together.at(-1)} ms; second joins ${staggered.at(-1)} ms`,
    )
  }
} finally {
  await browser.close()
  await server.close()
  await relay.close()
}
console.log(
  JSON.stringify({
    runs,
    bothOpenMsMedian: median(together),
    secondJoinsMsMedian: median(staggered),
    bothOpenMs: together,
    secondJoinsMs: staggered,
  }),
)
