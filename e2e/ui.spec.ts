/**
 * The first screen is the devices (issue 14), on a phone and on a laptop: this device and "Share a
 * link" in view with no settings on it, each device's send action in view once paired, Settings and
 * History as views that Escape and Back close while the room stays joined, an offer as a modal
 * dialog that takes focus and gives it back, notices that never cover a send action, "0 bytes".
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { Device, expect, test } from './fixtures.ts'

const sizes = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
] as const

const overlaps = async (one: Locator, other: Locator): Promise<boolean> => {
  const [a, b] = [await one.boundingBox(), await other.boundingBox()]
  if (!a || !b) throw new Error('not rendered')
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

/** The element that has focus is inside an open dialog (or nowhere: the browser's own UI). */
const focusIsNotBehind = (page: Page): Promise<boolean> =>
  page.evaluate(
    () => document.activeElement === document.body || !!document.activeElement?.closest('dialog'),
  )

/** Opens a view from the header and closes it with `close`; the room and its peer stay. */
const openAndClose = async (
  device: Device,
  view: 'Settings' | 'History',
  close: 'Escape' | 'Back',
  peerName: string,
): Promise<void> => {
  const { page } = device
  const url = page.url()
  const button = page.getByRole('button', { name: view, exact: true })
  await button.click()
  const dialog = page.getByRole('dialog', { name: view })
  await expect(dialog).toBeVisible()
  expect(await dialog.evaluate((element) => element.matches(':modal'))).toBe(true)
  expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true)
  if (close === 'Escape') await page.keyboard.press('Escape')
  else await page.goBack()
  await expect(dialog).toHaveCount(0)
  if (close === 'Escape') await expect(button).toBeFocused()
  expect(page.url(), 'the room in the fragment stays').toBe(url)
  await expect(device.peer(peerName)).toBeVisible()
}

for (const size of sizes) {
  test(`${size.width}×${size.height}: devices first, views, offer dialog, notices @ui`, async ({
    browser,
  }, testInfo) => {
    test.setTimeout(120_000)
    const a = await Device.open(browser)
    await a.page.setViewportSize(size)
    // The first screen: this device and "Share a link", no settings or history on it.
    await expect(a.page.getByTestId('my-name')).toBeInViewport()
    await expect(a.page.getByRole('button', { name: 'Share a link' })).toBeInViewport()
    for (const control of ['language', 'theme', 'auto-accept', 'connection-settings', 'history']) {
      await expect(a.page.getByTestId(control), control).toHaveCount(0)
    }

    const link = await a.shareLink()
    const b = await Device.open(browser, link)
    await b.page.setViewportSize(size)
    const [aName, bName] = [await a.name(), await b.name()]
    for (const [device, other] of [
      [a, bName],
      [b, aName],
    ] as const) {
      await expect(
        device.peer(other).getByRole('button', { name: 'Send files' }),
        'a device’s send action without scrolling',
      ).toBeInViewport()
    }

    await openAndClose(a, 'Settings', 'Escape', bName)
    await openAndClose(a, 'Settings', 'Back', bName)
    await openAndClose(a, 'History', 'Escape', bName)
    await openAndClose(a, 'History', 'Back', bName)
    // Still in the room: B still lists A.
    await expect(b.peer(aName)).toBeVisible()

    // An offer is a modal dialog: focus moves in, stays there, and comes back after.
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    const empty = join(dir, 'empty.txt')
    await writeFile(empty, '')
    const sendFiles = b.peer(aName).getByRole('button', { name: 'Send files' })
    await sendFiles.focus()
    await a.sendFiles(bName, [empty])
    const dialog = b.page.getByRole('dialog', { name: `${aName} wants to send you a file` })
    await expect(dialog).toBeVisible()
    await expect(dialog).toContainText('empty.txt')
    await expect(dialog).toContainText('0 bytes')
    expect(await dialog.evaluate((element) => element.matches(':modal'))).toBe(true)
    await expect.poll(() => focusIsNotBehind(b.page)).toBe(true)
    expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true)
    for (let press = 0; press < 4; press++) {
      await b.page.keyboard.press('Tab')
      expect(await focusIsNotBehind(b.page), `Tab ${press + 1}`).toBe(true)
    }
    await b.page.keyboard.press('Escape')
    await expect(dialog, 'an offer needs an answer').toBeVisible()
    await dialog.getByRole('button', { name: 'Accept' }).click()
    await expect(dialog).toHaveCount(0)
    await expect(sendFiles).toBeFocused()
    await expect(b.transfer('receive')).toHaveAttribute('data-state', 'complete')
    await expect(b.transfer('receive')).toContainText('0 bytes')

    // A notice sits at the edge of the screen, beside the view, never over a send action.
    await a.page.evaluate(() => {
      const data = new DataTransfer()
      data.setData('text/plain', 'a note')
      window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data }))
    })
    const notice = a.page.getByTestId('notice').first()
    await expect(notice).toBeVisible()
    const send = a.peer(bName).getByRole('button', { name: 'Send files' })
    await send.scrollIntoViewIfNeeded()
    expect(await overlaps(notice, send)).toBe(false)
    expect(await overlaps(notice, a.page.locator('main'))).toBe(false)

    if (size.width === 390) {
      // The layout holds from a small phone to a large desktop, without sideways scrolling.
      for (const width of [320, 1440]) {
        await a.page.setViewportSize({ width, height: 800 })
        const overflow = await a.page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        )
        expect(overflow, `horizontal overflow at ${width} px`).toBe(0)
      }
    }
    await Promise.all([a.close(), b.close()])
  })
}
