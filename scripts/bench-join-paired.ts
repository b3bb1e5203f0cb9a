/**
 * Two builds' join times, paired: each pair opens a link on two devices of build A, then of build
 * B, each in a browser of its own, alternating, so that the machine's drift falls on both alike.
 * The one-off `bench:join` medians move by 50-100 ms between runs minutes apart on this machine;
 * a change smaller than that shows only this way.
 *
 *   vite build --outDir /tmp/a   (one build)   vite build --outDir /tmp/b   (the other)
 *   bash scripts/in-netns.sh npx tsx scripts/bench-join-paired.ts /tmp/a /tmp/b [pairs]
 *
 * For each build it prints, per pair and as a median: when both pages list each other (ms from
 * the second page opening the link), and the part of that after the second page's
 * DOMContentLoaded (what the app does, without the browser's own navigation). Both are read on
 * the pages' own clocks.
 */
import { chromium, type Page } from '@playwright/test'
import { startNostrRelay } from './relay/nostr-relay.ts'
import { startStaticServer } from './static-server.ts'
import { chromiumArgs, chromiumPath } from './chromium.ts'
import { pageSignal, pageSignalPrefix, waitingPageSettleMs } from './page-signal.ts'

const [rootA, rootB, pairsArg] = process.argv.slice(2)
if (!rootA || !rootB) throw new Error('usage: bench-join-paired.ts <distA> <distB> [pairs]')
const pairs = Number(pairsArg ?? 8)
const contextOptions = { permissions: ['camera', 'microphone'] }
const token = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? Number.NaN

/**
 * Marks DOMContentLoaded, the name shown and the first device listed, on the page's clock, and
 * tells the last two through the console (page-signal.ts).
 */
const watch = `(() => {
  const mark = (name) => {
    performance.mark(name)
    if (name !== 'dcl') console.debug(${JSON.stringify(pageSignalPrefix)} + name)
  }
  document.addEventListener('DOMContentLoaded', () => {
    mark('dcl')
    const seen = new Set()
    const look = () => {
      if (!seen.has('app') && document.querySelector('[data-testid="my-name"]')?.textContent) {
        seen.add('app')
        mark('app')
      }
      if (!document.querySelector('[data-testid="peer"]')) return
      mark('listed')
      observer.disconnect()
    }
    const observer = new MutationObserver(look)
    observer.observe(document.body, { childList: true, subtree: true, characterData: true })
    look()
  })
})()`

/** Epoch ms at which a page marked `name`, or NaN. */
const markAt = (page: Page, name: string) =>
  page.evaluate<number, string>((mark) => {
    const entry = performance.getEntriesByName(mark)[0]
    return entry ? performance.timeOrigin + entry.startTime : Number.NaN
  }, name)

const relay = await startNostrRelay()
const builds = await Promise.all(
  [rootA, rootB].map(async (root) => ({
    root,
    server: await startStaticServer({ root, config: { relayUrls: [relay.url], iceServers: [] } }),
    runs: [] as { bothMs: number; afterDclMs: number }[],
  })),
)

const join = async (url: string) => {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  try {
    const contexts = await Promise.all([1, 2].map(() => browser.newContext(contextOptions)))
    await Promise.all(contexts.map((context) => context.addInitScript({ content: watch })))
    const [first, second] = (await Promise.all(contexts.map((c) => c.newPage()))) as [Page, Page]
    const link = `${url}#room=${token()}&key=${token()}`
    const started = pageSignal(first, 'app')
    await first.goto(link)
    await started
    await first.waitForTimeout(waitingPageSettleMs)
    const listed = [first, second].map((page) => pageSignal(page, 'listed'))
    const startedAtMs = Date.now()
    await Promise.all([second.goto(link), ...listed])
    const listedAtMs = Math.max(await markAt(first, 'listed'), await markAt(second, 'listed'))
    return {
      bothMs: Math.round(listedAtMs - startedAtMs),
      afterDclMs: Math.round(listedAtMs - (await markAt(second, 'dcl'))),
    }
  } finally {
    await browser.close()
  }
}

try {
  for (let pair = 1; pair <= pairs; pair += 1) {
    for (const build of builds) build.runs.push(await join(build.server.url))
    console.log(
      `pair ${pair}: ${builds.map((b) => `${b.root} ${b.runs.at(-1)?.bothMs} ms (${b.runs.at(-1)?.afterDclMs} after DCL)`).join(', ')}`,
    )
  }
} finally {
  await Promise.all(builds.map((build) => build.server.close()))
  await relay.close()
}
for (const { root, runs } of builds) {
  console.log(
    `${root}: both listed, median ${median(runs.map((run) => run.bothMs))} ms; after DCL, median ${median(runs.map((run) => run.afterDclMs))} ms`,
  )
}
const [a, b] = builds
if (a && b) {
  const better = a.runs.filter((run, i) => (b.runs[i]?.afterDclMs ?? Infinity) < run.afterDclMs)
  console.log(`${b.root} faster after DCL in ${better.length} of ${pairs} pairs`)
}
