/**
 * Rooms of many: one sender to four receivers at once. All devices are contexts of the one browser
 * the test runner starts (each its own storage and WebRTC stack), which keeps them affordable on a
 * small machine.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Device, expect, saveAndCompare, test, writeRandomFile } from './fixtures.ts'

/**
 * Five pages meeting each other on a loaded machine: be patient. A pair whose handshake times out
 * under load tries again at the next announcement, a minute later.
 */
const meetTimeoutMs = 150_000

test.describe('rooms of many @many', () => {
  test('one sender sends to four receivers at once; every copy arrives verified @many', async ({
    browser,
  }, testInfo) => {
    test.setTimeout(180_000)
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    const source = { name: 'to four 2MiB.bin', path: join(dir, 'to four 2MiB.bin') }
    await writeRandomFile(source.path, 2 * 1024 * 1024 + 5)

    const sender = await Device.open(browser)
    const link = await sender.shareLink()
    const receivers: Device[] = []
    for (let joined = 0; joined < 4; joined++) receivers.push(await Device.open(browser, link))
    const names = await Promise.all(receivers.map((receiver) => receiver.name()))
    await expect(sender.peers()).toHaveCount(4, { timeout: meetTimeoutMs })
    for (const name of names) await expect(sender.peer(name)).toBeVisible()

    // One pick sends to every device listed.
    await sender.page.getByTestId('send-all-input').setInputFiles([source.path])
    await expect(sender.transfer('send')).toHaveCount(4)
    const senderName = await sender.name()
    for (const receiver of receivers) {
      const offer = receiver.page.getByTestId('offer')
      await expect(offer).toContainText(`${senderName} wants to send you a file`)
      await offer.getByRole('button', { name: 'Accept' }).click()
    }
    for (const receiver of receivers) {
      await expect(receiver.transfer('receive')).toHaveAttribute('data-state', 'complete', {
        timeout: meetTimeoutMs,
      })
    }
    const sent = sender.transfer('send')
    for (let index = 0; index < 4; index++) {
      await expect(sent.nth(index)).toHaveAttribute('data-state', 'complete')
      await expect(sent.nth(index)).toContainText('Sent and verified')
    }
    for (const receiver of receivers) await saveAndCompare(receiver, [source], dir)
    await Promise.all([sender, ...receivers].map((device) => device.close()))
  })
})
