/**
 * @hardening: every way in, played by the attacker. A link that names its own relays, a page that
 * moves Ferry's address to another room, a peer that sends HTML and disguised names, another site
 * posting to the share target, a served config asking a production build for test hooks, and the
 * headers a host sends. (The Content Security Policy is checked in every test of the suite: see
 * fixtures.ts.)
 */
import { createServer } from 'node:http'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { defaultAppId } from '../src/lib/signalling/config.ts'
import { createRoomLink, parseRoomFragment } from '../src/lib/signalling/link.ts'
import { serveHostilePeer } from './hostile-peer/build.ts'
import { appUrl, Device, expect, serverUrl, test } from './fixtures.ts'

interface HostileApi {
  join(appId: string, relayUrls: string[], roomId: string, password: string): void
  peerNamed(name: string): Promise<string>
  send(peerId: string, message: unknown): Promise<void>
  sendFiles(peerId: string, files: { name: string; type: string; text: string }[]): Promise<void>
  fixedCertificate(): Promise<void>
  offerAndCancel(peerId: string, rounds: number, gapMs: number): Promise<number>
}
declare const hostile: HostileApi

const fragmentOf = (link = createRoomLink()) =>
  `#${new URLSearchParams({ room: link.roomId, key: link.secret }).toString()}`

test.describe('hostile input @hardening', () => {
  test("a link's relays wait for the person, serve that room alone, and leave nearby alone @hardening", async ({
    browser,
  }) => {
    // A relay nobody answers on: were it applied to every room, nearby devices could not meet.
    const linkRelay = 'ws://127.0.0.1:9'
    const nearbyUrl = serverUrl('FERRY_NEARBY_A_URL')
    const a = await Device.open(browser, `${nearbyUrl}?relays=${linkRelay}${fragmentOf()}`)
    const sockets: string[] = []
    a.page.on('websocket', (socket) => sockets.push(socket.url()))
    const prompt = a.page.getByTestId('confirm-relays')
    await expect(prompt).toBeVisible()
    await expect(prompt).toContainText(linkRelay)

    // Until the person answers, the link's relay is not used, and nearby devices meet as ever.
    const b = await Device.open(browser, nearbyUrl)
    await expect(b.peer(await a.name())).toBeVisible()
    await expect(a.peer(await b.name())).toBeVisible()
    expect(sockets.filter((url) => url.startsWith(linkRelay))).toEqual([])

    await prompt.getByRole('button', { name: 'Use them for this room' }).click()
    await expect(prompt).toBeHidden()
    await expect.poll(() => sockets.some((url) => url.startsWith(linkRelay))).toBe(true)
    // Trystero keeps one set of relays per page: nearby waits rather than announce on the link's.
    await expect(
      a.page.getByText('Nearby waits while this room uses its link’s relays.'),
    ).toBeVisible()
    await expect(a.page.getByTestId('room-link')).toHaveValue(
      /\?relays=ws%3A%2F%2F127\.0\.0\.1%3A9#/,
    )
    // A new link of this device's own does not carry them on.
    await a.page.getByRole('button', { name: 'New link' }).click()
    await expect(a.page.getByTestId('room-link')).not.toHaveValue(/relays=/)
    // Back on this device's own relays, nearby comes back: a name change reaches the other device.
    await expect(a.peer(await b.name())).toBeVisible()
    await a.rename('Renamed Heron')
    await expect(b.peer('Renamed Heron')).toBeVisible()

    // Refused: the room is joined on the device's own relays, and the address forgets the relays.
    const c = await Device.open(browser, `${appUrl()}?relays=${linkRelay}${fragmentOf()}`)
    await c.page
      .getByTestId('confirm-relays')
      .getByRole('button', { name: 'Use my own relays' })
      .click()
    await expect(c.page.getByTestId('room-link')).toHaveValue(/#room=/)
    expect(new URL(c.page.url()).search).toBe('')
    await Promise.all([a.close(), b.close(), c.close()])
  })

  test('a fragment that names another room asks first; leaving clears the address, and a reload stays out @hardening', async ({
    browser,
  }) => {
    const a = await Device.open(browser)
    const first = await a.shareLink()
    const roomLink = a.page.getByTestId('room-link')
    const prompt = a.page.getByTestId('confirm-room-switch')
    const other = fragmentOf()

    // What any page holding a handle to this window can do.
    await a.page.evaluate((hash) => (location.hash = hash), other)
    await expect(prompt).toBeVisible()
    await prompt.getByRole('button', { name: 'Stay here' }).click()
    await expect(roomLink).toHaveValue(first)
    expect(a.page.url()).toBe(first)

    await a.page.evaluate((hash) => (location.hash = hash), other)
    await prompt.getByRole('button', { name: 'Join the other room' }).click()
    await expect(roomLink).toHaveValue(new RegExp(`${other}$`))

    await a.page.getByRole('button', { name: 'Leave room' }).click()
    await expect(roomLink).toBeHidden()
    await expect.poll(() => new URL(a.page.url()).hash).toBe('')
    await a.page.reload()
    await expect(a.page.getByTestId('my-name')).toBeVisible()
    await expect(a.page.getByRole('button', { name: 'Share a link' })).toBeVisible()
    await expect(roomLink).toBeHidden()
    await a.close()
  })

  test('files from a peer save as plain bytes under their sent names made safe; disguised names are cleaned @hardening', async ({
    browser,
  }, testInfo) => {
    const hostilePage = await serveHostilePeer()
    const a = await Device.open(browser)
    const link = parseRoomFragment(new URL(await a.shareLink()).hash)
    if (!link) throw new Error('no room')
    const h = await (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage()
    await h.goto(hostilePage.url)
    await h.waitForFunction(() => 'hostile' in globalThis)
    await h.evaluate(
      ([appId, relay, roomId, password]) => hostile.join(appId, [relay], roomId, password),
      [defaultAppId, process.env['FERRY_RELAY_URL'] ?? '', link.roomId, link.secret] as const,
    )
    const peerId = await h.evaluate((name) => hostile.peerNamed(name), await a.name())
    await h.evaluate(
      (target) =>
        hostile.send(target, {
          type: 'hello',
          version: 1,
          name: 'Mal\u202Eyrol\u200B\uFEFF',
          device: 'laptop',
        }),
      peerId,
    )
    await expect(a.peer('Malyrol')).toBeVisible()

    // A message that is one address shows its real host, not the text around it.
    await h.evaluate(
      (target) =>
        hostile.send(target, {
          type: 'text',
          id: `${'T'.repeat(21)}A`,
          text: 'https://bank.example@evil.example/login',
        }),
      peerId,
    )
    await expect(a.page.getByTestId('text-link')).toHaveText('evil.example')

    // Every blob the page hands to a download, by its type.
    await a.page.evaluate(() => {
      const types: string[] = []
      const create = URL.createObjectURL.bind(URL)
      Object.assign(globalThis, { downloadTypes: types })
      URL.createObjectURL = (object) => {
        if (object instanceof Blob) types.push(object.type)
        return create(object)
      }
    })
    const files = [
      { name: 'page.html', type: 'text/html', text: '<script>alert(document.domain)</script>' },
      { name: 'empty', type: '', text: 'no extension, no type' },
      { name: 'photo\u202Egnp.txt', type: 'image/svg+xml', text: '<svg onload="alert(1)"/>' },
      { name: 'na\u200Bme\u2028.txt', type: 'text/plain', text: 'zero width' },
    ]
    const sent = h.evaluate(([target, list]) => hostile.sendFiles(target, list), [
      peerId,
      files,
    ] as const)
    const offer = a.page.getByTestId('offer').filter({ hasText: 'Malyrol' })
    await expect(offer).toContainText('photognp.txt')
    await offer.getByRole('button', { name: 'Accept', exact: true }).click()
    await sent
    const transfer = a.transfer('receive')
    await expect(transfer).toHaveAttribute('data-state', 'complete')
    const saved = ['page.html', 'empty', 'photognp.txt', 'name.txt']
    for (const [index, name] of saved.entries()) {
      const [download] = await Promise.all([
        a.page.waitForEvent('download'),
        transfer.getByRole('button', { name: `Save ${name}`, exact: true }).click(),
      ])
      expect(download.suggestedFilename()).toBe(name)
      const path = testInfo.outputPath(`saved-${index}`)
      await download.saveAs(path)
      expect(await readFile(path, 'utf8')).toBe(files[index]?.text)
    }
    const types = await a.page.evaluate(
      () => (globalThis as unknown as { downloadTypes: string[] }).downloadTypes,
    )
    expect(types).toEqual(saved.map(() => 'application/octet-stream'))
    await h.context().close()
    await a.close()
    await hostilePage.close()
  })

  test('500 offer-and-cancel rounds leave no card or history and block the peer; coming back does not reset its count @hardening', async ({
    browser,
  }) => {
    const hostilePage = await serveHostilePeer()
    const a = await Device.open(browser)
    const link = parseRoomFragment(new URL(await a.shareLink()).hash)
    if (!link) throw new Error('no room')
    const context = await browser.newContext()
    let h = await context.newPage()
    const room = [
      defaultAppId,
      process.env['FERRY_RELAY_URL'] ?? '',
      link.roomId,
      link.secret,
    ] as const
    const join = async () => {
      await h.goto(hostilePage.url)
      await h.waitForFunction(() => 'hostile' in globalThis)
      // A device that keeps its certificate (in IndexedDB): coming back, it is the same device.
      await h.evaluate(() => hostile.fixedCertificate())
      await h.evaluate(
        ([appId, relay, roomId, password]) => hostile.join(appId, [relay], roomId, password),
        room,
      )
      const peerId = await h.evaluate((name) => hostile.peerNamed(name), await a.name())
      await h.evaluate(
        (target) =>
          hostile.send(target, { type: 'hello', version: 1, name: 'Mallory', device: 'laptop' }),
        peerId,
      )
      await expect(a.peer('Mallory')).toBeVisible()
      return peerId
    }
    let peerId = await join()

    // One real transfer first: the person's history holds it.
    const sent = h.evaluate(
      (target) =>
        hostile.sendFiles(target, [{ name: 'kept.txt', type: 'text/plain', text: 'kept' }]),
      peerId,
    )
    await a.page.getByTestId('offer').getByRole('button', { name: 'Accept', exact: true }).click()
    await sent
    await expect(a.transfer('receive')).toHaveAttribute('data-state', 'complete')

    // 40 offers withdrawn, just under the rate for offers: each counts, none blocks yet.
    const gapMs = 150
    expect(
      await h.evaluate(([target, gap]) => hostile.offerAndCancel(target, 40, gap), [
        peerId,
        gapMs,
      ] as const),
    ).toBe(40)
    // The lane keeps order: once a text sent after them shows, every withdrawal has been counted.
    await h.evaluate(
      (target) =>
        hostile.send(target, { type: 'text', id: `${'T'.repeat(21)}A`, text: 'all sent' }),
      peerId,
    )
    await expect(a.page.getByTestId('text-body')).toHaveText('all sent')
    await expect(a.page.locator('[data-testid="peer"][data-blocked="true"]')).toHaveCount(0)

    // It leaves and comes back, a new page and peer id with the same certificate: its count goes on.
    await h.close()
    await expect(a.peer('Mallory')).toBeHidden()
    h = await context.newPage()
    peerId = await join()
    const rounds = await h.evaluate(([target, gap]) => hostile.offerAndCancel(target, 460, gap), [
      peerId,
      gapMs,
    ] as const)
    const blocked = a.page.locator('[data-testid="peer"][data-blocked="true"]')
    await expect(blocked).toHaveAttribute('data-peer-name', 'Mallory')
    // A fresh count would have let 64 through; the kept one, the 24 left of it (one in flight).
    expect(rounds).toBeLessThan(40)
    expect(rounds).toBeGreaterThanOrEqual(20)

    // No card and no history entry for any of them; the person's own transfer is still there.
    await expect(a.page.getByTestId('offer')).toHaveCount(0)
    await expect(a.page.getByTestId('transfer')).toHaveCount(1)
    const history = await a.openHistory()
    await expect(history.getByTestId('history-entry')).toHaveCount(1)
    await expect(history.getByTestId('history-entry')).toContainText('kept.txt')
    await a.closeView()
    await context.close()
    await a.close()
    await hostilePage.close()
  })

  test('a form on another site posting to the share target stages nothing @hardening', async ({
    browser,
  }) => {
    const a = await Device.open(browser)
    await a.page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    // Another origin, with an ordinary site's referrer policy (Ferry's own server sends none).
    const target = new URL('share-target', appUrl()).href
    const attacker = createServer((_request, response) =>
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(
        `<!doctype html><meta name="referrer" content="strict-origin-when-cross-origin">
         <form method="post" enctype="multipart/form-data" action="${target}">
           <input type="file" name="files"><input name="text" value="planted">
           <button>Go</button>
         </form>`,
      ),
    )
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    const address = attacker.address()
    const port = typeof address === 'object' && address ? address.port : 0
    try {
      const page = await a.context.newPage()
      await page.goto(`http://127.0.0.1:${port}/`)
      await page
        .locator('input[type="file"]')
        .setInputFiles({ name: 'planted.txt', mimeType: 'text/plain', buffer: Buffer.from('x') })
      await page.getByRole('button', { name: 'Go' }).click()
      await expect(page.locator('body')).toContainText('share menu only')
      await page.close()
      await a.page.goto(appUrl())
      await expect(a.page.getByTestId('my-name')).toBeVisible()
      await expect(a.page.getByTestId('staged-tray')).toHaveCount(0)
    } finally {
      attacker.closeAllConnections()
      await new Promise((resolve) => attacker.close(resolve))
      await a.close()
    }
  })

  test('the production build ignores testHooks in its served config; the host sends the headers @hardening', async ({
    browser,
  }) => {
    // The hooks are installed as the first room opens (main.ts): open one on each build.
    const production = await Device.open(browser, serverUrl('FERRY_PRODUCTION_URL'))
    await production.shareLink()
    // A relay connected: the room was made, through whatever hooks the build has.
    await expect(production.page.locator('[data-testid="relay-status"] .dot.ok')).toBeVisible()
    expect(await production.page.evaluate(() => 'ferryTest' in globalThis)).toBe(false)
    // Its code has none of the hooks; the test build (every other test) has them.
    const scripts = async (dir: string) => {
      const names = (await readdir(join(dir, 'assets'))).filter((name) => name.endsWith('.js'))
      const texts = await Promise.all(
        names.map((name) => readFile(join(dir, 'assets', name), 'utf8')),
      )
      return texts.join('\n')
    }
    expect(await scripts('dist')).not.toContain('ferryTest')
    const testBuild = await Device.open(browser)
    await testBuild.shareLink()
    await expect.poll(() => testBuild.page.evaluate(() => 'ferryTest' in globalThis)).toBe(true)

    const response = await production.page.request.get(serverUrl('FERRY_PRODUCTION_URL'))
    const headers = response.headers()
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(headers['content-security-policy']).toContain("object-src 'none'")
    expect(headers['cross-origin-opener-policy']).toBe('same-origin')
    expect(headers['referrer-policy']).toBe('no-referrer')
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['permissions-policy']).toContain('geolocation=()')
    await expect(
      production.page.locator('meta[http-equiv="Content-Security-Policy"]'),
    ).toHaveAttribute('content', /base-uri 'none'/)
    await Promise.all([production.close(), testBuild.close()])
  })
})
