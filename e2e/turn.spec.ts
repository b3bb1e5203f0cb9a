/**
 * TURN: the global set-up runs coturn on 127.0.0.1 with a test user, and serves the app with a
 * config.json that names only that server and sets `iceTransportPolicy: 'relay'`, so no direct
 * route is even tried. Also served: the same policy with no TURN server, where nothing can connect.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import {
  Device,
  connectPair,
  expect,
  saveAndCompare,
  serverUrl,
  test,
  writeRandomFile,
} from './fixtures.ts'

/** Opens a peer's connection details and returns the route entry. */
const routeTo = async (device: Device, peerName: string) => {
  const details = device.peer(peerName).getByTestId('connection')
  await details.locator('summary').click()
  return details.getByTestId('connection-route')
}

test.describe('TURN @turn', () => {
  test('with relay-only ICE, a transfer goes through coturn and arrives verified @turn', async ({
    browser,
  }, testInfo) => {
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    const source = { name: 'through turn.bin', path: join(dir, 'through turn.bin') }
    await writeRandomFile(source.path, 2 * 1024 * 1024 + 13)

    const { a, b, aName, bName } = await connectPair(browser, serverUrl('FERRY_TURN_URL'))
    await a.sendFiles(bName, [source.path])
    await b.page.getByTestId('offer').getByRole('button', { name: 'Accept' }).click()
    await expect(b.transfer('receive')).toHaveAttribute('data-state', 'complete')
    await expect(a.transfer('send')).toContainText('Sent and verified')
    await saveAndCompare(b, [source], dir)

    // What getStats says about the selected candidate pair, as each side's peer card shows it.
    for (const [device, other] of [
      [a, bName],
      [b, aName],
    ] as const) {
      const route = await routeTo(device, other)
      await expect(route).toHaveAttribute('data-route', 'relayed')
      await expect(route).toContainText('Relayed through a TURN server')
      await expect(route).toContainText(/relay ↔ relay, udp/)
      await expect(device.peer(other).getByTestId('connection-rtt')).toHaveText(/^\d+ ms$/)
      await expect(device.peer(other).getByTestId('connection-relays')).toHaveText(
        '1 of 1 connected',
      )
    }
    await Promise.all([a.close(), b.close()])
  })

  test('with relay-only ICE and no TURN server, a device that is found says a TURN server is needed @turn', async ({
    browser,
  }) => {
    const a = await Device.open(browser, serverUrl('FERRY_NO_TURN_URL'))
    const link = await a.shareLink()
    const b = await Device.open(browser, link)
    // Trystero gives up on a connection about 23 s after the descriptions were exchanged.
    for (const device of [a, b]) {
      await expect(device.page.getByTestId('peer-unreachable')).toContainText(
        'this network needs a TURN server',
        { timeout: 60_000 },
      )
      await expect(device.peers()).toHaveCount(0)
    }
    await Promise.all([a.close(), b.close()])
  })
})
