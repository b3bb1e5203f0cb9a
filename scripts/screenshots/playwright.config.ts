/**
 * `npm run screenshots`: the app's main screens, drawn by two real devices talking through the local
 * relay, with the e2e tests' set-up (servers) and fixtures (devices).
 */
import { defineConfig } from '@playwright/test'
import { chromiumArgs, chromiumPath } from '../chromium.ts'

export default defineConfig({
  testDir: '.',
  testMatch: 'screenshots.spec.ts',
  workers: 1,
  retries: 0,
  timeout: 600_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  globalSetup: '../../e2e/global-setup.ts',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
})
