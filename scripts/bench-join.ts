/**
 * How long two devices take to find each other through a link, on the local relay: from both pages
 * opening the link to both lists showing the other device. Prints each run and the median.
 * Run with `npm run bench:join` (inside a private network namespace, like the tests).
 */
import { chromium } from '@playwright/test'
import { startNostrRelay } from './relay/nostr-relay.ts'
import { startStaticServer } from './static-server.ts'
import { chromiumArgs, chromiumPath } from './chromium.ts'

const runs = Number(process.argv[2] ?? 5)
const contextOptions = { permissions: ['camera', 'microphone'] }

const relay = await startNostrRelay()
const server = await startStaticServer({
  root: 'dist',
  config: { relayUrls: [relay.url], iceServers: [] },
})
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
const timesMs: number[] = []
try {
  for (let run = 0; run < runs; run += 1) {
    const roomId = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
    const link = `${server.url}#room=${roomId}&key=${key}`
    const [a, b] = await Promise.all([
      browser.newContext(contextOptions),
      browser.newContext(contextOptions),
    ])
    const [pageA, pageB] = await Promise.all([a.newPage(), b.newPage()])
    const startedAtMs = Date.now()
    await Promise.all(
      [pageA, pageB].map(async (page) => {
        await page.goto(link)
        await page.locator('[data-testid="peer"]').first().waitFor({ timeout: 30_000 })
      }),
    )
    const elapsedMs = Date.now() - startedAtMs
    timesMs.push(elapsedMs)
    console.log(`run ${run + 1}: ${elapsedMs} ms`)
    await Promise.all([a.close(), b.close()])
  }
} finally {
  await browser.close()
  await server.close()
  await relay.close()
}
const sorted = [...timesMs].sort((x, y) => x - y)
const median = sorted[Math.floor(sorted.length / 2)]
console.log(JSON.stringify({ runs: timesMs.length, joinMsMedian: median, joinMs: timesMs }))
