import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { connectPair, expect, test, type Device } from './fixtures.ts'

/** Bulk frames carry 64 KiB of file data each (src/lib/protocol/limits.ts). */
const chunkBytes = 64 * 1024

interface SourceTree {
  /** The chosen folder on disk. */
  root: string
  /** SHA-256 of every file, by its path relative to the folder's parent ('photos/a.bin'). */
  hashes: Map<string, string>
  /** Empty folders, the same way. */
  emptyFolders: string[]
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/**
 * photos/ with 50 files over four levels of folders, sizes around the chunk size, odd names, an
 * empty file, an empty folder and an empty folder inside a folder that holds nothing else.
 */
const makeTree = async (parent: string): Promise<SourceTree> => {
  const folders = ['', '2024', '2024/summer', '2024/summer/beach', 'docs']
  const sizes = [1, chunkBytes - 1, chunkBytes, chunkBytes + 1, 3 * chunkBytes + 5]
  const names = ['photo', 'with space', 'ünïcødé 日本', 'emoji 🚢', 'x']
  const tree: SourceTree = { root: join(parent, 'photos'), hashes: new Map(), emptyFolders: [] }
  const add = async (relative: string, bytes: Uint8Array) => {
    await writeFile(join(parent, relative), bytes)
    tree.hashes.set(relative, sha256(bytes))
  }
  for (let index = 0; tree.hashes.size < 49; index++) {
    const folder = folders[index % folders.length] ?? ''
    await mkdir(join(tree.root, folder), { recursive: true })
    const name = `${names[index % names.length] ?? 'f'} ${index}.bin`
    const size = index % 2 === 0 ? (sizes[(index / 2) % sizes.length] ?? 1) : 1 + index * 797
    const bytes = randomBytes(size)
    await add(join('photos', folder, name).replaceAll('\\', '/'), bytes)
  }
  await add('photos/docs/empty.txt', new Uint8Array(0))
  for (const folder of ['photos/empty folder', 'photos/2024/nothing/inside']) {
    await mkdir(join(parent, folder), { recursive: true })
    tree.emptyFolders.push(folder)
  }
  return tree
}

/** Every file of the tree is in the zip, byte for byte, and nothing else but `folders`. */
const expectZipHolds = (zip: Uint8Array, tree: SourceTree, folders: string[]): void => {
  const entries = unzipSync(zip)
  const names = Object.keys(entries)
  expect(names.filter((name) => !name.endsWith('/')).sort()).toEqual([...tree.hashes.keys()].sort())
  for (const [path, hash] of tree.hashes) {
    const bytes = entries[path]
    expect(bytes, path).toBeDefined()
    expect(sha256(bytes ?? new Uint8Array()), path).toBe(hash)
  }
  expect(entries['photos/docs/empty.txt']).toHaveLength(0)
  expect(names.filter((name) => name.endsWith('/')).sort()).toEqual(
    folders.map((folder) => `${folder}/`).sort(),
  )
}

/** The receiver accepts the offer and both sides see the transfer verified. */
const acceptAndFinish = async (sender: Device, receiver: Device) => {
  await receiver.page.getByTestId('offer').getByRole('button', { name: 'Accept' }).click()
  await expect(receiver.transfer('receive')).toHaveAttribute('data-state', 'complete', {
    timeout: 60_000,
  })
  await expect(sender.transfer('send')).toHaveAttribute('data-state', 'complete')
}

/**
 * Drops files or folders from disk onto an element as the operating system would: Chromium builds
 * a real drag (entries and all) from the paths.
 */
const dropFromDisk = async (device: Device, target: string, paths: string[]) => {
  const element = device.page.locator(target)
  await element.scrollIntoViewIfNeeded()
  const box = await element.boundingBox()
  if (!box) throw new Error(`ferry e2e: ${target} is not visible`)
  const cdp = await device.context.newCDPSession(device.page)
  const data = { items: [], files: paths, dragOperationsMask: 1 }
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2]
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
    await cdp.send('Input.dispatchDragEvent', { type, x, y, data })
  }
  await cdp.detach()
}

test.describe('folders @stream', () => {
  test('a folder chosen with Send folder arrives whole and saves as one zip @stream', async ({
    browser,
  }, testInfo) => {
    const tree = await makeTree(testInfo.outputPath('source'))
    const { a, b, aName, bName } = await connectPair(browser)
    await expect(a.peer(bName).getByRole('button', { name: 'Send folder' })).toBeVisible()
    await a.peer(bName).getByTestId('folder-input').setInputFiles(tree.root)

    const offer = b.page.getByTestId('offer')
    await expect(offer).toContainText(`${aName} wants to send you 50 files`)
    // A folder input lists files only: the browser never tells the page about empty folders.
    await expect(offer.getByTestId('offer-folder')).toHaveText(/^photos\/ \(50 files\)/)
    await acceptAndFinish(a, b)
    const received = b.transfer('receive')
    await expect(received).toContainText('photos/ (50 files)')

    // The download path, as in browsers without showSaveFilePicker.
    await b.page.evaluate(() => Reflect.deleteProperty(window, 'showSaveFilePicker'))
    const [download] = await Promise.all([
      b.page.waitForEvent('download'),
      received.getByRole('button', { name: 'Save as zip' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('photos.zip')
    const saved = testInfo.outputPath('received.zip')
    await download.saveAs(saved)
    expectZipHolds(await readFile(saved), tree, [])
    await Promise.all([a.close(), b.close()])
  })

  test('a folder dropped on a device keeps its empty folders, saved through the file picker @stream', async ({
    browser,
  }, testInfo) => {
    const tree = await makeTree(testInfo.outputPath('source'))
    const { a, b, aName, bName } = await connectPair(browser)
    await dropFromDisk(a, `[data-testid="peer"][data-peer-name="${bName}"]`, [tree.root])

    const offer = b.page.getByTestId('offer')
    await expect(offer).toContainText(`${aName} wants to send you 50 files`)
    await expect(offer.getByTestId('offer-folder')).toHaveText(
      /^photos\/ \(50 files, 2 empty folders\)/,
    )
    await acceptAndFinish(a, b)

    // showSaveFilePicker answers with a file of the origin's private file system, which a test
    // can read back; the zip streams into it through a real FileSystemWritableFileStream.
    await b.page.evaluate(() => {
      Object.assign(window, {
        showSaveFilePicker: async (options: { suggestedName: string }) => {
          const root = await navigator.storage.getDirectory()
          return root.getFileHandle(`picked-${options.suggestedName}`, { create: true })
        },
      })
    })
    const received = b.transfer('receive')
    await received.getByRole('button', { name: 'Save as zip' }).click()
    await expect(received.getByRole('button', { name: 'Save as zip' })).toBeEnabled()
    const base64 = await b.page.evaluate(async () => {
      const root = await navigator.storage.getDirectory()
      const file = await (await root.getFileHandle('picked-photos.zip')).getFile()
      const url = await new Promise<string>((resolve, reject) => {
        const reader = new FileReader()
        reader.onload = () => resolve(reader.result as string)
        reader.onerror = () => reject(new Error('ferry e2e: could not read the saved zip'))
        reader.readAsDataURL(file)
      })
      return url.slice(url.indexOf(',') + 1)
    })
    expectZipHolds(Buffer.from(base64, 'base64'), tree, tree.emptyFolders)
    await Promise.all([a.close(), b.close()])
  })
})
