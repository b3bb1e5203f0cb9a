/**
 * Relay failover: the app uses every configured relay at once (Trystero redundancy), so when one
 * dies after two devices met through it, a third device still finds them through another.
 *
 * The global relay (global-setup.ts) stays up; this test starts a second relay of its own, and a
 * server of the built app whose config.json names both, and stops that relay mid-test.
 */
import { startNostrRelay, type NostrRelay } from '../scripts/relay/nostr-relay.ts'
import { startStaticServer, type StaticServer } from '../scripts/static-server.ts'
import { Device, expect, test } from './fixtures.ts'
import { testBuildDir } from './test-build.ts'

test('when a relay both devices used dies, a third device still finds them @failover', async ({
  browser,
}) => {
  test.setTimeout(180_000)
  const globalRelay = process.env['FERRY_RELAY_URL']
  if (!globalRelay) throw new Error('ferry e2e: FERRY_RELAY_URL is not set')
  let doomed: NostrRelay | null = null
  let server: StaticServer | null = null
  const devices: Device[] = []
  try {
    doomed = await startNostrRelay()
    server = await startStaticServer({
      root: testBuildDir,
      config: { relayUrls: [doomed.url, globalRelay], iceServers: [], testHooks: true },
    })

    const a = await Device.open(browser, server.url)
    devices.push(a)
    const link = await a.shareLink()
    const b = await Device.open(browser, link)
    devices.push(b)
    const [aName, bName] = [await a.name(), await b.name()]
    await expect(a.peer(bName)).toBeVisible()
    await expect(b.peer(aName)).toBeVisible()
    for (const device of [a, b]) {
      await expect(device.page.getByTestId('relay-status')).toHaveText('2 relays connected')
    }
    // Both devices really are on the relay about to die: connected, subscribed, announcing.
    const before = doomed.stats()
    expect(before.connectionsOpen).toBeGreaterThanOrEqual(2)
    expect(before.subscriptionsOpen).toBeGreaterThan(0)
    expect(before.eventsReceived).toBeGreaterThan(0)

    await doomed.close()
    for (const device of [a, b]) {
      await expect(device.page.getByTestId('relay-status')).toHaveText('1 relay connected')
    }
    // The devices that met stay connected: a relay only introduces peers.
    await expect(a.peer(bName)).toBeVisible()

    const c = await Device.open(browser, link)
    devices.push(c)
    const cName = await c.name()
    await expect(c.page.getByTestId('relay-status')).toHaveText('1 relay connected')
    await expect(c.peer(aName)).toBeVisible({ timeout: 60_000 })
    await expect(c.peer(bName)).toBeVisible({ timeout: 60_000 })
    await expect(a.peer(cName)).toBeVisible()
    await expect(b.peer(cName)).toBeVisible()
  } finally {
    await Promise.all(devices.map((device) => device.close()))
    await server?.close()
    await doomed?.close()
  }
})
