/**
 * `npm run bench -- --receiver firefox`: the bench's transfer with Debian's Firefox ESR receiving
 * from a Chromium sender (issue 16). Same steps as the Chromium bench, kept apart so bench.ts stays
 * Chromium's: a raw RTCDataChannel between the two pages, then one file through Ferry's UI, timed
 * inside the receiving page from the Accept click to the card's `complete` state, then saved
 * through its Save button and hashed against the source.
 *
 * Firefox has no CDP, so no heap numbers; instead it prints where Firefox's CPU time went, per
 * thread of its processes (from /proc), which is what tells a slow receiver's cause.
 */
import { createHash, randomFillSync } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, open, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from '@playwright/test'
import type { Page as FirefoxPage } from 'puppeteer-core'
import { FirefoxDevice } from '../e2e/firefox.ts'
import { chromiumArgs, chromiumPath } from './chromium.ts'
import { startNostrRelay } from './relay/nostr-relay.ts'
import { startStaticServer } from './static-server.ts'

const mib = 1024 * 1024
const messageBytes = 256 * 1024
const highWaterBytes = 8 * mib
const clockTicksPerSecond = 100

export interface FirefoxBenchOptions {
  fileMiB: number
  rawMiB: number
  dist: string
}

const sha256File = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })

const writeRandomFile = async (path: string, bytes: number): Promise<void> => {
  const piece = Buffer.alloc(8 * mib)
  const handle = await open(path, 'w')
  try {
    for (let written = 0; written < bytes; written += piece.length) {
      randomFillSync(piece)
      await handle.write(piece, 0, Math.min(piece.length, bytes - written))
    }
  } finally {
    await handle.close()
  }
}

/** CPU ticks of every thread of every process whose command line holds `marker`, and children. */
const threadTicks = async (marker: string): Promise<Map<string, number>> => {
  const pids: number[] = []
  const parents = new Map<number, number>()
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')
    if (stat)
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')
    if (cmdline.includes(marker)) pids.push(Number(entry))
  }
  for (const [pid, ppid] of parents) if (pids.includes(ppid) && !pids.includes(pid)) pids.push(pid)
  const ticks = new Map<string, number>()
  for (const pid of pids) {
    for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '')
      if (!stat) continue
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/#\d+$/, '#')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks.set(name, (ticks.get(name) ?? 0) + Number(fields[11]) + Number(fields[12]))
    }
  }
  return ticks
}

const printCpu = (label: string, before: Map<string, number>, after: Map<string, number>) => {
  const spent = [...after]
    .map(
      ([name, ticks]) => [name, (ticks - (before.get(name) ?? 0)) / clockTicksPerSecond] as const,
    )
    .filter(([, seconds]) => seconds > 0)
    .sort(([, a], [, b]) => b - a)
  const total = spent.reduce((sum, [, seconds]) => sum + seconds, 0)
  console.log(`${label}: Firefox CPU ${total.toFixed(1)} s; by thread:`)
  for (const [name, seconds] of spent.slice(0, 10)) {
    console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${name}`)
  }
}

// In-page code, sent as source (tsx's __name wrappers do not exist in pages).
const rawOffer = `(async () => {
  const pc = new RTCPeerConnection({ iceServers: [] })
  const dc = pc.createDataChannel('raw', { ordered: true })
  globalThis.ferryRaw = { pc, dc }
  await pc.setLocalDescription()
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve()
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve())
  })
  return JSON.stringify(pc.localDescription)
})()`
const rawAnswer = (offer: string) => `(async () => {
  const pc = new RTCPeerConnection({ iceServers: [] })
  const channel = new Promise((resolve) => { pc.ondatachannel = (event) => resolve(event.channel) })
  await pc.setRemoteDescription(${offer})
  await pc.setLocalDescription()
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve()
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve())
  })
  globalThis.ferryRaw = { pc, channel }
  return JSON.stringify(pc.localDescription)
})()`
const rawReceive = (bytes: number) => `(async () => {
  const dc = await globalThis.ferryRaw.channel
  dc.binaryType = 'arraybuffer'
  return new Promise((resolve) => {
    let received = 0, firstAtMs = 0, firstBytes = 0
    dc.onmessage = ({ data }) => {
      if (received === 0) { firstAtMs = performance.now(); firstBytes = data.byteLength }
      received += data.byteLength
      if (received >= ${bytes}) resolve({ seconds: (performance.now() - firstAtMs) / 1000, bytes: received - firstBytes })
    }
  })
})()`
const rawSend = (answer: string, bytes: number) => `(async () => {
  const { pc, dc } = globalThis.ferryRaw
  await pc.setRemoteDescription(${answer})
  if (dc.readyState !== 'open') await new Promise((resolve) => { dc.onopen = resolve })
  const size = Math.min(${messageBytes}, pc.sctp?.maxMessageSize || ${messageBytes})
  const message = new Uint8Array(size)
  dc.bufferedAmountLowThreshold = ${highWaterBytes / 2}
  for (let sent = 0; sent < ${bytes}; sent += size) {
    if (dc.bufferedAmount > ${highWaterBytes}) {
      await new Promise((resolve) => { dc.onbufferedamountlow = resolve })
    }
    dc.send(message.subarray(0, Math.min(size, ${bytes} - sent)))
  }
})()`
const closeRaw = `globalThis.ferryRaw?.pc.close()`

/** Accepts the offer and resolves when the receive card is complete: seconds from the click. */
const acceptAndWait = (timeoutMs: number) => `(async () => {
  const card = '[data-testid="transfer"][data-direction="receive"]'
  const accept = [...document.querySelectorAll('[data-testid="offer"] button')].find(
    (button) => button.textContent.trim() === 'Accept')
  const startedAtMs = performance.now()
  accept.click()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('transfer timed out')), ${timeoutMs})
    const check = () => {
      if (document.querySelector(card + '[data-state="complete"]')) {
        observer.disconnect(); clearTimeout(timer)
        resolve((performance.now() - startedAtMs) / 1000)
      }
    }
    const observer = new MutationObserver(check)
    observer.observe(document.body, { subtree: true, childList: true, attributes: true })
    check()
  })
})()`

const onBoth = async (sender: Page, receiver: FirefoxPage) => {
  const offer = await sender.evaluate<string>(rawOffer)
  const answer = await receiver.evaluate(rawAnswer(offer))
  return answer as string
}

export const benchFirefoxReceiver = async (
  options: FirefoxBenchOptions,
): Promise<Record<string, unknown>> => {
  const cleanups: (() => Promise<unknown>)[] = []
  try {
    const workDir = await mkdtemp(join(tmpdir(), 'ferry-bench-firefox-'))
    cleanups.push(() => rm(workDir, { recursive: true, force: true }))
    const fileName = `bench ${options.fileMiB} MiB.bin`
    const sourcePath = join(workDir, fileName)
    await writeRandomFile(sourcePath, options.fileMiB * mib)
    const sourceSha256 = await sha256File(sourcePath)

    const relay = await startNostrRelay()
    cleanups.push(() => relay.close())
    const server = await startStaticServer({
      root: options.dist,
      config: { relayUrls: [relay.url], iceServers: [] },
    })
    cleanups.push(() => server.close())
    const token = () =>
      Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
    const link = `${server.url}#room=${token()}&key=${token()}`

    const senderDir = await mkdtemp(join(tmpdir(), 'ferry-bench-sender-'))
    cleanups.push(() => rm(senderDir, { recursive: true, force: true }))
    const context = await chromium.launchPersistentContext(senderDir, {
      executablePath: chromiumPath,
      args: chromiumArgs,
      permissions: ['camera', 'microphone'],
    })
    cleanups.push(() => context.close())
    const sender = context.pages()[0] ?? (await context.newPage())
    await sender.goto(link)
    const receiver = await FirefoxDevice.open(link)
    cleanups.push(() => receiver.close())
    const profileMarker = receiver.profilePath
    const [senderName, receiverName] = [
      await sender.getByTestId('my-name').innerText(),
      await receiver.page.$eval('[data-testid="my-name"]', (e) => (e as HTMLElement).innerText),
    ]
    await sender
      .locator(`[data-testid="peer"][data-peer-name="${receiverName}"]`)
      .waitFor({ timeout: 30_000 })
    await receiver.visible(`[data-testid="peer"][data-peer-name="${senderName}"]`, 30_000)

    // Raw: one ordered channel, Chromium → Firefox, under the same backpressure as the app.
    const rawBytes = options.rawMiB * mib
    const answer = await onBoth(sender, receiver.page)
    const receipt = receiver.page.evaluate(rawReceive(rawBytes)) as Promise<{
      seconds: number
      bytes: number
    }>
    await sender.evaluate(rawSend(answer, rawBytes))
    const raw = await receipt
    await sender.evaluate(closeRaw)
    await receiver.page.evaluate(closeRaw)
    const rawMiBps = raw.bytes / mib / raw.seconds
    console.log(`raw Chromium → Firefox: ${options.rawMiB} MiB, ${rawMiBps.toFixed(1)} MiB/s`)

    // Ferry
    await sender
      .locator(`[data-testid="peer"][data-peer-name="${receiverName}"]`)
      .getByTestId('file-input')
      .setInputFiles(sourcePath)
    await receiver.visible('[data-testid="offer"]')
    const cpuBefore = await threadTicks(profileMarker)
    const seconds = (await receiver.page.evaluate(
      acceptAndWait(60_000 + options.fileMiB * 2000),
    )) as number
    printCpu('Ferry', cpuBefore, await threadTicks(profileMarker))
    const ferryMiBps = options.fileMiB / seconds
    console.log(
      `Ferry Chromium → Firefox: ${options.fileMiB} MiB, accept to verified ${seconds.toFixed(2)} s, ${ferryMiBps.toFixed(1)} MiB/s`,
    )

    await receiver.click('[data-testid="transfer"][data-direction="receive"]', `Save ${fileName}`)
    const saved = await receiver.downloaded(fileName, 600_000)
    if ((await sha256File(saved)) !== sourceSha256) {
      throw new Error('bench: the file Firefox saved differs from the source')
    }
    console.log('saved file matches the source (SHA-256)')
    return {
      fileMiB: options.fileMiB,
      ferryMiBps: Number(ferryMiBps.toFixed(1)),
      rawMiBps: Number(rawMiBps.toFixed(1)),
      ratio: Number((ferryMiBps / rawMiBps).toFixed(3)),
      receiver: 'firefox',
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => console.error('bench: clean-up:', error))
    }
  }
}
