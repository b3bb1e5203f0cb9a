/**
 * Ferry's throughput and memory, measured against a raw RTCDataChannel in the same run
 * (DESIGN.md, "Performance targets"). `npm run bench -- [--mib 1024] [--raw-mib 256]
 * [--receivers 1] [--one-browser [--on-disk]] [--no-download-check] [--profile] [--dist dist]
 * [--receiver firefox]`.
 *
 * Runs inside a loopback-only network namespace (scripts/in-netns.sh). It starts the local relay
 * and the built app on 127.0.0.1, opens one sender and N receivers, each in a persistent Chromium
 * profile of its own (so that storage is on disk, as for a person, not an incognito in-memory
 * store), and measures:
 *
 * With --one-browser every device is instead a context of one Chromium: one network service and
 * one browser process for all, so the browser's own per-byte work no longer dominates and Ferry's
 * shows. Such contexts are off the record: they keep OPFS in memory, in the browser process, so
 * each of the receiver's writes is an IPC and a copy there (more CPU than a write to disk), and
 * the browser's RSS grows by the file's size. With --one-browser --on-disk the two devices are
 * instead two tabs of one on-disk profile, at two origins (127.0.0.1 and localhost) so that each
 * has storage and an identity of its own, as two tabs of one machine: OPFS on disk.
 *
 * 1. Raw: a bare RTCPeerConnection pair between the sender's and the first receiver's page, one
 *    ordered channel, 256 KiB messages under the app's backpressure rules (limits.ts), timed on the
 *    receiving side from the first message to the last.
 * 2. Ferry: one file through the app's own UI (file input, Accept), timed inside the receiving page
 *    from the Accept click to the transfer card's `complete` state (both SHA-256 digests matched),
 *    seen by a MutationObserver. The received file is then saved through its Save button and
 *    hashed here against the source.
 *
 * While each phase runs, every `sampleIntervalMs` it samples each page's JS heap (CDP
 * `Runtime.getHeapUsage` of the page and its dedicated workers: V8 heap + embedder heap +
 * ArrayBuffer backing stores) and the resident memory of every Chromium process (the browser
 * process of each profile and all its descendants, from /proc). It also prints where each phase's
 * CPU time went (per browser process kind; per thread of each renderer, browser process and
 * network service; and other work on the machine, which shares these cores and skews every rate),
 * a table of CPU milliseconds per MiB moved for each side's renderer threads (main, worker,
 * WebRTC, IO) and its network service, and with --profile the pages' main-thread and worker
 * profiles.
 *
 * The last line printed is one JSON object; ratio = ferry / raw, browserRssGrowthMiB is the
 * peak total RSS during the Ferry transfer minus the total just before it, and mode says how the
 * devices were opened ("browser-per-device" or "one-browser").
 */
import { createHash, randomFillSync } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium, type BrowserContext, type CDPSession, type Page } from '@playwright/test'
import { bulkHighWaterBytes, bulkLowWaterBytes } from '../src/lib/protocol/limits.ts'
import { chromiumArgs, chromiumPath } from './chromium.ts'
import {
  clockTicksPerSecond,
  cmdlineOf,
  descendants,
  findBrowserPid,
  readProcesses,
  readThreads,
  type ProcessInfo,
} from './procfs.ts'
import { startNostrRelay } from './relay/nostr-relay.ts'
import { startStaticServer } from './static-server.ts'

const mib = 1024 * 1024
const sampleIntervalMs = 250
const rawMessageBytes = 256 * 1024
/** Bounds on every wait: joining, ICE, and the slowest rate at which a transfer still counts. */
const joinTimeoutMs = 30_000
const connectTimeoutMs = 15_000
const slowestMiBps = 0.5
/** A transfer whose cards do not change for this long has stalled. */
const stallTimeoutMs = 60_000
const watchIntervalMs = 2000
const printIntervalMs = 20_000

const { values: flags } = parseArgs({
  options: {
    mib: { type: 'string', default: '1024' },
    'raw-mib': { type: 'string', default: '256' },
    receivers: { type: 'string', default: '1' },
    /** Every device a context of one Chromium instead of a Chromium each. */
    'one-browser': { type: 'boolean', default: false },
    /** With --one-browser: two tabs of one on-disk profile, at two origins, not two contexts. */
    'on-disk': { type: 'boolean', default: false },
    'no-download-check': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    /** Another build to measure, e.g. one made with `vite build --outDir`. */
    dist: { type: 'string', default: 'dist' },
    /** `firefox`: Firefox ESR receives instead (bench-firefox.ts). */
    receiver: { type: 'string', default: 'chromium' },
  },
})
const positiveInt = (name: string, text: string): number => {
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`bench: --${name} ${text}?`)
  return value
}
const fileMiB = positiveInt('mib', flags.mib)
const rawMiB = positiveInt('raw-mib', flags['raw-mib'])
const receiverCount = positiveInt('receivers', flags.receivers)
const oneBrowser = flags['one-browser']
const onDisk = flags['on-disk']
if (onDisk && (!oneBrowser || receiverCount > 1)) {
  throw new Error('bench: --on-disk goes with --one-browser and one receiver (two origins)')
}
const mode = oneBrowser ? (onDisk ? 'one-browser-on-disk' : 'one-browser') : 'browser-per-device'
const downloadCheck = !flags['no-download-check']
/** Records the pages' main-thread CPU profiles during the Ferry transfer into .bench/. */
const profiling = flags.profile
const fileBytes = fileMiB * mib
const rawHalfBytes = (rawMiB * mib) / 2

const toMiB = (bytes: number) => bytes / mib
const round = (value: number, digits = 1) => Number(value.toFixed(digits))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const transferTimeoutMs = (bytes: number) => 60_000 + (toMiB(bytes) / slowestMiBps) * 1000

const withTimeout = <T>(work: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`bench: ${what} took over ${ms} ms`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

// ---------------------------------------------------------------------------------------------
// Clean-up: everything started registers how to stop it; it runs once, on success, error or signal.

const cleanups: (() => Promise<unknown>)[] = []
let cleanedUp: Promise<void> | null = null
const cleanUp = (): Promise<void> =>
  (cleanedUp ??= (async () => {
    for (const cleanup of cleanups.reverse()) {
      await withTimeout(cleanup(), 15_000, 'clean-up').catch((error: unknown) =>
        console.error('bench: clean-up:', error),
      )
    }
  })())
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, cleaning up`)
    void cleanUp().finally(() => process.exit(130))
  })
}

// ---------------------------------------------------------------------------------------------
// In-page code. tsx (esbuild, keepNames) wraps named functions in a `__name` helper that does not
// exist in the page, so functions are sent as source with a stand-in for it.

const inPage = <A, R>(page: Page, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> =>
  page.evaluate<R>(
    `(() => { const __name = (target) => target; return (${fn.toString()})(${JSON.stringify(arg)}) })()`,
  )

interface RawPeer {
  pc: RTCPeerConnection
  dc: RTCDataChannel
}
interface BenchGlobal {
  ferryBenchRaw?: RawPeer
}

// ---------------------------------------------------------------------------------------------
// Processes: the browser process of a profile, found by its --user-data-dir, and its descendants.

const rssBytes = async (pid: number): Promise<number> => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024
}

const processKind = (cmdline: string): string => {
  const type = /--type=(\S+)/.exec(cmdline)?.[1]
  if (type === undefined) return 'browser'
  if (type === 'utility') return /--utility-sub-type=(\S+)/.exec(cmdline)?.[1] ?? 'utility'
  return type
}

// ---------------------------------------------------------------------------------------------
// Devices

interface Device {
  role: string
  name: string
  context: BrowserContext
  page: Page
  /** The device's own browser process, or with --one-browser the one every device shares. */
  browserPid: number
  /** With --one-browser, the renderer process of the device's page (set once all are open). */
  rendererPid: number | null
  /** JS heap of the page and its dedicated workers, in bytes. */
  heapBytes(): Promise<number>
}

/** The page's isolate and, through non-flattened auto-attach, each dedicated worker's. */
const heapMeter = async (cdp: CDPSession): Promise<() => Promise<number>> => {
  const workers = new Set<string>()
  const pending = new Map<number, (result: unknown) => void>()
  let nextId = 1
  cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type === 'worker') workers.add(sessionId)
  })
  cdp.on('Target.detachedFromTarget', ({ sessionId }) => {
    if (sessionId !== undefined) workers.delete(sessionId)
  })
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const reply = JSON.parse(message) as { id?: number; result?: unknown }
    if (reply.id !== undefined) pending.get(reply.id)?.(reply.result)
  })
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  })
  const total = (usage: {
    usedSize: number
    embedderHeapUsedSize: number
    backingStorageSize: number
  }) => usage.usedSize + usage.embedderHeapUsedSize + usage.backingStorageSize

  const workerHeap = async (sessionId: string): Promise<number> => {
    const id = nextId++
    const reply = new Promise<unknown>((resolve) => pending.set(id, resolve))
    try {
      await cdp.send('Target.sendMessageToTarget', {
        sessionId,
        message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }),
      })
      const result = await withTimeout(reply, 2000, 'worker heap')
      return typeof result === 'object' && result !== null && 'usedSize' in result
        ? total(result as Parameters<typeof total>[0])
        : 0
    } catch {
      return 0 // The worker went away meanwhile.
    } finally {
      pending.delete(id)
    }
  }

  return async () => {
    const [page, ...inWorkers] = await Promise.all([
      cdp.send('Runtime.getHeapUsage').then(total),
      ...[...workers].map(workerHeap),
    ])
    return (page ?? 0) + inWorkers.reduce((sum, each) => sum + each, 0)
  }
}

/** Without a media permission Chromium hides host candidates behind mDNS names, which do not
 * resolve inside the namespace. */
const contextOptions = { permissions: ['camera', 'microphone'], acceptDownloads: true }

/**
 * The Chromium every device shares with --one-browser, started on first use: a context for each
 * device, or with --on-disk one on-disk profile whose tabs are the devices.
 */
let sharedBrowser: Promise<{
  newContext(): Promise<BrowserContext>
  browserPid: number
}> | null = null
const launchSharedBrowser = async () => {
  // A switch Chromium ignores, to tell its browser process from other helpers' on this machine.
  const marker = `--ferry-bench=${process.pid}-${Date.now()}`
  if (onDisk) {
    const userDataDir = await mkdtemp(join(tmpdir(), 'ferry-bench-shared-'))
    cleanups.push(() => rm(userDataDir, { recursive: true, force: true }))
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      args: [...chromiumArgs, marker],
      ...contextOptions,
    })
    cleanups.push(() => context.close())
    return { newContext: () => Promise.resolve(context), browserPid: await findBrowserPid(marker) }
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, marker],
  })
  cleanups.push(() => browser.close())
  return {
    newContext: async () => {
      const context = await browser.newContext(contextOptions)
      cleanups.push(() => context.close())
      return context
    },
    browserPid: await findBrowserPid(marker),
  }
}

/**
 * The renderer process running `page`, told apart from the shared browser's other renderers by
 * the CPU its main thread spends while the page spins for a moment.
 */
const findRendererPid = async (page: Page, browserPid: number): Promise<number> => {
  const mainThreadTicks = async () => {
    const ticks = new Map<number, number>()
    for (const each of descendants(browserPid, await readProcesses())) {
      if (processKind(await cmdlineOf(each.pid)) !== 'renderer') continue
      const main = (await readThreads(each.pid)).find((thread) => thread.name === 'main')
      ticks.set(each.pid, main?.cpuTicks ?? 0)
    }
    return ticks
  }
  const before = await mainThreadTicks()
  await page.evaluate(() => {
    const until = performance.now() + 1500
    while (performance.now() < until);
  })
  const after = await mainThreadTicks()
  const [pid] = [...after]
    .map(([each, ticks]) => [each, ticks - (before.get(each) ?? ticks)] as const)
    .sort(([, a], [, b]) => b - a)
    .map(([each]) => each)
  if (pid === undefined) throw new Error('bench: no renderer for a page')
  return pid
}

/** Pages already a device's. */
const claimed = new WeakSet<Page>()

const openDevice = async (role: string, url: string): Promise<Device> => {
  let context: BrowserContext
  let page: Page
  let browserPid: number
  if (oneBrowser) {
    const shared = await (sharedBrowser ??= launchSharedBrowser())
    context = await shared.newContext()
    browserPid = shared.browserPid
    // A tab of its own, except the blank one a fresh profile opens with.
    const blank = context.pages().find((each) => each.url() === 'about:blank' && !claimed.has(each))
    page = blank ?? (await context.newPage())
  } else {
    const userDataDir = await mkdtemp(join(tmpdir(), `ferry-bench-${role}-`))
    cleanups.push(() => rm(userDataDir, { recursive: true, force: true }))
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      args: chromiumArgs,
      ...contextOptions,
    })
    browserPid = await findBrowserPid(`--user-data-dir=${userDataDir}`)
    cleanups.push(() => context.close())
    page = context.pages()[0] ?? (await context.newPage())
  }
  claimed.add(page)
  const heapBytes = await heapMeter(await context.newCDPSession(page))
  await page.goto(url)
  const name = await page.getByTestId('my-name').innerText({ timeout: joinTimeoutMs })
  return {
    role,
    name,
    context,
    page,
    browserPid,
    rendererPid: null,
    heapBytes,
  }
}

/**
 * Who each Chromium process works for: a device's own browser and everything under it, or with
 * --one-browser only the device's renderer, the rest being "shared".
 */
const processOwners = (devices: Device[], processes: ProcessInfo[]): Map<number, string> => {
  const owners = new Map<number, string>()
  for (const device of devices) {
    for (const each of descendants(device.browserPid, processes)) {
      const owner = devices.find((d) => d.rendererPid === each.pid)?.role
      owners.set(each.pid, oneBrowser ? (owner ?? 'shared') : device.role)
    }
  }
  return owners
}

// ---------------------------------------------------------------------------------------------
// Sampling

interface Sample {
  atMs: number
  heapBytes: number[]
  rssBytes: number
}

interface Sampler {
  stop(): Promise<Sample[]>
}

/**
 * Every Chromium process of every device. Scanning /proc costs tens of milliseconds of CPU, which
 * the browsers would miss, so the list is reused for a while: Chromium rarely starts processes.
 */
const processTreeMaxAgeMs = 3000
let processTree: { atMs: number; pids: number[] } | null = null
const chromiumPids = async (devices: Device[]): Promise<number[]> => {
  if (processTree === null || Date.now() - processTree.atMs > processTreeMaxAgeMs) {
    const pids = [...processOwners(devices, await readProcesses()).keys()]
    processTree = { atMs: Date.now(), pids }
  }
  return processTree.pids
}

/** Total RSS of every Chromium process of every device. */
const totalRss = async (devices: Device[]): Promise<number> => {
  const sizes = await Promise.all((await chromiumPids(devices)).map(rssBytes))
  return sizes.reduce((sum, each) => sum + each, 0)
}

const startSampler = (devices: Device[], maxMs: number): Sampler => {
  const samples: Sample[] = []
  let stopped = false
  const startedAtMs = Date.now()
  const loop = (async () => {
    while (!stopped && Date.now() - startedAtMs < maxMs) {
      const atMs = Date.now()
      const [heapBytes, rss] = await Promise.all([
        Promise.all(devices.map((device) => device.heapBytes().catch(() => Number.NaN))),
        totalRss(devices),
      ])
      samples.push({ atMs, heapBytes, rssBytes: rss })
      await sleep(Math.max(0, sampleIntervalMs - (Date.now() - atMs)))
    }
  })()
  return {
    async stop() {
      stopped = true
      await loop
      return samples
    },
  }
}

const peak = (values: number[]) => values.reduce((max, each) => (each > max ? each : max), 0)

/**
 * The columns of the CPU-per-MiB table: a renderer's threads by what they run, then the processes
 * around it ("threads": the renderer's other threads; "procs": other processes, e.g. GPU, storage).
 * Linux keeps the first 15 characters of a thread's name.
 */
const cpuColumns = ['main', 'worker', 'webrtc', 'io', 'threads', 'network', 'browser', 'procs']
const threadColumn = (name: string): string => {
  if (name === 'main') return 'main'
  if (/^DedicatedWorker|^WorkerThread|^Worker/i.test(name)) return 'worker'
  if (/webrtc|^rtc/i.test(name)) return 'webrtc'
  if (/IOThread|ChildIOT/i.test(name)) return 'io'
  return 'threads'
}
const processColumn = (kind: string): string => {
  if (/network/i.test(kind)) return 'network'
  if (kind === 'browser') return 'browser'
  return 'procs'
}

interface CpuUse {
  /** Seconds per owner and process kind ("sender/renderer"). */
  byKind: Map<string, number>
  /** Seconds per owner and renderer thread name ("receiver/main"). */
  byThread: Map<string, number>
  /** Seconds per owner and table column ("sender/main", "shared/network"). */
  byColumn: Map<string, number>
}

/** CPU seconds per device and process kind, for telling where a phase's time went. */
const cpuByKind = async (devices: Device[]): Promise<CpuUse> => {
  const processes = await readProcesses()
  const use: CpuUse = { byKind: new Map(), byThread: new Map(), byColumn: new Map() }
  const add = (map: Map<string, number>, key: string, ticks: number) =>
    map.set(key, (map.get(key) ?? 0) + ticks / clockTicksPerSecond)
  for (const [pid, owner] of processOwners(devices, processes)) {
    const each = processes.find((process) => process.pid === pid)
    if (each === undefined) continue
    const kind = processKind(await cmdlineOf(pid))
    add(use.byKind, `${owner}/${kind}`, each.cpuTicks)
    // A renderer runs the page, its workers and WebRTC's stack: tell its threads apart.
    if (kind !== 'renderer') {
      add(use.byColumn, `${owner}/${processColumn(kind)}`, each.cpuTicks)
      // The browser process and the network service do the blob reads, OPFS writes and sockets:
      // their threads say which.
      if (kind === 'browser' || /network/i.test(kind)) {
        for (const thread of await readThreads(pid)) {
          add(use.byThread, `${owner}/${kind}:${thread.name}`, thread.cpuTicks)
        }
      }
      continue
    }
    for (const thread of await readThreads(pid)) {
      add(use.byThread, `${owner}/${thread.name}`, thread.cpuTicks)
      add(use.byColumn, `${owner}/${threadColumn(thread.name)}`, thread.cpuTicks)
    }
  }
  return use
}

/** What `after` adds to `before`, key by key. */
const difference = (after: Map<string, number>, before: Map<string, number>) =>
  new Map([...after].map(([key, total]) => [key, total - (before.get(key) ?? 0)] as const))

/** Adds `more` into `into`, key by key. */
const accumulate = (into: Map<string, number>, more: Map<string, number>) => {
  for (const [key, value] of more) into.set(key, (into.get(key) ?? 0) + value)
}

/** Prints CPU milliseconds per MiB moved, one row per owner, one column per kind of work. */
const printCpuTable = (label: string, byColumn: Map<string, number>, movedMiB: number) => {
  const owners = [...new Set([...byColumn.keys()].map((key) => key.split('/')[0] ?? ''))].sort()
  const width = 9
  const cell = (text: string) => text.padStart(width)
  console.log(
    `${label} CPU ms per MiB ${''.padEnd(4)}${cpuColumns.map(cell).join('')}${cell('total')}`,
  )
  for (const owner of owners) {
    let total = 0
    const cells = cpuColumns.map((column) => {
      const ms = ((byColumn.get(`${owner}/${column}`) ?? 0) / movedMiB) * 1000
      total += ms
      return cell(ms < 0.05 ? '-' : ms.toFixed(1))
    })
    console.log(`  ${owner.padEnd(label.length + 17)}${cells.join('')}${cell(total.toFixed(1))}`)
  }
}

/** CPU seconds the whole machine spent busy (every namespace: other work shares these cores). */
const machineBusySeconds = async (): Promise<number> => {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? ''
  // cpu user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number)
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
    clockTicksPerSecond
  )
}

interface CpuMark extends CpuUse {
  atMs: number
  machine: number
  bench: number
}

const markCpu = async (devices: Device[]): Promise<CpuMark> => {
  const usage = process.cpuUsage()
  return {
    atMs: Date.now(),
    ...(await cpuByKind(devices)),
    machine: await machineBusySeconds(),
    bench: (usage.user + usage.system) / 1e6,
  }
}

/**
 * Prints where a phase's CPU went: per browser process kind and renderer thread, this script, and
 * everything else. Returns the CPU seconds of every browser process, and per table column.
 */
const printCpu = async (
  label: string,
  devices: Device[],
  before: CpuMark,
  bytes: number,
): Promise<{ browsers: number; byColumn: Map<string, number> }> => {
  const after = await markCpu(devices)
  let browsers = 0
  const parts = [...difference(after.byKind, before.byKind)]
    .filter(([, used]) => used >= 0.05)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, used]) => {
      browsers += used
      return `${key} ${used.toFixed(1)}`
    })
  const threads = [...difference(after.byThread, before.byThread)]
    .filter(([, used]) => used >= 0.3)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, used]) => `${key} ${used.toFixed(1)}`)
  const wall = (after.atMs - before.atMs) / 1000
  const bench = after.bench - before.bench
  const others = after.machine - before.machine - browsers - bench
  console.log(`${label} CPU seconds: ${parts.join(', ')}`)
  console.log(`${label} threads: ${threads.join(', ')}`)
  console.log(
    `${label} machine: ${wall.toFixed(1)} s wall on ${availableParallelism()} CPUs; browsers ${browsers.toFixed(1)} s (${((browsers / toMiB(bytes)) * 1000).toFixed(0)} ms per MiB), bench script ${bench.toFixed(1)} s, other work ${Math.max(0, others).toFixed(1)} s; load ${loadavg()
      .map((each) => each.toFixed(2))
      .join(' ')}`,
  )
  return { browsers, byColumn: difference(after.byColumn, before.byColumn) }
}

// ---------------------------------------------------------------------------------------------
// Files

/** Random bytes written in slices, hashed on the way; never the whole file in memory. */
const writeRandomFile = async (path: string, bytes: number): Promise<string> => {
  const hash = createHash('sha256')
  const buffer = Buffer.alloc(8 * mib)
  const file = await open(path, 'w')
  try {
    for (let written = 0; written < bytes;) {
      const slice = buffer.subarray(0, Math.min(buffer.length, bytes - written))
      randomFillSync(slice)
      hash.update(slice)
      await file.write(slice)
      written += slice.length
    }
  } finally {
    await file.close()
  }
  return hash.digest('hex')
}

const sha256File = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })

// ---------------------------------------------------------------------------------------------
// Phase 1: a raw data channel between two pages

const iceGatheringTimeoutMs = 5000

/** Makes this page's half of the raw pair; returns its offer (offerer) or its answer (answerer). */
const rawPeerSetUp = async ({
  remote,
  timeoutMs,
}: {
  remote: RTCSessionDescriptionInit | null
  timeoutMs: number
}): Promise<RTCSessionDescriptionInit> => {
  const pc = new RTCPeerConnection({ iceServers: [] })
  const dc = pc.createDataChannel('bench-raw', { negotiated: true, id: 0, ordered: true })
  dc.binaryType = 'arraybuffer'
  ;(globalThis as BenchGlobal).ferryBenchRaw = { pc, dc }
  if (remote !== null) await pc.setRemoteDescription(remote)
  await pc.setLocalDescription()
  // Non-trickle: once gathering is complete, the description carries every candidate.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ICE gathering timed out')), timeoutMs)
    const check = () => {
      if (pc.iceGatheringState !== 'complete') return
      clearTimeout(timer)
      resolve()
    }
    pc.addEventListener('icegatheringstatechange', check)
    check()
  })
  const local = pc.localDescription
  if (local === null) throw new Error('no local description')
  return { type: local.type, sdp: local.sdp }
}

const rawPeerConnect = async ({
  remote,
  timeoutMs,
}: {
  remote: RTCSessionDescriptionInit | null
  timeoutMs: number
}): Promise<number> => {
  const raw = (globalThis as BenchGlobal).ferryBenchRaw
  if (raw === undefined) throw new Error('no raw peer')
  if (remote !== null) await raw.pc.setRemoteDescription(remote)
  if (raw.dc.readyState !== 'open') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('raw channel did not open')), timeoutMs)
      raw.dc.addEventListener('open', () => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
  return raw.pc.sctp?.maxMessageSize ?? 0
}

interface RawReceipt {
  bytes: number
  firstBytes: number
  firstAtMs: number
  lastAtMs: number
}

const rawReceive = ({ bytes, timeoutMs }: { bytes: number; timeoutMs: number }) => {
  const raw = (globalThis as BenchGlobal).ferryBenchRaw
  if (raw === undefined) throw new Error('no raw peer')
  return new Promise<RawReceipt>((resolve, reject) => {
    const receipt: RawReceipt = { bytes: 0, firstBytes: 0, firstAtMs: 0, lastAtMs: 0 }
    const timer = setTimeout(
      () => reject(new Error(`raw receive timed out at ${receipt.bytes} bytes`)),
      timeoutMs,
    )
    raw.dc.onmessage = (event: MessageEvent<ArrayBuffer>) => {
      const now = performance.now()
      if (receipt.bytes === 0) {
        receipt.firstAtMs = now
        receipt.firstBytes = event.data.byteLength
      }
      receipt.bytes += event.data.byteLength
      receipt.lastAtMs = now
      if (receipt.bytes >= bytes) {
        clearTimeout(timer)
        raw.dc.onmessage = null
        resolve(receipt)
      }
    }
  })
}

/** Sends `bytes` in `messageBytes` messages with the app's rule: above high water, wait for low. */
const rawSend = async ({
  bytes,
  messageBytes,
  highWaterBytes,
  lowWaterBytes,
  timeoutMs,
}: {
  bytes: number
  messageBytes: number
  highWaterBytes: number
  lowWaterBytes: number
  timeoutMs: number
}): Promise<void> => {
  const raw = (globalThis as BenchGlobal).ferryBenchRaw
  if (raw === undefined) throw new Error('no raw peer')
  const { dc } = raw
  dc.bufferedAmountLowThreshold = lowWaterBytes
  const message = new Uint8Array(messageBytes)
  for (let at = 0; at < messageBytes; at += 65536) {
    crypto.getRandomValues(message.subarray(at, Math.min(at + 65536, messageBytes)))
  }
  const deadline = performance.now() + timeoutMs
  for (let sent = 0; sent < bytes; sent += messageBytes) {
    if (performance.now() > deadline) throw new Error(`raw send timed out at ${sent} bytes`)
    if (dc.readyState !== 'open') throw new Error('raw channel closed')
    if (dc.bufferedAmount > highWaterBytes) {
      await new Promise((resolve) =>
        dc.addEventListener('bufferedamountlow', resolve, { once: true }),
      )
    }
    dc.send(message.subarray(0, Math.min(messageBytes, bytes - sent)))
  }
}

const rawClose = () => {
  const raw = (globalThis as BenchGlobal).ferryBenchRaw
  raw?.dc.close()
  raw?.pc.close()
  delete (globalThis as BenchGlobal).ferryBenchRaw
}

interface RawRun {
  /** Bytes that arrived after the first message, over the time from first to last message. */
  bytes: number
  seconds: number
}

const measureRaw = async (
  label: string,
  sender: Device,
  receiver: Device,
  bytes: number,
): Promise<RawRun> => {
  try {
    const offer = await inPage(sender.page, rawPeerSetUp, {
      remote: null,
      timeoutMs: iceGatheringTimeoutMs,
    })
    const answer = await inPage(receiver.page, rawPeerSetUp, {
      remote: offer,
      timeoutMs: iceGatheringTimeoutMs,
    })
    const [maxMessageBytes] = await Promise.all([
      inPage(sender.page, rawPeerConnect, { remote: answer, timeoutMs: connectTimeoutMs }),
      inPage(receiver.page, rawPeerConnect, { remote: null, timeoutMs: connectTimeoutMs }),
    ])
    const messageBytes = Math.min(rawMessageBytes, maxMessageBytes || rawMessageBytes)
    const timeoutMs = transferTimeoutMs(bytes)
    const receipt = inPage(receiver.page, rawReceive, { bytes, timeoutMs })
    await inPage(sender.page, rawSend, {
      bytes,
      messageBytes,
      highWaterBytes: bulkHighWaterBytes,
      lowWaterBytes: bulkLowWaterBytes,
      timeoutMs,
    })
    const { firstAtMs, lastAtMs, firstBytes } = await receipt
    const run = { bytes: bytes - firstBytes, seconds: (lastAtMs - firstAtMs) / 1000 }
    console.log(
      `${label}: ${toMiB(bytes)} MiB in ${messageBytes / 1024} KiB messages (max ${maxMessageBytes}), ${run.seconds.toFixed(2)} s, ${(toMiB(run.bytes) / run.seconds).toFixed(1)} MiB/s`,
    )
    return run
  } finally {
    await Promise.all([inPage(sender.page, rawClose, null), inPage(receiver.page, rawClose, null)])
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 2: a file through Ferry

interface Receipt {
  acceptedAtMs: number
  completeAtMs: number
}

/** Clicks Accept on the (only) offer and resolves when the receive card reaches `complete`. */
const acceptAndWait = ({ timeoutMs }: { timeoutMs: number }): Promise<Receipt> => {
  const card = '[data-testid="transfer"][data-direction="receive"]'
  const nowMs = () => performance.timeOrigin + performance.now()
  const accept = [...document.querySelectorAll('[data-testid="offer"] button')].find(
    (button) => button.textContent?.trim() === 'Accept',
  )
  if (!(accept instanceof HTMLButtonElement)) throw new Error('no Accept button')
  return new Promise<Receipt>((resolve, reject) => {
    let acceptedAtMs = 0
    const finish = (error: Error | null) => {
      observer.disconnect()
      clearTimeout(timer)
      if (error) reject(error)
      else resolve({ acceptedAtMs, completeAtMs: nowMs() })
    }
    const check = () => {
      if (document.querySelector(`${card}[data-state="complete"]`)) return finish(null)
      const ended = document.querySelector(
        `${card}[data-state="failed"], ${card}[data-state="cancelled"]`,
      )
      if (ended) finish(new Error(`transfer ended: ${ended.textContent?.trim()}`))
    }
    const observer = new MutationObserver(check)
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-state'],
    })
    const timer = setTimeout(() => finish(new Error('transfer timed out')), timeoutMs)
    acceptedAtMs = nowMs()
    accept.click()
    check()
  })
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface Profile {
  nodes: ProfileNode[]
  samples?: number[]
  timeDeltas?: number[]
}

/** Saves a profile into .bench/ and prints its heaviest functions by self time. */
const summarizeProfile = async (profile: Profile, name: string, what: string) => {
  await mkdir('.bench', { recursive: true })
  const path = join('.bench', `${name}.cpuprofile`)
  await writeFile(path, JSON.stringify(profile))
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfMs = new Map<string, number>()
  let totalMs = 0
  for (const [i, id] of (profile.samples ?? []).entries()) {
    const ms = (profile.timeDeltas?.[i] ?? 0) / 1000
    const frame = byNode.get(id)?.callFrame
    const key = frame
      ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}`
      : '?'
    selfMs.set(key, (selfMs.get(key) ?? 0) + ms)
    totalMs += ms
  }
  const busy = [...selfMs].filter(([key]) => !key.startsWith('(idle)'))
  const busyMs = busy.reduce((sum, [, ms]) => sum + ms, 0)
  const top = busy
    .sort(([, a], [, b]) => b - a)
    .slice(0, 15)
    .map(([key, ms]) => `  ${(ms / 1000).toFixed(2).padStart(7)} s  ${key}`)
  console.log(
    `${what}, ${(totalMs / 1000).toFixed(1)} s profiled, ${(busyMs / 1000).toFixed(1)} s busy (${path}):`,
  )
  console.log(top.join('\n'))
}

/**
 * Starts the sampling profiler in the page and in each dedicated worker it has or starts (through
 * non-flattened auto-attach); the returned function stops them and saves the profiles.
 */
const startProfile = async (device: Device, label: string): Promise<() => Promise<void>> => {
  const cdp = await device.context.newCDPSession(device.page)
  const workers: string[] = []
  const pending = new Map<number, (result: unknown) => void>()
  let nextId = 1
  const inWorker = async (sessionId: string, method: string): Promise<unknown> => {
    const id = nextId++
    const reply = new Promise<unknown>((resolve) => pending.set(id, resolve))
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id, method }),
    })
    return withTimeout(reply, 10_000, `worker ${method}`).finally(() => pending.delete(id))
  }
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const reply = JSON.parse(message) as { id?: number; result?: unknown }
    if (reply.id !== undefined) pending.get(reply.id)?.(reply.result)
  })
  cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type !== 'worker') return
    workers.push(sessionId)
    void inWorker(sessionId, 'Profiler.enable')
      .then(() => inWorker(sessionId, 'Profiler.start'))
      .catch(() => undefined)
  })
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  })
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.start')
  return async () => {
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile }
    await summarizeProfile(profile, `${device.role}-${label}`, `${device.role} main thread`)
    for (const [i, sessionId] of workers.entries()) {
      const result = (await inWorker(sessionId, 'Profiler.stop').catch(() => null)) as {
        profile?: Profile
      } | null
      if (result?.profile === undefined) continue
      await summarizeProfile(
        result.profile,
        `${device.role}-${label}-worker${i + 1}`,
        `${device.role} worker ${i + 1}`,
      )
    }
    await cdp.detach()
  }
}

/** What each transfer card of a page says, e.g. "receive transferring: 12% · 120 MB of 1 GB". */
const transferCards = () =>
  [...document.querySelectorAll<HTMLElement>('[data-testid="transfer"]')].map(
    (card) =>
      `${card.dataset['direction']} ${card.dataset['state']}: ${card.querySelector('[data-testid="transfer-state"]')?.textContent?.trim() ?? ''}`,
  )

/**
 * Waits for `work`, printing what the transfer cards say now and then, and fails fast when no card
 * has changed for stallTimeoutMs rather than waiting for the whole transfer's time limit.
 */
const watchTransfers = async <T>(devices: Device[], work: Promise<T>): Promise<T> => {
  let settled = false
  const watch = async (): Promise<never> => {
    let last = ''
    let changedAtMs = Date.now()
    let printedAtMs = Date.now()
    for (;;) {
      await sleep(watchIntervalMs)
      if (settled) return new Promise<never>(() => undefined)
      const cards = await Promise.all(
        devices.map(
          async (device) =>
            `${device.role}: ${(await inPage(device.page, transferCards, null)).join('; ')}`,
        ),
      )
      const now = cards.join(' | ')
      if (now !== last) {
        last = now
        changedAtMs = Date.now()
      } else if (Date.now() - changedAtMs > stallTimeoutMs) {
        throw new Error(`bench: no progress for ${stallTimeoutMs / 1000} s: ${now}`)
      }
      if (Date.now() - printedAtMs >= printIntervalMs) {
        printedAtMs = Date.now()
        console.log(`  ${now}`)
      }
    }
  }
  try {
    return await Promise.race([work, watch()])
  } finally {
    settled = true
  }
}

const collectGarbage = async (devices: Device[]) => {
  await Promise.all(
    devices.map(async (device) => {
      const cdp = await device.context.newCDPSession(device.page)
      await cdp.send('HeapProfiler.collectGarbage')
      await cdp.detach()
    }),
  )
}

// ---------------------------------------------------------------------------------------------

const main = async () => {
  const workDir = await mkdtemp(join(tmpdir(), 'ferry-bench-'))
  cleanups.push(() => rm(workDir, { recursive: true, force: true }))
  const fileName = `bench ${fileMiB} MiB.bin`
  const sourcePath = join(workDir, fileName)
  let startedAtMs = Date.now()
  const sourceSha256 = await writeRandomFile(sourcePath, fileBytes)
  console.log(
    `source: ${fileMiB} MiB written in ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s`,
  )

  const relay = await startNostrRelay()
  cleanups.push(() => relay.close())
  const server = await startStaticServer({
    root: flags.dist,
    config: { relayUrls: [relay.url], iceServers: [] },
  })
  cleanups.push(() => server.close())

  const token = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
  const link = `${server.url}#room=${token()}&key=${token()}`
  // Tabs of one profile share an origin's storage, and with it the device's name and identity:
  // the receiver's tab is at another origin (localhost is as secure a context as 127.0.0.1).
  const receiverLink = onDisk ? link.replace('//127.0.0.1:', '//localhost:') : link
  if (onDisk && receiverLink === link) throw new Error(`bench: ${link} is not on 127.0.0.1`)
  const devices = await Promise.all([
    openDevice('sender', link),
    ...Array.from({ length: receiverCount }, (_, i) =>
      openDevice(receiverCount === 1 ? 'receiver' : `receiver${i + 1}`, receiverLink),
    ),
  ])
  const [sender, firstReceiver, ...moreReceivers] = devices
  if (sender === undefined || firstReceiver === undefined) throw new Error('bench: no devices')
  const receivers = [firstReceiver, ...moreReceivers]
  if (new Set(devices.map((device) => device.name)).size !== devices.length) {
    throw new Error('bench: two devices drew the same name; run again')
  }
  if (oneBrowser) {
    // One page at a time: two pages spinning at once could each be taken for the other.
    for (const device of devices) {
      device.rendererPid = await findRendererPid(device.page, device.browserPid)
    }
    console.log(
      `one Chromium (pid ${sender.browserPid}); renderers: ${devices.map((d) => `${d.role} ${d.rendererPid}`).join(', ')}`,
    )
    if (new Set(devices.map((device) => device.rendererPid)).size !== devices.length) {
      console.log('note: pages share a renderer process; its CPU is split between them unevenly')
    }
  }
  const peerCard = (on: Device, of: Device) =>
    on.page.locator(`[data-testid="peer"][data-peer-name="${of.name}"]`)
  startedAtMs = Date.now()
  await Promise.all(
    receivers.flatMap((receiver) => [
      peerCard(sender, receiver).waitFor({ timeout: joinTimeoutMs }),
      peerCard(receiver, sender).waitFor({ timeout: joinTimeoutMs }),
    ]),
  )
  console.log(
    `joined: ${sender.name} → ${receivers.map((each) => each.name).join(', ')} in ${Date.now() - startedAtMs} ms`,
  )

  // The raw channel is measured in two halves, before and after Ferry, so that a change in the
  // machine's load (other work shares these cores) weighs on both alike.
  const rawRuns: RawRun[] = []
  let rawCpuSeconds = 0
  const rawByColumn = new Map<string, number>()
  const measureRawHalf = async (label: string) => {
    const sampler = startSampler(devices, transferTimeoutMs(rawHalfBytes))
    const cpu = await markCpu(devices)
    rawRuns.push(await measureRaw(label, sender, firstReceiver, rawHalfBytes))
    const used = await printCpu(label, devices, cpu, rawHalfBytes)
    rawCpuSeconds += used.browsers
    accumulate(rawByColumn, used.byColumn)
    const samples = await sampler.stop()
    console.log(
      `${label} heap peaks: ${devices.map((d, i) => `${d.role} ${toMiB(peak(samples.map((s) => s.heapBytes[i] ?? 0))).toFixed(1)} MiB`).join(', ')}`,
    )
  }
  await measureRawHalf('raw 1/2')

  // Ferry
  await collectGarbage(devices)
  await sleep(500)
  const rssBeforeBytes = await totalRss(devices)
  const heapsBefore = await Promise.all(devices.map((device) => device.heapBytes()))
  console.log(
    `before Ferry: RSS ${toMiB(rssBeforeBytes).toFixed(0)} MiB; heap ${devices.map((d, i) => `${d.role} ${toMiB(heapsBefore[i] ?? 0).toFixed(1)} MiB`).join(', ')}`,
  )
  for (const receiver of receivers) {
    await peerCard(sender, receiver).getByTestId('file-input').setInputFiles(sourcePath)
  }
  await Promise.all(
    receivers.map((receiver) =>
      receiver.page.getByTestId('offer').waitFor({ timeout: connectTimeoutMs }),
    ),
  )
  const timeoutMs = transferTimeoutMs(fileBytes * receiverCount)
  const profiles = profiling
    ? await Promise.all([sender, firstReceiver].map((device) => startProfile(device, 'ferry')))
    : []
  const sampler = startSampler(devices, timeoutMs)
  const cpu = await markCpu(devices)
  const receipts = await watchTransfers(
    devices,
    Promise.all(receivers.map((receiver) => inPage(receiver.page, acceptAndWait, { timeoutMs }))),
  )
  const ferrySamples = await sampler.stop()
  const { browsers: ferryCpuSeconds, byColumn: ferryByColumn } = await printCpu(
    'Ferry',
    devices,
    cpu,
    fileBytes * receiverCount,
  )
  for (const stop of profiles) await stop()
  await sender.page
    .locator('[data-testid="transfer"][data-direction="send"][data-state="complete"]')
    .nth(receiverCount - 1)
    .waitFor({ timeout: connectTimeoutMs })

  const firstAcceptMs = Math.min(...receipts.map((r) => r.acceptedAtMs))
  const lastCompleteMs = Math.max(...receipts.map((r) => r.completeAtMs))
  for (const [i, r] of receipts.entries()) {
    const seconds = (r.completeAtMs - r.acceptedAtMs) / 1000
    console.log(
      `Ferry → ${receivers[i]?.name}: ${fileMiB} MiB, accept to verified ${seconds.toFixed(2)} s, ${(fileMiB / seconds).toFixed(1)} MiB/s`,
    )
  }
  const ferryMiBps = (fileMiB * receiverCount) / ((lastCompleteMs - firstAcceptMs) / 1000)
  if (receiverCount > 1) console.log(`Ferry aggregate: ${ferryMiBps.toFixed(1)} MiB/s`)

  const heapPeakMiB = (index: number) =>
    toMiB(peak(ferrySamples.map((s) => s.heapBytes[index] ?? 0)))
  const receiverHeapPeakMiB = Math.max(...receivers.map((_, i) => heapPeakMiB(i + 1)))
  const senderHeapPeakMiB = heapPeakMiB(0)
  const rssPeakBytes = peak(ferrySamples.map((s) => s.rssBytes))
  console.log(
    `Ferry: ${ferrySamples.length} samples; RSS peak ${toMiB(rssPeakBytes).toFixed(0)} MiB; heap peaks ${devices.map((d, i) => `${d.role} ${heapPeakMiB(i).toFixed(1)} MiB`).join(', ')}`,
  )

  await measureRawHalf('raw 2/2')
  const rawMiBps =
    toMiB(rawRuns.reduce((sum, run) => sum + run.bytes, 0)) /
    rawRuns.reduce((sum, run) => sum + run.seconds, 0)
  console.log(`raw: ${rawMiBps.toFixed(1)} MiB/s over both halves`)
  // Rates follow whatever else the machine runs meanwhile; CPU spent per MiB much less so.
  const rawCpuMsPerMiB = (rawCpuSeconds / rawMiB) * 1000
  const ferryCpuMsPerMiB = (ferryCpuSeconds / (fileMiB * receiverCount)) * 1000
  console.log(
    `browser CPU per MiB moved: raw ${rawCpuMsPerMiB.toFixed(0)} ms, Ferry ${ferryCpuMsPerMiB.toFixed(0)} ms (raw / Ferry = ${(rawCpuMsPerMiB / ferryCpuMsPerMiB).toFixed(3)})`,
  )
  printCpuTable('raw', rawByColumn, rawMiB)
  printCpuTable('Ferry', ferryByColumn, fileMiB * receiverCount)
  if (oneBrowser) {
    // One page at a time: two pages spinning at once could each be taken for the other.
    for (const device of devices) {
      device.rendererPid = await findRendererPid(device.page, device.browserPid)
    }
    console.log(
      onDisk
        ? 'note: --one-browser --on-disk: two tabs of one on-disk profile, at two origins; OPFS on disk'
        : 'note: --one-browser contexts are off the record: OPFS lives in memory in the browser process, so each receiver write is an IPC and a copy there (not a disk write), and the browser RSS grows by what it received',
    )
  }

  if (downloadCheck) {
    for (const receiver of receivers) {
      startedAtMs = Date.now()
      const save = receiver.page
        .locator('[data-testid="transfer"][data-direction="receive"]')
        .getByRole('button', { name: `Save ${fileName}`, exact: true })
      const [download] = await Promise.all([
        receiver.page.waitForEvent('download', { timeout: connectTimeoutMs }),
        save.click({ timeout: connectTimeoutMs }),
      ])
      const path = await withTimeout(download.path(), transferTimeoutMs(fileBytes), 'download')
      const received = await sha256File(path)
      await download.delete()
      if (received !== sourceSha256) {
        throw new Error(`bench: ${receiver.name} saved SHA-256 ${received}, source ${sourceSha256}`)
      }
      console.log(
        `saved file matches the source (SHA-256 ${sourceSha256.slice(0, 16)}…), checked in ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s`,
      )
    }
  } else {
    console.log('download check skipped (--no-download-check); the app verified SHA-256 itself')
  }

  return {
    mode,
    fileMiB,
    ferryMiBps: round(ferryMiBps),
    rawMiBps: round(rawMiBps),
    ratio: round(ferryMiBps / rawMiBps, 3),
    receiverHeapPeakMiB: round(receiverHeapPeakMiB),
    senderHeapPeakMiB: round(senderHeapPeakMiB),
    browserRssGrowthMiB: round(toMiB(rssPeakBytes - rssBeforeBytes)),
    rawCpuMsPerMiB: round(rawCpuMsPerMiB),
    ferryCpuMsPerMiB: round(ferryCpuMsPerMiB),
    loadAverage: round(loadavg()[0] ?? 0, 2),
  }
}

if (flags.receiver === 'firefox') {
  const { benchFirefoxReceiver } = await import('./bench-firefox.ts')
  console.log(JSON.stringify(await benchFirefoxReceiver({ fileMiB, rawMiB, dist: flags.dist })))
  process.exit(0)
}

let exitCode = 0
const watchdog = setTimeout(
  () => {
    console.error('bench: overall time limit reached')
    void cleanUp().finally(() => process.exit(1))
  },
  10 * 60_000 + transferTimeoutMs(fileBytes * receiverCount + rawMiB * mib),
)
try {
  const result = await main()
  await cleanUp()
  console.log(JSON.stringify(result))
} catch (error) {
  console.error(error)
  exitCode = 1
  await cleanUp()
} finally {
  clearTimeout(watchdog)
}
process.exit(exitCode)
