/**
 * Rooms of many: one sender to four receivers at once, and eight devices in one link room. All
 * devices are contexts of the one browser the test runner starts (each its own storage and WebRTC
 * stack), which keeps eight of them affordable on a small machine.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Device, expect, saveAndCompare, test, writeRandomFile } from './fixtures.ts'

/**
 * Up to eight pages meeting each other (28 connections) on a small machine: be patient. A pair
 * whose handshake times out under load is tried again a second later (announcer.ts).
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

  test('eight devices in one room all list each other, and a leave reaches everyone @many', async ({
    browser,
  }) => {
    test.setTimeout(360_000)
    const startedMs = Date.now()
    const first = await Device.open(browser)
    const link = await first.shareLink()
    // One after another, as people arrive: each join must reach everyone already there.
    const devices = [first]
    for (let joined = 1; joined < 8; joined++) devices.push(await Device.open(browser, link))
    const names = await Promise.all(devices.map((device) => device.name()))
    expect(new Set(names).size).toBe(8)

    for (const [index, device] of devices.entries()) {
      await expect(device.peers()).toHaveCount(7, { timeout: meetTimeoutMs })
      for (const name of names.filter((_, other) => other !== index)) {
        await expect(device.peer(name)).toHaveCount(1)
      }
    }
    console.log(
      `eight devices: everyone listed everyone ${Date.now() - startedMs} ms after the first opened`,
    )

    // One leaves as a person does, closing the tab: the seven others drop it, and only it.
    const [leaver, ...stayers] = devices.slice(3).concat(devices.slice(0, 3))
    const leaverName = await leaver!.name()
    await leaver!.page.close({ runBeforeUnload: true })
    for (const device of stayers) {
      await expect(device.peer(leaverName)).toHaveCount(0, { timeout: meetTimeoutMs })
      await expect(device.peers()).toHaveCount(6)
    }
    await Promise.all(devices.map((device) => device.close()))
  })
})
