/**
 * Nearby rooms, verification codes and trust. The global set-up serves the app from three more
 * origins: two whose STUN server tells every device that its public address is 203.0.113.7 (A) or
 * 198.51.100.9 (B), and one whose STUN server never answers.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser } from '@playwright/test'
import { Device, expect, saveAndCompare, serverUrl, test, writeRandomFile } from './fixtures.ts'

/** Two devices behind 203.0.113.7, each listing the other. */
const nearbyPair = async (browser: Browser) => {
  const a = await Device.open(browser, serverUrl('FERRY_NEARBY_A_URL'))
  const b = await Device.open(browser, serverUrl('FERRY_NEARBY_A_URL'))
  const [aName, bName] = [await a.name(), await b.name()]
  await expect(a.peer(bName)).toBeVisible()
  await expect(b.peer(aName)).toBeVisible()
  return { a, b, aName, bName }
}

test.describe('nearby devices @nearby', () => {
  test('two devices behind one address see each other, with no link @nearby', async ({
    browser,
  }) => {
    const { a, b, aName, bName } = await nearbyPair(browser)
    for (const [device, other] of [
      [a, bName],
      [b, aName],
    ] as const) {
      await expect(device.page.getByTestId('nearby-status')).toHaveAttribute('data-state', 'active')
      await expect(device.peers()).toHaveCount(1)
      const card = device.peer(other)
      await expect(card).toHaveAttribute('data-rooms', 'nearby')
      await expect(card.getByTestId('peer-mark-nearby')).toHaveText('Nearby')
      await expect(card.getByTestId('peer-mark-link')).toHaveCount(0)
      // The home screen, without any link room.
      await expect(device.page.getByTestId('room-link')).toHaveCount(0)
      await expect(device.page.getByRole('button', { name: 'Share a link' })).toBeVisible()
    }
    await Promise.all([a.close(), b.close()])
  })

  test('both devices show the same verification code, which also tells two of one name apart @nearby', async ({
    browser,
  }) => {
    const { a, b, aName, bName } = await nearbyPair(browser)
    const onA = await a.verificationCode(bName)
    const onB = await b.verificationCode(aName)
    expect(onA.words.split(' ')).toHaveLength(4)
    expect(onB).toEqual(onA)
    // Emoji for the eye, and each one's word, which is what a screen reader reads.
    for (const word of onA.words.split(' ')) expect(onA.shown).toContain(word)
    expect(onA.shown).toMatch(/\p{Extended_Pictographic}/u)

    // Two devices with one name: each card says which code tells this one apart.
    await expect(a.peer(bName).getByTestId('same-name')).toHaveCount(0)
    await b.rename(aName)
    await expect(a.peer(aName).getByTestId('same-name')).toHaveText(
      `Another device here is also called ${aName}: this one shows ${onA.words} under Verify.`,
    )
    await expect(b.peer(aName).getByTestId('same-name')).toContainText(onB.words)
    await Promise.all([a.close(), b.close()])
  })

  test('a trusted device sends without an accept click when auto-accept is on; forgetting it asks again @nearby', async ({
    browser,
  }, testInfo) => {
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    const source = { name: 'trusted 3MiB.bin', path: join(dir, 'trusted 3MiB.bin') }
    await writeRandomFile(source.path, 3 * 1024 * 1024 + 7)
    const {
      a: sender,
      b: receiver,
      aName: senderName,
      bName: receiverName,
    } = await nearbyPair(browser)

    // The receiver compares codes and trusts the sender, then lets trusted devices send freely.
    await receiver.verificationCode(senderName)
    const card = receiver.peer(senderName)
    await card.getByRole('button', { name: 'Trust this device' }).click()
    await expect(card.getByTestId('peer-trusted')).toHaveText('Trusted ✓')
    await expect(card).toHaveAttribute('data-trusted', 'true')
    const settings = await receiver.openSettings()
    const trusted = settings.getByTestId('trusted-device')
    await expect(trusted).toHaveCount(1)
    await expect(trusted).toHaveAttribute('data-name', senderName)
    await settings.getByLabel('Let trusted devices send without asking').check()
    await expect(settings.getByTestId('auto-accept')).toBeChecked()
    await receiver.closeView()

    await sender.sendFiles(receiverName, [source.path])
    const received = receiver.transfer('receive')
    await expect(received).toHaveAttribute('data-state', 'complete')
    await expect(received).toContainText('Received and verified')
    await expect(receiver.page.getByTestId('offer')).toHaveCount(0)
    await expect(sender.transfer('send')).toHaveAttribute('data-state', 'complete')
    await saveAndCompare(receiver, [source], dir)

    // Trust belongs to the device's stored certificate, not to this page: after a reload (a new
    // peer id, new connections) the sender is still the trusted device.
    await sender.page.reload()
    await expect(sender.page.getByTestId('my-name')).toHaveText(senderName)
    await expect(receiver.peers()).toHaveCount(1)
    await expect(card).toHaveAttribute('data-trusted', 'true')
    expect(await receiver.verificationCode(senderName)).toEqual(
      await sender.verificationCode(receiverName),
    )

    // One click forgets it; the next offer waits for an answer again.
    await receiver.openSettings()
    await trusted.getByRole('button', { name: `Forget ${senderName}` }).click()
    await expect(receiver.page.getByTestId('no-trusted')).toBeVisible()
    await receiver.closeView()
    await expect(card).toHaveAttribute('data-trusted', 'false')
    await sender.sendFiles(receiverName, [source.path])
    await expect(receiver.page.getByTestId('offer')).toContainText(
      `${senderName} wants to send you a file`,
    )
    await Promise.all([sender.close(), receiver.close()])
  })

  test('a device behind another address does not appear @nearby', async ({ browser }) => {
    const { a, b, aName, bName } = await nearbyPair(browser)
    const elsewhere = await Device.open(browser, serverUrl('FERRY_NEARBY_B_URL'))
    const elsewhereName = await elsewhere.name()
    await expect(elsewhere.page.getByTestId('nearby-status')).toHaveAttribute(
      'data-state',
      'active',
    )
    // Give it the time an honest peer needs several times over.
    await elsewhere.page.waitForTimeout(5000)
    await expect(elsewhere.peers()).toHaveCount(0)
    await expect(elsewhere.page.getByTestId('no-peers')).toBeVisible()
    await expect(a.peer(elsewhereName)).toHaveCount(0)
    await expect(b.peer(elsewhereName)).toHaveCount(0)
    await expect(a.peer(bName)).toBeVisible()
    await expect(b.peer(aName)).toBeVisible()
    await expect(a.peers()).toHaveCount(1)
    await expect(b.peers()).toHaveCount(1)
    await Promise.all([a.close(), b.close(), elsewhere.close()])
  })

  test('a device in both the nearby room and a link room is listed once, and renames reach it @nearby', async ({
    browser,
  }) => {
    const { a, b, aName, bName } = await nearbyPair(browser)
    const link = await a.shareLink()
    // Opening the link in the same tab joins its room as well.
    await b.page.goto(link)
    await expect(a.peer(bName)).toHaveAttribute('data-rooms', 'nearby link')
    await expect(b.peer(aName)).toHaveAttribute('data-rooms', 'nearby link')
    await expect(a.peer(bName).getByTestId('peer-mark-link')).toHaveText('Link')
    await expect(a.peers()).toHaveCount(1)
    await expect(b.peers()).toHaveCount(1)

    await b.page.getByRole('button', { name: 'Rename' }).click()
    await b.page.getByLabel('Device name').fill('Renamed Walrus')
    await b.page.getByRole('button', { name: 'Save' }).click()
    await expect(a.peer('Renamed Walrus')).toHaveAttribute('data-rooms', 'nearby link')
    await expect(a.peers()).toHaveCount(1)

    // Leaving the link room keeps the device: it is still nearby.
    await a.page.getByRole('button', { name: 'Leave room' }).click()
    await expect(a.peer('Renamed Walrus')).toHaveAttribute('data-rooms', 'nearby')
    await expect(b.peer(aName)).toHaveAttribute('data-rooms', 'nearby')
    await expect(a.peers()).toHaveCount(1)
    await Promise.all([a.close(), b.close()])
  })

  test('without a STUN answer nearby says it is unavailable, and a link still connects @nearby', async ({
    browser,
  }) => {
    const a = await Device.open(browser, serverUrl('FERRY_NO_STUN_ANSWER_URL'))
    const status = a.page.getByTestId('nearby-status')
    await expect(status).toHaveAttribute('data-state', 'unavailable')
    await expect(status).toContainText('Nearby discovery is unavailable on this network')
    await expect(status).toContainText('Share a private link')

    const link = await a.shareLink()
    const b = await Device.open(browser, link)
    const [aName, bName] = [await a.name(), await b.name()]
    await expect(a.peer(bName)).toHaveAttribute('data-rooms', 'link')
    await expect(b.peer(aName)).toHaveAttribute('data-rooms', 'link')

    // Trying again asks STUN again, and says the same when it still does not answer.
    await status.getByRole('button', { name: 'Try again' }).click()
    await expect(status).toHaveAttribute('data-state', 'checking')
    await expect(status).toHaveAttribute('data-state', 'unavailable')
    await Promise.all([a.close(), b.close()])
  })
})
