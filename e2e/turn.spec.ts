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

/** Types the test TURN server into Settings → Connection, relay-only, and restarts the app. */
const useTurnFromSettings = async (device: Device) => {
  const turn = JSON.parse(process.env['FERRY_TURN_SERVER'] ?? 'null') as {
    urls: string
    username: string
    credential: string
  } | null
  if (!turn) throw new Error('ferry e2e: coturn is not installed (apt-get install coturn)')
  const page = device.page
  await device.openSettings()
  const settings = page.getByTestId('connection-settings')
  await settings.getByText('Connection settings').click()
  // Refused first: a malformed address, and TURN without credentials.
  await settings.getByLabel('Addresses (one per line)').fill('turn:bad host')
  await settings.getByRole('button', { name: 'Save' }).click()
  await expect(settings.getByTestId('connection-error-turnUrls')).toContainText('turn:bad host')
  await expect(settings.getByLabel('Addresses (one per line)')).toHaveAttribute(
    'aria-invalid',
    'true',
  )
  await settings.getByLabel('Addresses (one per line)').fill(turn.urls)
  await settings.getByRole('button', { name: 'Save' }).click()
  await expect(settings.getByTestId('connection-error-turnCredentials')).toBeVisible()
  await settings.getByLabel('Username').fill(turn.username)
  await settings.getByLabel('Credential').fill(turn.credential)
  await settings.getByLabel('Send everything through the TURN server').check()
  await settings.getByRole('button', { name: 'Save' }).click()
  await expect(settings.getByTestId('connection-status')).toContainText('Saved.')
  await settings.getByRole('button', { name: 'Restart Ferry now' }).click()
  await expect(page.getByTestId('my-name')).toBeVisible()
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

  test('a TURN server typed into the settings is validated, saved, and used after a restart @turn', async ({
    browser,
  }) => {
    const a = await Device.open(browser)
    const b = await Device.open(browser)
    await useTurnFromSettings(a)
    await useTurnFromSettings(b)
    // Saved settings come back into the form.
    await a.openSettings()
    await a.page.getByTestId('connection-settings').getByText('Connection settings').click()
    await expect(a.page.getByLabel('Username')).toHaveValue('test')
    await expect(a.page.getByLabel('Send everything through the TURN server')).toBeChecked()
    const link = await a.shareLink()
    await b.page.goto(link)
    const [aName, bName] = [await a.name(), await b.name()]
    // Two restarted pages meeting through TURN on a loaded machine: give it time.
    await expect(a.peer(bName)).toBeVisible({ timeout: 60_000 })
    await expect(b.peer(aName)).toBeVisible({ timeout: 60_000 })
    await expect(await routeTo(b, aName)).toHaveAttribute('data-route', 'relayed')
    // Reset: the defaults of this server (no ICE servers) are back after a restart.
    await a.openSettings()
    const settings = a.page.getByTestId('connection-settings')
    await settings.getByText('Connection settings').click()
    await settings.getByRole('button', { name: 'Reset to defaults' }).click()
    await expect(settings.getByTestId('connection-status')).toContainText('Back to the defaults.')
    await expect(a.page.getByLabel('Username')).toHaveValue('')
    await a.page.reload()
    await a.openSettings()
    await a.page.getByTestId('connection-settings').getByText('Connection settings').click()
    await expect(a.page.getByLabel('Addresses (one per line)')).toHaveValue('')
    await Promise.all([a.close(), b.close()])
  })
})
