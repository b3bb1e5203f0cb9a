/**
 * @share: files and text shared from the OS (a multipart POST to the share target, handled by the
 * service worker), and pasted files, land in the "Ready to send" tray and reach a device from there.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Device, expect, saveAndCompare, test, writeRandomFile } from './fixtures.ts'

test.describe('@share', () => {
  test('a share from the OS opens the app with its files and text staged, ready to send', async ({
    browser,
  }, testInfo) => {
    test.setTimeout(150_000)
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    const sources = [
      {
        name: 'holiday photo.jpg',
        path: await writeRandomFile(join(dir, 'holiday photo.jpg'), 300_000),
      },
      {
        name: 'notes – ünïcødé.txt',
        path: await writeRandomFile(join(dir, 'notes – ünïcødé.txt'), 1234),
      },
    ]
    const receiver = await Device.open(browser)
    const sharer = await Device.open(browser)
    try {
      const link = await receiver.shareLink()
      const page = sharer.page
      // Installed apps get shares through their service worker: it must be in control.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)

      // What the OS does: a multipart POST navigation to the manifest's share_target action.
      const manifest = await page.evaluate(async () => {
        const href = document.querySelector('link[rel="manifest"]')?.getAttribute('href') ?? ''
        return (await (await fetch(href)).json()) as {
          share_target: { action: string; method: string; enctype: string }
        }
      })
      expect(manifest.share_target).toMatchObject({
        method: 'POST',
        enctype: 'multipart/form-data',
      })
      await page.evaluate((action) => {
        const form = document.createElement('form')
        form.method = 'post'
        form.enctype = 'multipart/form-data'
        form.action = action
        form.id = 'os-share'
        form.innerHTML =
          '<input type="file" name="files" multiple>' +
          '<input name="title" value="Trip">' +
          '<input name="text" value="Pictures from the trip">' +
          '<input name="url" value="https://example.org/trip">' +
          '<button type="submit">Share</button>'
        document.body.append(form)
      }, manifest.share_target.action)
      await page.locator('#os-share input[type="file"]').setInputFiles(sources.map((s) => s.path))
      // The service worker keeps the share and answers 303 to the app, which reads it.
      await page.locator('#os-share button').click()

      const tray = page.getByTestId('staged-tray')
      await expect(tray).toBeVisible()
      const items = tray.getByTestId('staged-item')
      await expect(items).toHaveCount(3)
      for (const { name } of sources) await expect(tray).toContainText(name)
      await expect(tray.locator('[data-kind="text"]')).toContainText('Pictures from the trip')
      // The launch parameters are gone from the address: a reload does not stage them again.
      expect(new URL(page.url()).searchParams.has('shared')).toBe(false)

      // Join the receiver's room without reloading (the tray lives in this page), then send.
      await page.evaluate((hash) => (location.hash = hash), new URL(link).hash)
      const receiverName = await receiver.name()
      await expect(sharer.peer(receiverName)).toBeVisible()
      await tray.getByRole('button', { name: `Send to ${receiverName}` }).click()
      await expect(tray).toHaveCount(0)

      const offer = receiver.page.getByTestId('offer')
      await expect(offer).toContainText('2 files')
      await offer.getByRole('button', { name: 'Accept' }).click()
      await expect(receiver.transfer('receive')).toHaveAttribute('data-state', 'complete')
      await saveAndCompare(receiver, sources, dir)
      const message = receiver.page.getByTestId('text-body')
      await expect(message).toContainText('Trip')
      await expect(message).toContainText('Pictures from the trip')
      await expect(message).toContainText('https://example.org/trip')
    } finally {
      await Promise.all([receiver.close(), sharer.close()])
    }
  })

  test('a pasted file, and pasted text, are staged; removing one leaves the other', async ({
    browser,
  }) => {
    const device = await Device.open(browser)
    try {
      const { page } = device
      // A real paste event, as the browser fires it, carrying a file and then text.
      await page.evaluate(() => {
        const files = new DataTransfer()
        files.items.add(new File(['pasted bytes'], 'pasted.txt', { type: 'text/plain' }))
        document.body.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: files, bubbles: true, cancelable: true }),
        )
        const text = new DataTransfer()
        text.setData('text/plain', 'a pasted note')
        document.body.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: text, bubbles: true, cancelable: true }),
        )
      })
      const tray = page.getByTestId('staged-tray')
      await expect(tray.getByTestId('staged-item')).toHaveCount(2)
      await expect(tray.locator('[data-kind="file"]')).toContainText('pasted.txt')
      await expect(tray.locator('[data-kind="text"]')).toContainText('a pasted note')

      await tray.getByRole('button', { name: 'Remove pasted.txt' }).click()
      await expect(tray.getByTestId('staged-item')).toHaveCount(1)
      await expect(tray.locator('[data-kind="text"]')).toContainText('a pasted note')
      await tray.getByRole('button', { name: 'Clear all' }).click()
      await expect(tray).toHaveCount(0)
    } finally {
      await device.close()
    }
  })
})
