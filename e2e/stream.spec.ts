import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { connectPair, Device, expect, saveAndCompare, test, writeRandomFile } from './fixtures.ts'

test.describe('streaming @stream', () => {
  test('300 MiB of random bytes streams to disk and arrives identical @stream', async ({
    browser,
  }, testInfo) => {
    test.setTimeout(420_000)
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    const source = { name: 'big 300MiB.bin', path: join(dir, 'big 300MiB.bin') }
    await writeRandomFile(source.path, 300 * 1024 * 1024)

    const sender = await Device.open(browser)
    const link = await sender.shareLink()
    // The receiver keeps its data on disk: a real profile, not an in-memory incognito one.
    const receiver = await Device.openPersistent(testInfo.outputPath('receiver-profile'), link)
    const [senderName, receiverName] = [await sender.name(), await receiver.name()]
    await expect(sender.peer(receiverName)).toBeVisible()
    await expect(receiver.peer(senderName)).toBeVisible()

    await sender.sendFiles(receiverName, [source.path])
    await receiver.page.getByTestId('offer').getByRole('button', { name: 'Accept' }).click()
    const received = receiver.transfer('receive')
    await expect(received).toHaveAttribute('data-state', 'complete', { timeout: 380_000 })
    await expect(received).toContainText('Received and verified')

    // The bytes went to the Origin Private File System, not into the page's memory.
    const onDiskBytes = await receiver.page.evaluate(async () => {
      let total = 0
      const walk = async (dir: FileSystemDirectoryHandle): Promise<void> => {
        // TypeScript's DOM types lack the directory iterator that browsers have.
        const entries = (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()
        for await (const handle of entries) {
          if (handle instanceof FileSystemFileHandle) total += (await handle.getFile()).size
          else if (handle instanceof FileSystemDirectoryHandle) await walk(handle)
        }
      }
      await walk(await navigator.storage.getDirectory())
      return total
    })
    expect(onDiskBytes).toBeGreaterThanOrEqual(300 * 1024 * 1024)

    await saveAndCompare(receiver, [source], dir)
    await rm(source.path)
    await Promise.all([sender.close(), receiver.close()])
  })

  test('one sender to two receivers at once, both verified @stream', async ({
    browser,
  }, testInfo) => {
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    const source = { name: 'shared 24MiB.bin', path: join(dir, 'shared 24MiB.bin') }
    await writeRandomFile(source.path, 24 * 1024 * 1024)

    const { a: sender, b: first, link, bName } = await connectPair(browser)
    const second = await Device.open(browser, link)
    const secondName = await second.name()
    await expect(sender.peer(secondName)).toBeVisible()
    await expect(first.page.locator('[data-testid="peer"]')).toHaveCount(2)

    await sender.page.getByTestId('send-all-input').setInputFiles([source.path])
    await expect(sender.transfer('send')).toHaveCount(2)
    for (const receiver of [first, second]) {
      await receiver.page.getByTestId('offer').getByRole('button', { name: 'Accept' }).click()
    }
    for (const receiver of [first, second]) {
      await expect(receiver.transfer('receive')).toHaveAttribute('data-state', 'complete', {
        timeout: 60_000,
      })
    }
    const sent = sender.transfer('send')
    await expect(sent.filter({ hasText: bName })).toHaveAttribute('data-state', 'complete')
    await expect(sent.filter({ hasText: secondName })).toHaveAttribute('data-state', 'complete')
    for (const receiver of [first, second]) await saveAndCompare(receiver, [source], dir)
    await Promise.all([sender.close(), first.close(), second.close()])
  })

  test('a byte damaged in flight is caught and the file is not offered as good @stream', async ({
    browser,
  }, testInfo) => {
    const dir = testInfo.outputPath('files')
    await mkdir(dir, { recursive: true })
    const path = await writeRandomFile(join(dir, 'damaged.bin'), 1024 * 1024)
    const { a, b, aName, bName } = await connectPair(browser)
    // A test-only hook (enabled by the e2e server's config) flips one byte of the next frame.
    await a.page.evaluate(() =>
      (
        globalThis as unknown as { ferryTest: { corruptNextFrame(): void } }
      ).ferryTest.corruptNextFrame(),
    )
    await a.sendFiles(bName, [path])
    await b.page.getByTestId('offer').getByRole('button', { name: 'Accept' }).click()
    const received = b.transfer('receive')
    await expect(received).toHaveAttribute('data-state', 'failed')
    await expect(received).toContainText(`A file from ${aName} arrived damaged and was discarded`)
    await expect(received.getByRole('button', { name: /^Save/ })).toHaveCount(0)
    await expect(a.transfer('send')).toHaveAttribute('data-state', 'failed')
    await Promise.all([a.close(), b.close()])
  })
})
