/**
 * @share: an offer waiting for an answer shows in the page title, and notifications are turned on
 * from a setting (permission is asked on that click, never on load).
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { connectPair, expect, test, writeRandomFile } from './fixtures.ts'

test.describe('@share', () => {
  test('a waiting offer shows in the title; notifications turn on from the setting', async ({
    browser,
  }, testInfo) => {
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    const source = await writeRandomFile(join(dir, 'report.pdf'), 2048)
    const { a, b, bName } = await connectPair(browser)
    try {
      await expect(b.page).toHaveTitle('Ferry')
      await b.openSettings()
      const toggle = b.page.getByTestId('notify-on-offer')
      await expect(toggle).not.toBeChecked()
      // Playwright's browser denies notifications until a test grants them: the setting says so,
      // and follows when the permission changes.
      await expect(toggle).toBeDisabled()
      await b.context.grantPermissions(['notifications'])
      await expect(toggle).toBeEnabled()
      await toggle.check()
      await expect(toggle).toBeChecked()
      await b.closeView()

      await a.sendFiles(bName, [source])
      await expect(b.page).toHaveTitle('(1) Ferry')
      await b.page.getByTestId('offer').getByRole('button', { name: 'Decline' }).click()
      await expect(b.page).toHaveTitle('Ferry')

      // The choice is kept: after a reload the setting is still on.
      await b.page.reload()
      await b.openSettings()
      await expect(b.page.getByTestId('notify-on-offer')).toBeChecked()
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })
})
