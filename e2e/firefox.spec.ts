/**
 * Firefox as the other device (issue 16): Debian's Firefox ESR over WebDriver BiDi (firefox.ts)
 * against Chromium, both ways. Few tests, each doing several things, to keep the set lean.
 */
import { mkdir, rm, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { unzipSync } from 'fflate'
import { appUrl, expect, serverUrl, test, writeRandomFile } from './fixtures.ts'
import {
  ChromiumTestDevice,
  connectByLink,
  openDevice,
  type BrowserName,
  type SourceFile,
} from './devices.ts'

const mib = 1024 * 1024
const directions: [BrowserName, BrowserName][] = [
  ['chromium', 'firefox'],
  ['firefox', 'chromium'],
]

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

test.describe('Firefox and Chromium @firefox', () => {
  test('join by link; odd names, an empty file and 50 MiB arrive verified both ways; text; one verification code @firefox', async ({
    browser,
  }, testInfo) => {
    test.setTimeout(240_000)
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    const { a, b, aName, bName } = await connectByLink(browser, appUrl(), 'chromium', 'firefox')

    // Firefox is told plainly that received files cannot go straight into a folder; Chromium lacks
    // nothing.
    await expect.poll(() => b.limits()).toEqual(['saveToFolder'])
    expect(await a.limits()).toEqual([])

    // Both screens show the same code for this connection.
    const [onA, onB] = [await a.verificationWords(bName), await b.verificationWords(aName)]
    expect(onA.split(' ')).toHaveLength(4)
    expect(onB).toBe(onA)

    for (const [sender, receiver, senderName, receiverName] of [
      [a, b, aName, bName],
      [b, a, bName, aName],
    ] as const) {
      const from = sender.browserName
      const sources: SourceFile[] = await Promise.all(
        (
          [
            [`empty from ${from}.txt`, 0],
            [`ünïcødé 日本 🚢 (1) & #hash from ${from}.bin`, 252 * 1024 + 1],
            [`large 50MiB from ${from}.bin`, 50 * mib],
          ] as const
        ).map(async ([name, bytes]) => ({
          name,
          path: await writeRandomFile(join(dir, name), bytes),
        })),
      )
      await sender.sendFiles(
        receiverName,
        sources.map((source) => source.path),
      )
      expect(await receiver.offerText()).toContain(`${senderName} wants to send you 3 files`)
      await receiver.answerOffer('Accept')
      await receiver.expectTransfer('receive', 'complete', 120_000)
      await sender.expectTransfer('send', 'complete')
      expect(await sender.transferText('send')).toContain('Sent and verified')
      expect(await receiver.transferText('receive')).toContain('Received and verified')
      await receiver.saveAndCompare(sources, dir)
      await Promise.all(sources.map((source) => rm(source.path)))

      const text = `Hello from ${from} — https://example.org/ünï?q=1`
      await sender.sendText(receiverName, text)
      const message = await receiver.receivedText()
      expect(message.card).toContain(`From ${senderName}`)
      expect(message.body).toBe(text)
    }
    await Promise.all([a.close(), b.close()])
  })

  test('a folder arrives whole in Firefox; an offer is declined and a transfer cancelled by either side, both ways @firefox', async ({
    browser,
  }, testInfo) => {
    test.setTimeout(240_000)
    const dir = testInfo.outputPath('files')
    const { a, b, aName, bName } = await connectByLink(browser, appUrl(), 'firefox', 'chromium')
    const names: Record<BrowserName, string> = { firefox: aName, chromium: bName }
    const device = { firefox: a, chromium: b }

    for (const [senderBrowser, receiverBrowser] of directions) {
      const [sender, receiver] = [device[senderBrowser], device[receiverBrowser]]
      const receiverName = names[receiverBrowser]

      // A folder with nesting, odd names and an empty file, saved by the receiver as one zip. Only
      // from Chromium: Firefox's WebDriver cannot put a folder into a folder input (input.setFiles:
      // "Is directory"), see docs/browsers.md.
      if (senderBrowser === 'chromium') {
        const folder = `from ${senderBrowser}`
        const files = new Map<string, Uint8Array>([
          [`${folder}/top.bin`, new Uint8Array(70_000).fill(7)],
          [`${folder}/deep/er/ünï 🚢.txt`, new TextEncoder().encode('nested')],
          [`${folder}/deep/empty.txt`, new Uint8Array(0)],
        ])
        for (const [path, bytes] of files) {
          await mkdir(join(dir, path, '..'), { recursive: true })
          await writeFile(join(dir, path), bytes)
        }
        await sender.sendFolder(receiverName, join(dir, folder))
        expect(await receiver.offerText()).toContain('wants to send you 3 files')
        await receiver.answerOffer('Accept')
        await receiver.expectTransfer('receive', 'complete', 60_000)
        await sender.expectTransfer('send', 'complete')
        const zip = unzipSync(await receiver.saveZip(dir))
        const received = Object.keys(zip).filter((name) => !name.endsWith('/'))
        expect(received.sort()).toEqual([...files.keys()].sort())
        for (const [path, bytes] of files)
          expect(sha256(zip[path] ?? new Uint8Array(1)), path).toBe(sha256(bytes))
        await Promise.all([sender.dismissTransfers(), receiver.dismissTransfers()])
      }

      // Declined: the sender is told.
      const small = join(dir, `declined from ${senderBrowser}.txt`)
      await writeFile(small, 'not wanted')
      await sender.sendFiles(receiverName, [small])
      await receiver.answerOffer('Decline')
      await sender.expectTransfer('send', 'declined')
      await Promise.all([sender.dismissTransfers(), receiver.dismissTransfers()])

      // Cancelled mid-transfer: by the receiver in one direction, by the sender in the other.
      // Large enough to still be running when the cancel lands; sparse, so cheap to make.
      const large = join(dir, `large from ${senderBrowser}.bin`)
      await writeFile(large, '')
      await truncate(large, 512 * mib)
      await sender.sendFiles(receiverName, [large])
      await receiver.answerOffer('Accept')
      await receiver.expectTransfer('receive', 'transferring')
      await sender.expectTransfer('send', 'transferring')
      const [actor, other, actorDirection, otherDirection] =
        senderBrowser === 'chromium'
          ? ([receiver, sender, 'receive', 'send'] as const)
          : ([sender, receiver, 'send', 'receive'] as const)
      await actor.cancel(actorDirection)
      await other.expectTransfer(otherDirection, 'cancelled')
      expect(await other.transferText(otherDirection)).toContain(
        `Cancelled by ${names[actor.browserName]}`,
      )
      await actor.expectTransfer(actorDirection, 'cancelled')
      await Promise.all([sender.dismissTransfers(), receiver.dismissTransfers()])
    }
    await Promise.all([a.close(), b.close()])
  })

  // Once flaky: the receiver asked to resume before the sender had let it in, and the sender dropped
  // the ask unread. The receiver now asks once the sender greets it (transfer/resume.ts).
  test('nearby devices list each other; a transfer cut midway resumes and arrives verified, both ways @firefox', async ({
    browser,
  }, testInfo) => {
    test.setTimeout(300_000)
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    const url = serverUrl('FERRY_NEARBY_A_URL')
    // A new pair for each direction: a second cut in one session did not recover (docs/browsers.md).
    for (const firefoxSends of [false, true]) {
      // The Chromium device keeps its storage on disk: a large file outgrows an in-memory profile.
      const chromium = await ChromiumTestDevice.openPersistent(
        testInfo.outputPath(`profile-${String(firefoxSends)}`),
        url,
      )
      const firefox = await openDevice('firefox', browser, url)
      const names = { chromium: await chromium.name(), firefox: await firefox.name() }
      await chromium.expectNearby('active')
      await firefox.expectNearby('active')
      expect(await chromium.expectPeer(names.firefox)).toBe('nearby')
      expect(await firefox.expectPeer(names.chromium)).toBe('nearby')

      const [sender, receiver] = firefoxSends ? [firefox, chromium] : [chromium, firefox]
      const source = {
        name: `resume from ${sender.browserName}.bin`,
        path: join(dir, `resume from ${sender.browserName}.bin`),
      }
      await writeRandomFile(source.path, 64 * mib)
      await sender.sendFiles(names[receiver.browserName], [source.path])
      await receiver.answerOffer('Accept')
      await expect
        .poll(() => receiver.progress('receive'), { timeout: 60_000, intervals: [100] })
        .toBeGreaterThanOrEqual(0.2)
      // Firefox's connection goes (the receiver's, then the sender's); both devices stay in the
      // room and meet again.
      await firefox.cutConnections()
      await receiver.expectTransfer('receive', 'interrupted')
      await receiver.expectTransfer('receive', 'complete', 120_000)
      await sender.expectTransfer('send', 'complete')
      expect(await receiver.transferText('receive')).toContain('Received and verified')
      await receiver.saveAndCompare([source], dir)
      await rm(source.path)
      await Promise.all([chromium.close(), firefox.close()])
    }
  })
})
