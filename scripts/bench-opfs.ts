/**
 * What writing a file into OPFS costs Chromium per MiB, by write size, with and without growing
 * the file to its final size first (truncate), and what reading a picked file costs: the numbers
 * behind the OPFS sink's write size (opfs-sink.ts, docs/performance.md).
 * `npm run bench:opfs -- [--mib 256] [--storage memory|disk]`.
 *
 * A worker writes `--mib` MiB through a sync access handle, as Ferry's writer worker does, in
 * writes of each size; the page then reads a file of that size from a file input, as Ferry's
 * sender does. Each line gives wall time and the CPU time of the whole Chromium (every process it
 * started) per MiB. `memory` is an off-the-record context, whose OPFS Chromium keeps in the
 * browser process's memory (as in `bench --one-browser`); `disk` is an on-disk profile.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium, type BrowserContext } from '@playwright/test'
import { chromiumArgs, chromiumPath } from './chromium.ts'
import { clockTicksPerSecond, descendants, findBrowserPid, readProcesses } from './procfs.ts'

const { values: flags } = parseArgs({
  options: {
    mib: { type: 'string', default: '256' },
    storage: { type: 'string', default: 'memory' },
  },
})
const fileMiB = Number(flags.mib)
if (!Number.isSafeInteger(fileMiB) || fileMiB < 1 || fileMiB > 4096) {
  throw new Error(`bench-opfs: --mib ${flags.mib}?`)
}
if (flags.storage !== 'memory' && flags.storage !== 'disk') {
  throw new Error(`bench-opfs: --storage ${flags.storage}? (memory or disk)`)
}
const mib = 1024 * 1024
const totalBytes = fileMiB * mib
const writeSizes = [64 * 1024, 252 * 1024, mib, 4 * mib]

/** The page: a file input, and the two measurements as globals. */
const page = `<!doctype html><meta charset="utf-8"><input type="file" id="file"><script>
const worker = \`onmessage = async ({ data: { writeBytes, totalBytes, reserve } }) => {
  const root = await navigator.storage.getDirectory()
  const name = 'bench-' + Math.random()
  const handle = await (await root.getFileHandle(name, { create: true })).createSyncAccessHandle()
  const bytes = new Uint8Array(writeBytes).fill(7)
  const startedAt = performance.now()
  if (reserve) handle.truncate(totalBytes)
  for (let at = 0; at < totalBytes; at += writeBytes) {
    handle.write(bytes.subarray(0, Math.min(writeBytes, totalBytes - at)), { at })
  }
  handle.flush()
  handle.close()
  const ms = performance.now() - startedAt
  await root.removeEntry(name)
  postMessage(ms)
}\`
window.benchWrite = (writeBytes, totalBytes, reserve) => new Promise((resolve, reject) => {
  const url = URL.createObjectURL(new Blob([worker], { type: 'text/javascript' }))
  const each = new Worker(url)
  each.onmessage = (event) => { each.terminate(); resolve(event.data) }
  each.onerror = (event) => { each.terminate(); reject(new Error(event.message)) }
  each.postMessage({ writeBytes, totalBytes, reserve })
})
window.benchRead = async (readBytes) => {
  const file = document.getElementById('file').files[0]
  const reader = file.stream().getReader({ mode: 'byob' })
  let buffer = new ArrayBuffer(readBytes)
  const startedAt = performance.now()
  for (;;) {
    const { value, done } = await reader.read(new Uint8Array(buffer))
    if (done) return performance.now() - startedAt
    buffer = value.buffer
  }
}
</script>`

const server = createServer((_, response) => {
  response.setHeader('content-type', 'text/html; charset=utf-8')
  response.end(page)
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const address = server.address()
if (address === null || typeof address === 'string') throw new Error('bench-opfs: no port')

const workDir = await mkdtemp(join(tmpdir(), 'ferry-bench-opfs-'))
const marker = `--ferry-bench-opfs=${process.pid}-${Date.now()}`
let context: BrowserContext
let close: () => Promise<void>
if (flags.storage === 'memory') {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, marker],
  })
  context = await browser.newContext()
  close = () => browser.close()
} else {
  context = await chromium.launchPersistentContext(join(workDir, 'profile'), {
    executablePath: chromiumPath,
    args: [...chromiumArgs, marker],
  })
  close = () => context.close()
}

try {
  const browserPid = await findBrowserPid(marker)
  const cpuSeconds = async () =>
    descendants(browserPid, await readProcesses()).reduce((sum, each) => sum + each.cpuTicks, 0) /
    clockTicksPerSecond
  /** Wall and CPU milliseconds per MiB of `work`, which returns its own wall milliseconds. */
  const measure = async (work: () => Promise<number>) => {
    const before = await cpuSeconds()
    const wallMs = await work()
    const cpuMs = ((await cpuSeconds()) - before) * 1000
    return `${(wallMs / fileMiB).toFixed(1)} ms/MiB wall, ${(cpuMs / fileMiB).toFixed(1)} ms/MiB CPU`
  }

  const tab = context.pages()[0] ?? (await context.newPage())
  await tab.goto(`http://127.0.0.1:${address.port}/`)
  const source = join(workDir, 'source.bin')
  await writeFile(source, Buffer.alloc(totalBytes, 3))
  await tab.locator('#file').setInputFiles(source)

  console.log(
    `${fileMiB} MiB, OPFS ${flags.storage === 'memory' ? 'in memory (off the record)' : 'on disk'}`,
  )
  for (const round of [1, 2]) {
    for (const bytes of writeSizes) {
      const size = `${bytes / 1024} KiB`
      for (const reserve of [false, true]) {
        const result = await measure(() =>
          tab.evaluate(
            ([writeBytes, total, grow]) =>
              (
                window as unknown as {
                  benchWrite(w: number, t: number, r: boolean): Promise<number>
                }
              ).benchWrite(writeBytes, total, grow),
            [bytes, totalBytes, reserve] as const,
          ),
        )
        console.log(`round ${round}: write ${size}${reserve ? ', size reserved' : ''}: ${result}`)
      }
      const read = await measure(() =>
        tab.evaluate(
          (readBytes) =>
            (window as unknown as { benchRead(r: number): Promise<number> }).benchRead(readBytes),
          bytes,
        ),
      )
      console.log(`round ${round}: read ${size} (file input, BYOB): ${read}`)
    }
  }
} finally {
  await close()
  server.close()
  await rm(workDir, { recursive: true, force: true })
}
