/**
 * @offline: the service worker starts the app shell with no network, the app says that finding
 * devices needs a connection, and it finds devices again by itself once the network is back.
 */
import { Device, expect, test } from './fixtures.ts'

test.describe('@offline', () => {
  test('starts offline, says so, and finds devices again when the network returns', async ({
    browser,
  }) => {
    test.setTimeout(180_000)
    const a = await Device.open(browser)
    let b: Device | null = null
    try {
      const link = await a.shareLink()
      // The first visit installs the service worker, which takes the page over.
      await a.page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      await expect(a.page.getByTestId('offline')).toHaveCount(0)

      await a.context.setOffline(true)
      await a.page.reload()
      await expect(a.page.getByRole('heading', { name: 'Ferry', level: 1 })).toBeVisible()
      await expect(a.page.getByTestId('my-name')).toBeVisible()
      await expect(a.page.getByTestId('offline')).toContainText(
        'Finding devices needs an internet connection',
      )

      await a.context.setOffline(false)
      // Nobody reloads: the app reconnects to the relay on its own, and a device joining the same
      // link appears on both sides.
      await expect(a.page.getByTestId('offline')).toHaveCount(0, { timeout: 90_000 })
      b = await Device.open(browser, link)
      const [aName, bName] = [await a.name(), await b.name()]
      await expect(a.peer(bName)).toBeVisible({ timeout: 60_000 })
      await expect(b.peer(aName)).toBeVisible()
    } finally {
      await b?.close()
      await a.close()
    }
  })
})
