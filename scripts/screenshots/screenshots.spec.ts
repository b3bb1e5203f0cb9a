/**
 * Renders the main states (empty, two devices, an offer, a transfer in progress, settings, history)
 * at a phone's and a laptop's size, light and dark, into docs/screenshots/<state>-<size>-<scheme>.png.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { Device, expect, test, writeRandomFile } from '../../e2e/fixtures.ts'

const outDir = 'docs/screenshots'
const sizes = {
  phone: { width: 390, height: 844 },
  laptop: { width: 1280, height: 800 },
} as const

const shoot = async (page: Page, state: string, size: keyof typeof sizes): Promise<void> => {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' })
    // The caret and focus ring would differ from run to run.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.screenshot({ path: join(outDir, `${state}-${size}-${colorScheme}.png`) })
  }
}

/** A real PNG with a gradient, drawn by the browser, for the offer's preview. */
const photo = async (page: Page): Promise<Buffer> => {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 640
    canvas.height = 400
    const context = canvas.getContext('2d')
    if (!context) throw new Error('no 2d context')
    const gradient = context.createLinearGradient(0, 0, 640, 400)
    gradient.addColorStop(0, '#f97316')
    gradient.addColorStop(1, '#1d4ed8')
    context.fillStyle = gradient
    context.fillRect(0, 0, 640, 400)
    return canvas.toDataURL('image/png')
  })
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64')
}

for (const size of Object.keys(sizes) as (keyof typeof sizes)[]) {
  test(`screenshots at ${size} size`, async ({ browser }, testInfo) => {
    await mkdir(outDir, { recursive: true })
    const files = testInfo.outputPath('files')
    await mkdir(files, { recursive: true })
    // Large enough to stay in progress for a few seconds over loopback.
    const big = await writeRandomFile(join(files, 'holiday-video.mp4'), 384 * 1024 * 1024)

    const a = await Device.open(browser)
    const beach = join(files, 'beach.png')
    await writeFile(beach, await photo(a.page))
    await a.page.setViewportSize(sizes[size])
    await a.rename('Amber Otter')
    await expect(a.page.getByTestId('no-peers')).toBeVisible()
    await shoot(a.page, 'empty', size)

    const link = await a.shareLink()
    const b = await Device.open(browser, link)
    await b.page.setViewportSize(sizes[size])
    await b.rename('Teal Heron')
    await expect(a.peer('Teal Heron')).toBeVisible()
    await expect(b.peer('Amber Otter')).toBeVisible()
    await shoot(a.page, 'devices', size)

    await a.peer('Teal Heron').getByTestId('file-input').setInputFiles([beach, big])
    const offer = b.page.getByRole('dialog')
    await expect(offer.getByTestId('offer-preview')).toBeVisible()
    await shoot(b.page, 'offer', size)

    await offer.getByRole('button', { name: 'Accept' }).click()
    await expect(a.transfer('send').getByTestId('speed-trace')).toBeVisible()
    // Some seconds of speed for the line to show: its oldest point a fifth of the way in.
    const line = a.transfer('send').getByTestId('speed-trace').locator('polyline')
    await expect
      .poll(async () => Number((await line.getAttribute('points'))?.split(',')[0] ?? 96), {
        timeout: 60_000,
      })
      .toBeLessThan(77)
    await a.transfer('send').scrollIntoViewIfNeeded()
    await shoot(a.page, 'transfer', size)
    await a.transfer('send').getByRole('button', { name: 'Cancel' }).click()

    await a.page.getByRole('button', { name: 'Settings' }).click()
    await expect(a.page.getByRole('dialog', { name: 'Settings' })).toBeVisible()
    await shoot(a.page, 'settings', size)
    await a.page.keyboard.press('Escape')
    await a.page.getByRole('button', { name: 'History' }).click()
    await expect(a.page.getByRole('dialog', { name: 'History' })).toBeVisible()
    await expect(a.page.getByTestId('history-entry')).not.toHaveCount(0)
    await shoot(a.page, 'history', size)
    await Promise.all([a.close(), b.close()])
  })
}
