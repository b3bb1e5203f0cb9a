/**
 * Trust against strangers (issue 12), played by the scripted hostile peer (e2e/hostile-peer/, a
 * page using Trystero as published, with its peer id of its choosing):
 * - link bypass: a stranger met in the nearby room claims the device's link room through their
 *   shared connection; Trystero takes it in, Ferry never does (session/link-proof.ts);
 * - relay in the middle: a relay that keeps two nearby devices apart and bridges each to the
 *   attacker, which passes their names on; the codes on the two screens differ, and the attacker's
 *   try at steering one to match the other is refused (session/commitment.ts);
 * - exhaustion: an unterminated 128 MiB control message, a flood of unknown Trystero action types
 *   and 1,000 announcements under fresh peer ids, while a real transfer completes verified.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { defaultAppId } from '../src/lib/signalling/config.ts'
import { parseRoomFragment } from '../src/lib/signalling/link.ts'
import { nearbyRoom } from '../src/lib/signalling/nearby.ts'
import { serveHostilePeer, type HostilePeerServer } from './hostile-peer/build.ts'
import {
  connectPair,
  Device,
  expect,
  saveAndCompare,
  serverUrl,
  sha256File,
  test,
  writeRandomFile,
} from './fixtures.ts'

interface HostileApi {
  join(
    appId: string,
    relayUrls: string[],
    roomId: string,
    password: string,
    prove?: { roomId: string; secret: string } | null,
  ): void
  peerNamed(name: string): Promise<string>
  send(peerId: string, message: unknown): Promise<void>
  announceFresh(appId: string, roomId: string, count: number): Promise<number>
  floodUnknownActions(peerId: string, count: number, bytes: number): Promise<void>
  sendUnterminated(peerId: string, declaredBytes: number, sentBytes: number): Promise<void>
  connected(peerId: string): boolean
  code(peerId: string): string | null
  steerCode(peerId: string, target: string, searchMs: number): Promise<number>
}
declare const hostile: HostileApi

interface FerryTestHooks {
  openPeerConnections(): number
  trysteroJoins(): string[]
}
declare const ferryTest: FerryTestHooks

/** Sorts before any id Trystero draws: the hostile peer initiates Trystero's password handshake. */
const firstId = '0'.repeat(20)
/** The address the @nearby STUN server A reports (e2e/global-setup.ts). */
const addressA = '203.0.113.7'

let hostileServer: HostilePeerServer | null = null
test.beforeAll(async () => {
  hostileServer = await serveHostilePeer()
})
test.afterAll(async () => {
  await hostileServer?.close()
})

const openHostile = async (browser: Parameters<typeof Device.open>[0], selfId?: string) => {
  if (!hostileServer) throw new Error('no hostile page')
  // Camera/microphone for host ICE candidates on loopback, as the fixtures do.
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] })
  const page = await context.newPage()
  await page.goto(`${hostileServer.url}${selfId ? `?selfId=${selfId}&skipPasswordCheck` : ''}`)
  await page.waitForFunction(() => 'hostile' in globalThis)
  return { context, page }
}

const relayUrl = () => process.env['FERRY_RELAY_URL'] ?? ''

/** The page's JS heap with ArrayBuffer backing stores (Performance metrics leave those out). */
const heapBytes = async (page: Page): Promise<number> => {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('HeapProfiler.collectGarbage')
  const usage = (await cdp.send('Runtime.getHeapUsage')) as {
    usedSize: number
    backingStorageSize?: number
  }
  await cdp.detach()
  return usage.usedSize + (usage.backingStorageSize ?? 0)
}

test('a stranger met nearby who claims the link room is never in it; the link peer still transfers @trust', async ({
  browser,
}, testInfo) => {
  test.setTimeout(120_000)
  const a = await Device.open(browser, serverUrl('FERRY_NEARBY_A_URL'))
  const aName = await a.name()
  const link = await a.shareLink()
  const room = parseRoomFragment(new URL(link).hash)
  if (!room) throw new Error('no room in the link')

  // The stranger: in the nearby room (its address is all it needs), with the lowest peer id.
  const { context, page: h } = await openHostile(browser, firstId)
  const nearby = await nearbyRoom(defaultAppId, addressA)
  await h.evaluate(
    ([appId, relay, roomId, password]) => hostile.join(appId, [relay], roomId, password, null),
    [defaultAppId, relayUrl(), nearby.roomId, nearby.password] as const,
  )
  const target = await h.evaluate((name) => hostile.peerNamed(name), aName)
  await h.evaluate(
    (peerId) =>
      hostile.send(peerId, { type: 'hello', version: 1, name: 'Mallory', device: 'laptop' }),
    target,
  )
  const mallory = a.peer('Mallory')
  await expect(mallory).toHaveAttribute('data-rooms', 'nearby')

  // Now it claims the link room by its token, without the secret, and "proves" a guess.
  await h.evaluate(
    ([appId, relay, roomId]) =>
      hostile.join(appId, [relay], roomId, 'not-the-secret', { roomId, secret: 'not-the-secret' }),
    [defaultAppId, relayUrl(), room.roomId] as const,
  )
  // Trystero on A takes it into the link room: the hole this test is about is really there...
  await expect
    .poll(() => a.page.evaluate(() => ferryTest.trysteroJoins()), { timeout: 30_000 })
    .toContain(`${room.roomId} ${firstId}`)
  // ...and what it sends next is still only a nearby stranger's.
  await h.evaluate(
    (peerId) =>
      hostile.send(peerId, {
        type: 'offer',
        transfer: 'AAAAAAAAAAAAAAAAAAAAAA',
        files: [{ index: 0, name: 'from-the-link.txt', size: 1, type: '' }],
      }),
    target,
  )
  await expect(a.page.getByTestId('offer').filter({ hasText: 'from-the-link.txt' })).toBeVisible()
  await expect(mallory).toHaveAttribute('data-rooms', 'nearby')
  await expect(mallory.getByTestId('peer-mark-link')).toHaveCount(0)
  // The offer is a modal dialog: the person declines the stranger's offer before going on.
  await a.page
    .getByTestId('offer')
    .filter({ hasText: 'from-the-link.txt' })
    .getByRole('button', { name: 'Decline', exact: true })
    .click()

  // The device's real link peer, with the secret, joins, is listed under the link, and sends.
  const b = await Device.open(browser, link)
  const bName = await b.name()
  // (It is on the same network too: both marks, the link's resting on its proof.)
  await expect(a.peer(bName)).toHaveAttribute('data-rooms', 'nearby link')
  await expect(mallory).toHaveAttribute('data-rooms', 'nearby')
  const dir = testInfo.outputPath('files')
  await mkdir(dir, { recursive: true })
  const source = await writeRandomFile(join(dir, 'linked.bin'), 1024 * 1024)
  await b.sendFiles(aName, [source])
  const offer = a.page.getByTestId('offer').filter({ hasText: `${bName} wants to send` })
  await offer.getByRole('button', { name: 'Accept', exact: true }).click()
  const received = a.transfer('receive').filter({ hasText: 'linked.bin' })
  await expect(received).toHaveAttribute('data-state', 'complete', { timeout: 60_000 })
  const [download] = await Promise.all([
    a.page.waitForEvent('download'),
    received.getByRole('button', { name: 'Save linked.bin', exact: true }).click(),
  ])
  const saved = join(dir, 'received-linked.bin')
  await download.saveAs(saved)
  expect(await sha256File(saved)).toBe(await sha256File(source))
  await context.close()
  await Promise.all([a.close(), b.close()])
})

test('a relay in the middle of two nearby devices shows itself: the codes differ, and steering one to match is refused @trust', async ({
  browser,
}) => {
  test.setTimeout(120_000)
  // The relay keeps these two apart: each hears only the attacker (e2e/global-setup.ts).
  const a = await Device.open(browser, serverUrl('FERRY_MIDDLE_URL'))
  const b = await Device.open(browser, serverUrl('FERRY_MIDDLE_URL'))
  const [aName, bName] = [await a.name(), await b.name()]

  // The attacker: what the relay's operator runs, in the nearby room of the devices' address, on
  // the relay's attacker path, with a certificate of its own on each connection.
  const { context, page: m } = await openHostile(browser)
  const nearby = await nearbyRoom(defaultAppId, addressA)
  const attackerRelay = `${serverUrl('FERRY_MIDDLE_RELAY_URL')}/attacker`
  await m.evaluate(
    ([appId, relay, roomId, password]) => hostile.join(appId, [relay], roomId, password, null),
    [defaultAppId, attackerRelay, nearby.roomId, nearby.password] as const,
  )
  const toA = await m.evaluate((name) => hostile.peerNamed(name), aName)
  const toB = await m.evaluate((name) => hostile.peerNamed(name), bName)
  // It passes each device's name to the other: each screen lists one device, named as the other.
  for (const [peerId, name] of [
    [toA, bName],
    [toB, aName],
  ] as const) {
    await m.evaluate(
      ([target, claimed]) =>
        hostile.send(target, { type: 'hello', version: 1, name: claimed, device: 'laptop' }),
      [peerId, name] as const,
    )
  }
  await expect(a.peer(bName)).toBeVisible()
  await expect(b.peer(aName)).toBeVisible()
  await expect(a.peers()).toHaveCount(1)
  await expect(b.peers()).toHaveCount(1)

  // Each screen shows the code of its own connection, to the attacker: they differ.
  const onA = await a.verificationCode(bName)
  const onB = await b.verificationCode(aName)
  expect(await m.evaluate((peerId) => hostile.code(peerId), toA)).toBe(onA.words)
  expect(await m.evaluate((peerId) => hostile.code(peerId), toB)).toBe(onB.words)
  expect(onB.words).not.toBe(onA.words)

  // Knowing A's code and B's nonce, it searches for a nonce of its own that gives B the same code,
  // and commits to it afresh: B holds it to its first commitment, refuses, and blocks it.
  const matched = await m.evaluate(([peerId, target]) => hostile.steerCode(peerId, target, 1500), [
    toB,
    onA.words,
  ] as const)
  console.log(
    `relay in the middle: the best nonce found would have matched ${matched} of 4 symbols`,
  )
  await expect(
    b.page.getByText(`${aName} sent something Ferry could not accept; it was refused.`),
  ).toBeVisible()
  await expect(b.peer(aName)).toHaveAttribute('data-blocked', 'true')
  await expect.poll(() => m.evaluate((peerId) => hostile.connected(peerId), toB)).toBe(false)
  await context.close()
  await Promise.all([a.close(), b.close()])
})

test('a peer that floods the page below Ferry is bounded and blocked, while a transfer completes @trust', async ({
  browser,
}, testInfo) => {
  test.setTimeout(180_000)
  const dir = testInfo.outputPath('files')
  await mkdir(dir, { recursive: true })
  const source = await writeRandomFile(join(dir, 'legit.bin'), 16 * 1024 * 1024)
  const { a, b, aName, bName, link } = await connectPair(browser)
  const room = parseRoomFragment(new URL(link).hash)
  if (!room) throw new Error('no room in the link')

  const { context, page: h } = await openHostile(browser)
  await h.evaluate(
    ([appId, relay, roomId, password]) => hostile.join(appId, [relay], roomId, password),
    [defaultAppId, relayUrl(), room.roomId, room.secret] as const,
  )
  const target = await h.evaluate((name) => hostile.peerNamed(name), aName)
  await h.evaluate(
    (peerId) =>
      hostile.send(peerId, { type: 'hello', version: 1, name: 'Mallory', device: 'laptop' }),
    target,
  )
  await expect(a.peer('Mallory')).toBeVisible()
  const heapAtStart = await heapBytes(a.page)
  const connectionsAtStart = await a.page.evaluate(() => ferryTest.openPeerConnections())

  // The legitimate transfer, B → A, runs meanwhile.
  await b.sendFiles(aName, [source])
  const legitOffer = a.page.getByTestId('offer').filter({ hasText: `${bName} wants to send` })
  await legitOffer.getByRole('button', { name: 'Accept', exact: true }).click()

  // 1,000 strangers announce themselves in the room; 64 action types nobody made, 256 KiB each.
  const announced = await h.evaluate(
    ([appId, roomId]) => hostile.announceFresh(appId, roomId, 1000),
    [defaultAppId, room.roomId] as const,
  )
  expect(announced).toBeGreaterThanOrEqual(1000)
  await h.evaluate((peerId) => hostile.floodUnknownActions(peerId, 64, 256 * 1024), target)
  let peakConnections = 0
  const sampleConnections = async () => {
    const open = await a.page.evaluate(() => ferryTest.openPeerConnections())
    peakConnections = Math.max(peakConnections, open)
    return open
  }
  await sampleConnections()
  const heapAfterFlood = await heapBytes(a.page)

  // Then a control message declaring 128 MiB, of which 16 MiB are sent, and never the rest.
  await h.evaluate(
    (peerId) => hostile.sendUnterminated(peerId, 128 * 1024 * 1024, 16 * 1024 * 1024),
    target,
  )
  const blocked = a.page.locator('[data-testid="peer"][data-blocked="true"]')
  await expect(blocked).toHaveAttribute('data-peer-name', 'Mallory')
  await expect.poll(() => h.evaluate((peerId) => hostile.connected(peerId), target)).toBe(false)
  const heapAfterAll = await heapBytes(a.page)
  await sampleConnections()

  // The legitimate transfer completes, verified, and saves byte for byte.
  await expect(a.transfer('receive').first()).toHaveAttribute('data-state', 'complete', {
    timeout: 120_000,
  })
  await sampleConnections()
  await saveAndCompare(a, [{ name: 'legit.bin', path: source }], dir)

  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
  console.log(
    `@trust exhaustion: heap at start ${mib(heapAtStart)}, after the floods ${mib(heapAfterFlood)}, ` +
      `after the 128 MiB message ${mib(heapAfterAll)}; peer connections at start ` +
      `${connectionsAtStart}, at most ${peakConnections} while 1,000 fresh ids announced`,
  )
  expect(heapAfterFlood - heapAtStart).toBeLessThan(64 * 2 ** 20)
  expect(heapAfterAll - heapAtStart).toBeLessThan(64 * 2 ** 20)
  // Trystero's pre-warmed offers (20), the guarded pending ones (16), and the real peers.
  expect(peakConnections).toBeLessThan(connectionsAtStart + 16 + 2)
  await context.close()
  await Promise.all([a.close(), b.close()])
})
