/**
 * Accessibility of the main states, light and dark: axe-core finds no violations. Plus the look and
 * language settings: a saved theme applies before the app's script runs, a chosen language stays.
 */
import AxeBuilder from '@axe-core/playwright'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { connectPair, Device, expect, test, writeRandomFile } from './fixtures.ts'

/** Runs axe in light and in dark; a violation lists its rule and the elements it found. */
const expectNoViolations = async (page: Page, state: string): Promise<void> => {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const { violations } = await new AxeBuilder({ page }).analyze()
    const found = violations.map(
      (violation) =>
        `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(' | ')}`,
    )
    expect(found, `${state}, ${colorScheme}`).toEqual([])
  }
}

test.describe('accessibility @a11y', () => {
  test('empty page, settings and history have no axe violations, at 360 px too @a11y', async ({
    browser,
  }) => {
    const device = await Device.open(browser)
    const { page } = device
    await expect(page.getByTestId('no-peers')).toBeVisible()
    await expectNoViolations(page, 'empty')
    await device.openSettings()
    // The folded connection settings too.
    await page.getByTestId('connection-settings').getByText('Connection settings').click()
    await expectNoViolations(page, 'settings')
    await device.openHistory()
    await expectNoViolations(page, 'history')
    await device.closeView()
    await page.setViewportSize({ width: 360, height: 740 })
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    )
    expect(overflow, 'horizontal overflow at 360 px').toBe(0)
    await expectNoViolations(page, 'empty at 360 px')
    await device.openSettings()
    await expectNoViolations(page, 'settings at 360 px')
    await device.close()
  })

  test('peers, an incoming offer and a transfer in progress have no axe violations @a11y', async ({
    browser,
  }, testInfo) => {
    // Two devices, a 48 MiB file and four axe runs on a page busy receiving: a loaded machine is slow.
    test.setTimeout(300_000)
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    // Large enough to stay in progress while axe runs on both sides (the link here is slow).
    const big = await writeRandomFile(join(dir, 'big 48MiB.bin'), 48 * 1024 * 1024)
    const { a, b, aName, bName } = await connectPair(browser)
    await expectNoViolations(a.page, 'peers listed')

    await a.sendFiles(bName, [big])
    const offer = b.page.getByTestId('offer')
    await expect(offer).toContainText(`${aName} wants to send you a file`)
    await expectNoViolations(b.page, 'incoming offer')

    await offer.getByRole('button', { name: 'Accept' }).click()
    await expect(b.transfer('receive')).toHaveAttribute('data-state', 'transferring')
    await expect(a.transfer('send')).toHaveAttribute('data-state', 'transferring')
    await expectNoViolations(b.page, 'receiving')
    await expectNoViolations(a.page, 'sending')
    // Closing both ends stops the rest of the transfer.
    await Promise.all([a.close(), b.close()])
  })
})

/** A real PNG, drawn by the browser: a 320×200 gradient. */
const drawPng = async (page: Page): Promise<Buffer> => {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 320
    canvas.height = 200
    const context = canvas.getContext('2d')
    if (!context) throw new Error('no 2d context')
    const gradient = context.createLinearGradient(0, 0, 320, 200)
    gradient.addColorStop(0, '#f97316')
    gradient.addColorStop(1, '#1d4ed8')
    context.fillStyle = gradient
    context.fillRect(0, 0, 320, 200)
    return canvas.toDataURL('image/png')
  })
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64')
}

test.describe('previews and history @a11y', () => {
  test('an image offer shows its preview; history lists the transfer on both sides, stays, clears; a device can be forgotten @a11y', async ({
    browser,
  }) => {
    test.setTimeout(240_000)
    const { a, b, aName, bName } = await connectPair(browser)
    await (await a.openHistory()).getByTestId('history-empty').waitFor()
    await a.closeView()
    await a
      .peer(bName)
      .getByTestId('file-input')
      .setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: await drawPng(a.page) })

    const offer = b.page.getByTestId('offer')
    const preview = offer.getByTestId('offer-preview')
    await expect(preview).toHaveAttribute('src', /^data:image\/(webp|jpeg);base64,/)
    await expect(preview).toHaveAttribute('alt', 'sunset.png')
    const size = await preview.evaluate(async (image: HTMLImageElement) => {
      await image.decode()
      return { width: image.naturalWidth, height: image.naturalHeight }
    })
    expect(size).toEqual({ width: 96, height: 60 })
    await expectNoViolations(b.page, 'offer with a preview')

    await offer.getByRole('button', { name: 'Accept' }).click()
    await expect(b.transfer('receive')).toHaveAttribute('data-state', 'complete')
    await expect(a.transfer('send')).toHaveAttribute('data-state', 'complete')
    await a.openHistory()
    await b.openHistory()
    const sent = a.page.getByTestId('history-entry')
    await expect(sent).toHaveCount(1)
    await expect(sent).toHaveAttribute('data-direction', 'send')
    await expect(sent).toContainText(`To ${bName}`)
    await expect(sent).toContainText('sunset.png')
    await expect(sent.getByTestId('history-outcome')).toHaveText('Verified ✓')
    const received = b.page.getByTestId('history-entry')
    await expect(received).toHaveAttribute('data-direction', 'receive')
    await expect(received).toContainText(`From ${aName}`)
    await expectNoViolations(a.page, 'history')

    // Kept across a reload, with the device it was with.
    await b.page.reload()
    await b.openHistory()
    await expect(b.page.getByTestId('history-entry')).toContainText('sunset.png')
    const known = b.page.locator(`[data-testid="known-device"][data-name="${aName}"]`)
    await expect(known).toBeVisible()
    await b.page.getByTestId('clear-history').click()
    await expect(b.page.getByTestId('history-empty')).toBeVisible()
    await b.page.reload()
    await b.openHistory()
    await expect(b.page.getByTestId('history-empty')).toBeVisible()
    await expect(known).toBeVisible()
    // Forgotten while connected, it stays forgotten: meeting it again would remember it anew.
    await expect(b.peer(aName)).toBeVisible()
    await known.getByRole('button', { name: `Forget ${aName}` }).click()
    await expect(known).toHaveCount(0)
    await Promise.all([a.close(), b.close()])
  })
})

test.describe('look and language @a11y', () => {
  test('a chosen dark theme applies before the app script runs, and stays @a11y', async ({
    browser,
  }) => {
    const device = await Device.open(browser)
    const { page } = device
    await page.emulateMedia({ colorScheme: 'light' })
    const background = () =>
      page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
    const light = await background()
    await device.openSettings()
    await page.getByLabel('Theme').selectOption('dark')
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    const dark = await background()
    expect(dark).not.toBe(light)

    // Without the app's script only index.html's inline script can set the theme.
    await page.route(/\/assets\/index-[^/]+\.js$/, (route) => route.abort())
    await page.reload()
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    expect(await background()).toBe(dark)
    await page.unroute(/\/assets\/index-[^/]+\.js$/)
    await page.reload()
    await device.openSettings()
    await expect(page.getByLabel('Theme')).toHaveValue('dark')
    await page.getByLabel('Theme').selectOption('system')
    await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./)
    expect(await background()).toBe(light)
    await device.close()
  })

  test('a chosen language replaces every word, and stays after a reload @a11y', async ({
    browser,
  }) => {
    const device = await Device.open(browser)
    const { page } = device
    await device.openSettings()
    await page.getByLabel('Language').selectOption('de')
    await expect(page.locator('html')).toHaveAttribute('lang', 'de')
    await expect(page.getByRole('heading', { name: 'Einstellungen', exact: true })).toBeVisible()
    await device.closeView()
    await expect(page.getByRole('button', { name: 'Link teilen' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Einstellungen', exact: true })).toBeVisible()
    await page.reload()
    await expect(page.getByRole('heading', { name: 'Geräte', exact: true })).toBeVisible()
    await expectNoViolations(page, 'German')
    await device.openSettings()
    await expect(page.getByLabel('Sprache')).toHaveValue('de')
    await expectNoViolations(page, 'German settings')
    await page.getByLabel('Sprache').selectOption('auto')
    await expect(page.getByRole('heading', { name: 'Settings', exact: true })).toBeVisible()
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')
    await device.close()
  })
})
