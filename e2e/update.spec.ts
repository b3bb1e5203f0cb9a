/**
 * @offline: a new deployment announces itself through a prompt, never reloads the page by itself,
 * and reloading from the prompt runs the new version. Two real builds served in turn from one
 * origin: the built app (dist/), then a second build of the same source with another build id.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startStaticServer } from '../scripts/static-server.ts'
import { Device, expect, test } from './fixtures.ts'

const run = promisify(execFile)

test.describe('@offline', () => {
  test('a new version waits for the person, and reloading runs it', async ({ browser }) => {
    // A production build on a loaded 2-core machine takes a while.
    test.setTimeout(360_000)
    const relayUrl = process.env['FERRY_RELAY_URL']
    if (!relayUrl) throw new Error('ferry e2e: FERRY_RELAY_URL is not set')
    const dir = await mkdtemp(join(tmpdir(), 'ferry-update-'))
    const nextDir = join(dir, 'next')
    const nextBuildId = `e2e-next-${Date.now()}`
    const server = await startStaticServer({
      root: 'dist',
      config: { relayUrls: [relayUrl], iceServers: [] },
    })
    let device: Device | null = null
    try {
      const building = run('npx', ['vite', 'build', '--outDir', nextDir, '--emptyOutDir'], {
        env: { ...process.env, VITE_FERRY_BUILD_ID: nextBuildId },
      })
      device = await Device.open(browser, server.url)
      const { page } = device
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      const firstBuildId = await page.evaluate(() => document.documentElement.dataset['build'])
      expect(firstBuildId).toBeTruthy()
      expect(firstBuildId).not.toBe(nextBuildId)
      await expect(page.getByTestId('update-prompt')).toHaveCount(0)

      await building
      server.setRoot(nextDir)
      // The old version still runs this page (from its cache) and finds the new one waiting.
      await page.reload()
      const prompt = page.getByTestId('update-prompt')
      await expect(prompt).toBeVisible({ timeout: 60_000 })
      await expect(page.locator('html')).toHaveAttribute('data-build', firstBuildId ?? '')

      await prompt.getByRole('button', { name: 'Reload to update' }).click()
      await expect(page.locator('html')).toHaveAttribute('data-build', nextBuildId, {
        timeout: 60_000,
      })
      await expect(page.getByTestId('my-name')).toBeVisible()
      await expect(page.getByTestId('update-prompt')).toHaveCount(0)
    } finally {
      await device?.close()
      await server.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
