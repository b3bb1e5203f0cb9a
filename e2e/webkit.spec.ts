/**
 * WebKit (issue 16): Debian's WebKitGTK MiniBrowser over WebKitWebDriver (webkit.ts). It has no
 * RTCPeerConnection at all (Debian builds it without WebRTC), so no transfer can be tested; what
 * can be is the app shell: it loads, renders, says plainly that this browser cannot connect,
 * installs its service worker and starts again with the server gone. See docs/browsers.md.
 */
import { startStaticServer } from '../scripts/static-server.ts'
import { expect, test } from './fixtures.ts'
import { WebKitPage } from './webkit.ts'

const myName = `return document.querySelector('[data-testid="my-name"]')?.innerText`

test.describe('WebKit @webkit', () => {
  test('the app loads, says it cannot connect here, installs its service worker and starts offline @webkit', async () => {
    test.setTimeout(120_000)
    // A server of this test's own, so that it can go away while the browser stays.
    const server = await startStaticServer({
      root: 'dist',
      config: { relayUrls: [process.env['FERRY_RELAY_URL'] ?? ''], iceServers: [] },
    })
    let serverUp = true
    const page = await WebKitPage.launch()
    try {
      await page.goto(server.url)
      const name = await page.waitFor<string>('the device name', myName, 30_000)
      expect(name).toMatch(/^\p{L}+ \p{L}+$/u)
      expect(await page.evaluate(`return typeof RTCPeerConnection`)).toBe('undefined')
      // The app says so instead of waiting for devices that can never connect.
      const limits = await page.evaluate<string[]>(
        `return [...document.querySelectorAll('[data-testid="browser-limit"]')].map((li) => li.dataset.limit)`,
      )
      expect(limits).toContain('webrtc')
      expect(
        await page.evaluate<string>(
          `return document.querySelector('[data-limit="webrtc"]').innerText`,
        ),
      ).toContain('cannot make WebRTC connections')

      await page.waitFor(
        'the service worker to control the page',
        `await navigator.serviceWorker.ready; return navigator.serviceWorker.controller !== null`,
        30_000,
      )
      await server.close()
      serverUp = false
      await page.reload()
      // Served by the service worker alone: the same device, from storage, with no server.
      expect(await page.waitFor<string>('the device name offline', myName, 30_000)).toBe(name)
      expect(
        await page.evaluate<number>(
          `return document.querySelectorAll('[data-testid="browser-limit"]').length`,
        ),
      ).toBeGreaterThan(0)
    } finally {
      await page.close()
      if (serverUp) await server.close()
    }
  })
})
