/**
 * A hostile peer in the same link room (e2e/hostile-peer/peer.ts: a page using Trystero directly,
 * bundled here with esbuild) throws malformed and malicious messages and frames at the app while a
 * legitimate device sends it a file. The app refuses each with a typed answer, stays responsive,
 * blocks the hostile peer, and the legitimate transfer completes verified.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { isSafeFileName } from '../src/lib/protocol/paths.ts'
import { defaultAppId } from '../src/lib/signalling/config.ts'
import { parseRoomFragment } from '../src/lib/signalling/link.ts'
import type { CaseResult } from './hostile-peer/peer.ts'
import { serveHostilePeer, type HostilePeerServer } from './hostile-peer/build.ts'
import { connectPair, expect, sha256File, test, writeRandomFile } from './fixtures.ts'

interface HostileApi {
  join(appId: string, relayUrls: string[], roomId: string, password: string): void
  peerNamed(name: string): Promise<string>
  send(peerId: string, message: unknown): Promise<void>
  runCases(peerId: string): Promise<CaseResult[]>
  offerSmallFile(peerId: string, name: string): Promise<string>
  accepted(transfer: string): Promise<void>
  sendPastEnd(peerId: string, transfer: string): Promise<string[]>
  flood(peerId: string, count: number): Promise<{ sent: number; failed: number }>
  connected(peerId: string): boolean
  answers(): string[]
}
declare const hostile: HostileApi

let hostileServer: HostilePeerServer | null = null

test.beforeAll(async () => {
  hostileServer = await serveHostilePeer()
})

test.afterAll(async () => {
  await hostileServer?.close()
})

/**
 * Input-to-next-frame latency of clicks: from the event's timestamp to a task queued from the next
 * animation frame, by when the frame that shows the click's effect has been produced.
 */
const installLatencyProbe = (page: Page) =>
  page.evaluate(() => {
    const samples: number[] = []
    Object.assign(globalThis, { latencySamples: samples })
    document.addEventListener(
      'click',
      (event) => {
        const startMs = event.timeStamp
        requestAnimationFrame(() => setTimeout(() => samples.push(performance.now() - startMs)))
      },
      { capture: true },
    )
  })

const takeLatencySamples = (page: Page): Promise<number[]> =>
  page.evaluate(() => {
    const samples = (globalThis as unknown as { latencySamples: number[] }).latencySamples
    return samples.splice(0, samples.length)
  })

const summary = (samples: number[]): string => {
  const sorted = [...samples].sort((x, y) => x - y)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  return `n=${sorted.length} median=${at(0.5).toFixed(1)} ms p90=${at(0.9).toFixed(1)} ms max=${(sorted.at(-1) ?? 0).toFixed(1)} ms`
}

test('a hostile peer is refused case by case and blocked, while a real transfer completes @hostile', async ({
  browser,
}, testInfo) => {
  test.setTimeout(240_000)
  const dir = testInfo.outputPath('files')
  await mkdir(dir, { recursive: true })
  const source = await writeRandomFile(join(dir, 'legit.bin'), 24 * 1024 * 1024)

  const { a, b, aName, bName, link } = await connectPair(browser)
  const room = parseRoomFragment(new URL(link).hash)
  if (!room || !hostileServer) throw new Error('no room or hostile page')
  const relayUrl = process.env['FERRY_RELAY_URL'] ?? ''

  // The hostile peer: its own context (camera/microphone for host ICE candidates, as fixtures do).
  const hostileContext = await browser.newContext({ permissions: ['camera', 'microphone'] })
  const h = await hostileContext.newPage()
  await h.goto(hostileServer.url)
  await h.waitForFunction(() => 'hostile' in globalThis)
  await h.evaluate(
    ([appId, relay, roomId, password]) => hostile.join(appId, [relay], roomId, password),
    [defaultAppId, relayUrl, room.roomId, room.secret] as const,
  )
  const target = await h.evaluate((name) => hostile.peerNamed(name), aName)
  await h.evaluate(
    (peerId) =>
      hostile.send(peerId, { type: 'hello', version: 1, name: 'Mallory', device: 'laptop' }),
    target,
  )
  await expect(a.peer('Mallory')).toBeVisible()

  await installLatencyProbe(a.page)
  const toggle = a.peer(bName).getByRole('button', { name: 'Send text' })
  for (let i = 0; i < 10; i++) await toggle.click()
  const idleLatency = await takeLatencySamples(a.page)

  // The legitimate transfer, B → A, runs while the hostile peer does its worst.
  await b.sendFiles(aName, [source])
  const legitOffer = a.page.getByTestId('offer').filter({ hasText: `${bName} wants to send` })
  await legitOffer.getByRole('button', { name: 'Accept', exact: true }).click()

  const results = await h.evaluate((peerId) => hostile.runCases(peerId), target)

  // A frame past the declared size needs a transfer the app accepted.
  const transfer = await h.evaluate((peerId) => hostile.offerSmallFile(peerId, 'ok.bin'), target)
  const smallOffer = a.page.getByTestId('offer').filter({ hasText: 'ok.bin' })
  await smallOffer.getByRole('button', { name: 'Accept', exact: true }).click()
  await h.evaluate((id) => hostile.accepted(id), transfer)
  const pastEnd = await h.evaluate(([peerId, id]) => hostile.sendPastEnd(peerId, id), [
    target,
    transfer,
  ] as const)
  results.push({
    name: 'bulk frame past the declared size (10-byte file, 20-byte frame)',
    expected: 'error past-end (transfer failed)',
    answers: pastEnd,
  })

  // The flood, with clicks on the app meanwhile.
  const floodCount = 2000
  const answersBefore = (await h.evaluate(() => hostile.answers())).length
  await takeLatencySamples(a.page) // only the clicks during the flood from here
  const flood = h.evaluate(([peerId, count]) => hostile.flood(peerId, count), [
    target,
    floodCount,
  ] as const)
  for (let i = 0; i < 10; i++) await toggle.click()
  const floodResult = await flood
  const floodLatency = await takeLatencySamples(a.page)

  // Blocked: listed as such on A, disconnected, its offers gone from the screen.
  const blocked = a.page.locator('[data-testid="peer"][data-blocked="true"]')
  await expect(blocked).toHaveCount(1)
  await expect(blocked).toHaveAttribute('data-peer-name', 'Mallory')
  await expect.poll(() => h.evaluate((peerId) => hostile.connected(peerId), target)).toBe(false)
  await expect(a.page.getByTestId('offer').filter({ hasText: 'Mallory' })).toHaveCount(0)
  await expect(a.peer(bName)).not.toHaveAttribute('data-blocked', 'true')

  // The legitimate transfer completes, verified, and saves byte for byte.
  const legit = a.page
    .locator('[data-testid="transfer"][data-direction="receive"]')
    .filter({ hasText: 'legit.bin' })
  await expect(legit).toHaveAttribute('data-state', 'complete', { timeout: 120_000 })
  const [download] = await Promise.all([
    a.page.waitForEvent('download'),
    legit.getByRole('button', { name: 'Save legit.bin', exact: true }).click(),
  ])
  expect(download.suggestedFilename()).toBe('legit.bin')
  const saved = join(dir, 'received-legit.bin')
  await download.saveAs(saved)
  expect(await sha256File(saved)).toBe(await sha256File(source))

  // Nothing from the hostile peer reached the screen under an unsafe name.
  const shownNames = await a.page.locator('.file-name').allInnerTexts()
  for (const name of shownNames) {
    for (const segment of name.split('/')) expect(isSafeFileName(segment), name).toBe(true)
  }

  const floodAnswers = (await h.evaluate(() => hostile.answers())).slice(answersBefore)
  const busy = floodAnswers.filter((answer) => answer === 'decline busy').length

  // The report: every case and what the app answered.
  const rows = results.map((result) => ({
    case: result.name,
    expected: result.expected,
    answered: result.answers.join('; ') || '(nothing)',
  }))
  rows.push({
    case: `flood of ${floodCount} valid offers`,
    expected: 'declined busy / dropped, then blocked',
    answered: `${floodResult.sent} handed to Trystero, ${floodResult.failed} failed; ${busy} declined busy, the rest dropped unread; peer blocked and disconnected`,
  })
  console.log('\nHostile cases (what the app answered):')
  console.table(rows)
  console.log(`Input-to-next-frame latency, idle:         ${summary(idleLatency)}`)
  console.log(`Input-to-next-frame latency, during flood: ${summary(floodLatency)}`)

  for (const result of results) {
    expect(result.answers[0], result.name).toBe(result.expected)
  }
  expect(floodLatency.length).toBeGreaterThan(0)

  await hostileContext.close()
  await Promise.all([a.close(), b.close()])
})
