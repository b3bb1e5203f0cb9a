/**
 * Lighthouse against the built app (dist/), the way a first visitor meets it: served on 127.0.0.1
 * with the local relay as its only relay, audited by the npm `lighthouse` package in Debian's
 * Chromium. Prints the four category scores, the initial JS+CSS gzipped, and one JSON line.
 * `npm run lighthouse [runs]` (median of 3 runs unless told; builds first, runs inside the loopback-only network namespace); with
 * FERRY_LIGHTHOUSE_REPORT=path the whole report is written there as JSON.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { chromiumArgs, chromiumPath } from './chromium.ts'
import { startNostrRelay } from './relay/nostr-relay.ts'
import { startStaticServer } from './static-server.ts'

const categories = ['performance', 'accessibility', 'best-practices', 'seo'] as const
const targets: Partial<Record<(typeof categories)[number], number>> = {
  performance: 95,
  accessibility: 100,
  'best-practices': 95,
}
/** DESIGN.md: the first load's JS and CSS, gzipped, no more than 75 kB. */
const initialBudgetBytes = 75 * 1000

/** The scripts, module preloads and stylesheets index.html loads before anything else. */
const initialAssetsGzipBytes = async (root: string): Promise<number> => {
  const html = await readFile(join(root, 'index.html'), 'utf8')
  const urls = [
    ...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*\srel="(?:stylesheet|modulepreload)"[^>]*\shref="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*\shref="([^"]+)"[^>]*\srel="(?:stylesheet|modulepreload)"/g),
  ].map((match) => match[1] ?? '')
  let total = 0
  for (const url of new Set(urls)) {
    total += gzipSync(await readFile(join(root, url.replace(/^\//, '')))).length
  }
  return total
}

const relay = await startNostrRelay()
const server = await startStaticServer({
  root: 'dist',
  config: { relayUrls: [relay.url], iceServers: [] },
})
/** Lighthouse's scores vary from run to run, the more so on a busy machine: take the median. */
const runs = Math.max(1, Number(process.argv[2] ?? 3))
const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0

const audit = async (run: number): Promise<Record<string, number>> => {
  // A fresh browser each run: nothing cached, no service worker yet, as for a first visit.
  const chrome = await chromeLauncher.launch({
    chromePath: chromiumPath,
    chromeFlags: chromiumArgs,
  })
  try {
    const result = await lighthouse(server.url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: [...categories],
    })
    if (!result) throw new Error('lighthouse: no result')
    const { lhr } = result
    const scores: Record<string, number> = {}
    for (const category of categories) {
      scores[category] = Math.round((lhr.categories[category]?.score ?? 0) * 100)
    }
    console.log(`run ${run}: ${JSON.stringify(scores)}`)
    // What cost points, so a low score says where to look.
    for (const item of Object.values(lhr.audits)) {
      if (item.score !== null && item.score < 0.9 && item.scoreDisplayMode !== 'informative') {
        console.log(
          `  - ${item.id}: ${item.title}${item.displayValue ? ` (${item.displayValue})` : ''}`,
        )
      }
    }
    const reportPath = process.env['FERRY_LIGHTHOUSE_REPORT']
    if (reportPath) await writeFile(reportPath, JSON.stringify(lhr))
    return scores
  } finally {
    chrome.kill()
  }
}

let failed = false
try {
  const results: Record<string, number>[] = []
  for (let run = 1; run <= runs; run++) results.push(await audit(run))
  const scores: Record<string, number> = {}
  console.log(`median of ${runs} run${runs === 1 ? '' : 's'}:`)
  for (const category of categories) {
    const score = median(results.map((result) => result[category] ?? 0))
    scores[category] = score
    const target = targets[category]
    const verdict =
      target === undefined ? '' : `  (target ${target}: ${score >= target ? 'ok' : 'MISSED'})`
    if (target !== undefined && score < target) failed = true
    console.log(`${category.padEnd(15)} ${score}${verdict}`)
  }
  const initialBytes = await initialAssetsGzipBytes('dist')
  console.log(
    `initial JS+CSS  ${(initialBytes / 1000).toFixed(1)} kB gzipped (budget ${initialBudgetBytes / 1000} kB)`,
  )
  if (initialBytes > initialBudgetBytes) failed = true
  console.log(JSON.stringify({ ...scores, initialJsCssGzipBytes: initialBytes, runs }))
} finally {
  await server.close()
  await relay.close()
}
process.exitCode = failed ? 1 : 0
