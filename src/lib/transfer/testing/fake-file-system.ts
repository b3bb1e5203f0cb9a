/**
 * Test-only (Node has no OPFS and no File System Access): an in-memory stand-in for the part of
 * the File System API the disk sinks use, strict where browsers are strict: names are checked, a
 * sync access handle locks its file (no second handle, no writable, no removal, no getFile), an
 * open writable blocks removal, removing a non-empty folder needs `recursive`, createWritable
 * writes into a swap copy that close() commits and abort() drops, and a quota can run out.
 * Also: fake Web Locks, and a page-to-worker bridge that copies and transfers like postMessage.
 */
import type {
  DirectoryHandleLike,
  FileHandleLike,
  SyncAccessHandleLike,
  WritableLike,
} from '../disk-sink.ts'
import { createOpfsWorkerHost, type OpfsWorkerRequest } from '../opfs-worker-protocol.ts'
import { createOpfsWorkerClient, type OpfsWorkerClient } from '../opfs-sink.ts'
import type { LocksLike } from '../sink-factory.ts'

export interface FakeFileSystemOptions {
  /** FileSystemFileHandle.createSyncAccessHandle (as in a worker). Default true. */
  syncAccessHandles?: boolean
  /** FileSystemFileHandle.createWritable. Default true. */
  writables?: boolean
  /** Chromium's FileSystemHandle.remove(). Default false. */
  remove?: boolean
  /** Sync access handle methods other than write return promises, as in Safari before 17. */
  asyncSyncHandleMethods?: boolean
  /** Total bytes all files (and swap files) may hold. Default unlimited. */
  quotaBytes?: number
}

const domError = (name: string, message: string): DOMException => new DOMException(message, name)

/** Runs `work` now; its result or throw becomes a promise, as with the browsers' async methods. */
const settle = <T>(work: () => T | Promise<T>): Promise<T> =>
  new Promise((resolve) => resolve(work()))

const checkName = (name: string): void => {
  if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) {
    throw new TypeError(`Name is not allowed: ${JSON.stringify(name)}`)
  }
}

class Store {
  usedBytes = 0
  constructor(readonly options: FakeFileSystemOptions) {}
  resize(from: number, to: number): void {
    const quota = this.options.quotaBytes ?? Infinity
    if (to > from && this.usedBytes + to - from > quota) {
      throw domError('QuotaExceededError', 'The quota has been exceeded.')
    }
    this.usedBytes += to - from
  }
}

/** Growable bytes. */
class Bytes {
  data = new Uint8Array(0)
  size = 0
  constructor(private readonly store: Store) {}
  writeAt(bytes: Uint8Array, at: number): void {
    const end = at + bytes.length
    if (end > this.size) this.store.resize(this.size, end)
    if (end > this.data.length) {
      const grown = new Uint8Array(Math.max(end, this.data.length * 2))
      grown.set(this.data.subarray(0, this.size))
      this.data = grown
    }
    this.data.set(bytes, at)
    this.size = Math.max(this.size, end)
  }
  /** Cuts or grows (with zeros) to `size`, as FileSystemSyncAccessHandle.truncate does. */
  truncate(size: number): void {
    this.store.resize(this.size, size)
    if (size < this.size) this.data.fill(0, size, this.size)
    if (size > this.data.length) {
      const grown = new Uint8Array(size)
      grown.set(this.data.subarray(0, this.size))
      this.data = grown
    }
    this.size = size
  }
  contents(): Uint8Array<ArrayBuffer> {
    return this.data.slice(0, this.size)
  }
  release(): void {
    this.store.resize(this.size, 0)
    this.size = 0
  }
}

class FileNode {
  readonly bytes: Bytes
  syncLocked = false
  openWritables = 0
  constructor(store: Store) {
    this.bytes = new Bytes(store)
  }
  get busy(): boolean {
    return this.syncLocked || this.openWritables > 0
  }
}

class FakeWritable implements WritableLike {
  #swap: Bytes
  #position = 0
  #open = true
  constructor(
    private readonly node: FileNode,
    store: Store,
  ) {
    this.#swap = new Bytes(store)
    node.openWritables++
  }
  #check(): void {
    if (!this.#open) throw new TypeError('The stream is closed.')
  }
  write(data: Uint8Array<ArrayBuffer>): Promise<void> {
    return settle(() => {
      this.#check()
      this.#swap.writeAt(data.slice(), this.#position)
      this.#position += data.length
    })
  }
  close(): Promise<void> {
    return settle(() => {
      this.#check()
      this.#open = false
      this.node.openWritables--
      this.node.bytes.truncate(0)
      this.node.bytes.writeAt(this.#swap.contents(), 0)
      this.#swap.release()
    })
  }
  abort(): Promise<void> {
    if (!this.#open) return Promise.resolve()
    this.#open = false
    this.node.openWritables--
    this.#swap.release()
    return Promise.resolve()
  }
}

class FakeSyncAccessHandle implements SyncAccessHandleLike {
  #open = true
  constructor(
    private readonly node: FileNode,
    private readonly asyncMethods: boolean,
  ) {
    node.syncLocked = true
  }
  #check(): void {
    if (!this.#open) throw domError('InvalidStateError', 'The access handle is closed.')
  }
  #result(): void | Promise<void> {
    return this.asyncMethods ? Promise.resolve() : undefined
  }
  write(buffer: Uint8Array<ArrayBuffer>, options?: { at?: number }): number {
    this.#check()
    this.node.bytes.writeAt(buffer, options?.at ?? this.node.bytes.size)
    return buffer.length
  }
  getSize(): number {
    this.#check()
    return this.node.bytes.size
  }
  truncate(newSize: number): void | Promise<void> {
    this.#check()
    this.node.bytes.truncate(newSize)
    return this.#result()
  }
  flush(): void | Promise<void> {
    this.#check()
    return this.#result()
  }
  close(): void | Promise<void> {
    if (this.#open) {
      this.#open = false
      this.node.syncLocked = false
    }
    return this.#result()
  }
}

export class FakeFileHandle implements FileHandleLike {
  readonly kind = 'file'
  createWritable?: (options?: { keepExistingData?: boolean }) => Promise<WritableLike>
  createSyncAccessHandle?: () => Promise<SyncAccessHandleLike>
  remove?: () => Promise<void>

  constructor(
    private readonly parent: FakeDirectoryHandle,
    readonly name: string,
    readonly node: FileNode,
    store: Store,
  ) {
    const { options } = store
    if (options.writables !== false) {
      this.createWritable = () =>
        settle(() => {
          this.#attached()
          if (node.syncLocked) throw domError('NoModificationAllowedError', 'The file is locked.')
          return new FakeWritable(node, store)
        })
    }
    if (options.syncAccessHandles !== false) {
      this.createSyncAccessHandle = () =>
        settle(() => {
          this.#attached()
          if (node.busy) throw domError('NoModificationAllowedError', 'The file is locked.')
          return new FakeSyncAccessHandle(node, options.asyncSyncHandleMethods === true)
        })
    }
    if (options.remove === true) {
      this.remove = () => this.parent.removeEntry(this.name)
    }
  }

  #attached(): void {
    if (this.parent.entries.get(this.name) !== this.node) {
      throw domError('NotFoundError', `${this.name} was removed.`)
    }
  }

  getFile(): Promise<File> {
    return settle(() => {
      this.#attached()
      if (this.node.syncLocked) throw domError('NoModificationAllowedError', 'The file is locked.')
      return new File([this.node.bytes.contents()], this.name)
    })
  }
}

type Entry = FakeDirectoryHandle | FileNode

const isBusy = (entry: Entry): boolean =>
  entry instanceof FileNode ? entry.busy : [...entry.entries.values()].some(isBusy)

const release = (entry: Entry): void => {
  if (entry instanceof FileNode) entry.bytes.release()
  else entry.entries.forEach(release)
}

export class FakeDirectoryHandle implements DirectoryHandleLike {
  readonly kind = 'directory'
  readonly entries = new Map<string, Entry>()

  constructor(
    readonly name: string,
    private readonly store: Store,
  ) {}

  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<DirectoryHandleLike> {
    return settle(() => {
      checkName(name)
      const entry = this.entries.get(name)
      if (entry instanceof FakeDirectoryHandle) return entry
      if (entry !== undefined) throw domError('TypeMismatchError', `${name} is a file.`)
      if (options?.create !== true) throw domError('NotFoundError', `${name} not found.`)
      const created = new FakeDirectoryHandle(name, this.store)
      this.entries.set(name, created)
      return created
    })
  }

  getFileHandle(name: string, options?: { create?: boolean }): Promise<FileHandleLike> {
    return settle(() => {
      checkName(name)
      let entry = this.entries.get(name)
      if (entry instanceof FakeDirectoryHandle) {
        throw domError('TypeMismatchError', `${name} is a folder.`)
      }
      if (entry === undefined) {
        if (options?.create !== true) throw domError('NotFoundError', `${name} not found.`)
        entry = new FileNode(this.store)
        this.entries.set(name, entry)
      }
      return new FakeFileHandle(this, name, entry, this.store)
    })
  }

  removeEntry(name: string, options?: { recursive?: boolean }): Promise<void> {
    return settle(() => {
      checkName(name)
      const entry = this.entries.get(name)
      if (entry === undefined) throw domError('NotFoundError', `${name} not found.`)
      if (entry instanceof FakeDirectoryHandle && entry.entries.size > 0 && !options?.recursive) {
        throw domError('InvalidModificationError', `${name} is not empty.`)
      }
      if (isBusy(entry)) throw domError('NoModificationAllowedError', `${name} is in use.`)
      release(entry)
      this.entries.delete(name)
    })
  }

  async *keys(): AsyncGenerator<string> {
    for (const name of [...this.entries.keys()]) {
      await Promise.resolve()
      yield name
    }
  }

  /** Every file below this folder, as sorted '/'-separated paths. */
  files(prefix = ''): string[] {
    return [...this.entries]
      .flatMap(([name, entry]) =>
        entry instanceof FileNode ? [prefix + name] : entry.files(`${prefix}${name}/`),
      )
      .sort()
  }

  /** Every folder below this one, as sorted '/'-separated paths. */
  folders(prefix = ''): string[] {
    return [...this.entries]
      .flatMap(([name, entry]) =>
        entry instanceof FileNode ? [] : [prefix + name, ...entry.folders(`${prefix}${name}/`)],
      )
      .sort()
  }

  /** The committed contents of the file at a '/'-separated path, or undefined. */
  read(path: string): Uint8Array | undefined {
    const [first, ...rest] = path.split('/')
    const entry = first === undefined ? undefined : this.entries.get(first)
    if (rest.length === 0) return entry instanceof FileNode ? entry.bytes.contents() : undefined
    return entry instanceof FakeDirectoryHandle ? entry.read(rest.join('/')) : undefined
  }

  /** Puts a file with the given contents at a '/'-separated path (test set-up). */
  async put(path: string, contents: Uint8Array): Promise<void> {
    const segments = path.split('/')
    const name = segments.pop() ?? ''
    const dir = await segments.reduce<Promise<DirectoryHandleLike>>(
      async (parent, folder) => (await parent).getDirectoryHandle(folder, { create: true }),
      Promise.resolve(this),
    )
    const handle = (await dir.getFileHandle(name, { create: true })) as FakeFileHandle
    handle.node.bytes.truncate(0)
    handle.node.bytes.writeAt(contents, 0)
  }
}

export interface FakeFileSystem {
  root: FakeDirectoryHandle
  /** Bytes held by all files, swap files included. */
  usedBytes: () => number
}

export const createFakeFileSystem = (
  options: FakeFileSystemOptions = {},
  rootName = '',
): FakeFileSystem => {
  const store = new Store(options)
  return { root: new FakeDirectoryHandle(rootName, store), usedBytes: () => store.usedBytes }
}

/** Web Locks for one or more "tabs" of a test: exclusive, queued, `ifAvailable` honoured. */
export const createFakeLocks = (): LocksLike & { held(): string[] } => {
  const held = new Set<string>()
  const waiting = new Map<string, (() => void)[]>()
  const acquire = (name: string): Promise<void> => {
    if (!held.has(name)) {
      held.add(name)
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      waiting.set(name, [...(waiting.get(name) ?? []), resolve])
    })
  }
  const releaseLock = (name: string): void => {
    const next = waiting.get(name)?.shift()
    if (next) next()
    else held.delete(name)
  }
  return {
    held: () => [...held].sort(),
    async request(name, options, callback) {
      if (options.ifAvailable === true && held.has(name)) return callback(null)
      await acquire(name)
      try {
        return await callback({ name })
      } finally {
        releaseLock(name)
      }
    },
  }
}

export interface FakeWorker {
  client: OpfsWorkerClient
  /** Holds requests in the "worker" until resume(). */
  pause(): void
  resume(): void
  /** Largest number of write bytes posted and not yet answered, so far. */
  maxUnansweredWriteBytes(): number
  /** Write buffers the client made new, rather than reused from the worker's replies. */
  freshWriteBuffers(): number
  /** The byte length of every write posted so far, in order. */
  writes(): number[]
}

/**
 * The writer worker's protocol across a fake boundary: messages are structured-cloned (buffers in
 * the transfer list are detached, as with postMessage) and delivered on a later task.
 */
export const connectFakeWorker = (root: DirectoryHandleLike): FakeWorker => {
  let paused = false
  const held: unknown[] = []
  const writeBytes = new Map<number, number>()
  const writes: number[] = []
  let unansweredBytes = 0
  let maxUnansweredBytes = 0
  const later = (task: () => void): void => void setTimeout(task, 0)

  /** Buffers the "worker" gave back, and how many write buffers were new rather than those. */
  const givenBack = new WeakSet<ArrayBuffer>()
  let freshWriteBuffers = 0
  const host = createOpfsWorkerHost({ getRoot: () => Promise.resolve(root) }, (reply, transfer) => {
    const copy = structuredClone(reply, { transfer })
    if (copy.ok && copy.buffer) givenBack.add(copy.buffer)
    later(() => {
      unansweredBytes -= writeBytes.get(copy.request) ?? 0
      writeBytes.delete(copy.request)
      client.receive(copy)
    })
  })
  const deliver = (message: unknown): void => {
    if (paused) held.push(message)
    else host.receive(message)
  }
  const client = createOpfsWorkerClient((request: OpfsWorkerRequest, transfer) => {
    if (request.type === 'write') {
      writeBytes.set(request.request, request.byteLength)
      writes.push(request.byteLength)
      unansweredBytes += request.byteLength
      maxUnansweredBytes = Math.max(maxUnansweredBytes, unansweredBytes)
    }
    const copy: unknown = structuredClone(request, { transfer })
    later(() => deliver(copy))
  })
  const writeBuffer = client.writeBuffer.bind(client)
  client.writeBuffer = () => {
    const buffer = writeBuffer()
    if (!givenBack.has(buffer)) freshWriteBuffers++
    return buffer
  }
  return {
    client,
    pause: () => {
      paused = true
    },
    resume: () => {
      paused = false
      for (const message of held.splice(0)) host.receive(message)
    },
    maxUnansweredWriteBytes: () => maxUnansweredBytes,
    freshWriteBuffers: () => freshWriteBuffers,
    writes: () => [...writes],
  }
}
