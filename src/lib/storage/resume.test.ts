import { describe, expect, it } from 'vitest'
import { newTransferId } from '../protocol/ids.ts'
import type { ResumeRecord } from '../transfer/types.ts'
import { createResumeStore, parseResumeRecord, type ResumeStoreDeps } from './resume.ts'

/** idb-keyval over a Map, cloning as IndexedDB does. */
const memoryDeps = () => {
  const map = new Map<string, unknown>()
  const deps: ResumeStoreDeps = {
    set: (key, value) => {
      map.set(key, structuredClone(value))
      return Promise.resolve()
    },
    del: (key) => {
      map.delete(key)
      return Promise.resolve()
    },
    entries: () => Promise.resolve([...map].map(([key, value]) => [key, structuredClone(value)])),
  }
  return { map, deps }
}

const record = (): ResumeRecord => ({
  transferId: newTransferId(),
  peerKey: 'sha-256 AB:CD',
  files: [
    { index: 0, name: 'a.bin', size: 10, type: '' },
    { index: 1, name: 'b.bin', path: 'dir/b.bin', size: 2_000_000, type: 'image/png' },
  ],
  folders: ['empty'],
  progress: [
    { index: 0, offsetBytes: 10, hashState: new Uint8Array(0), sha256: 'a'.repeat(64) },
    { index: 1, offsetBytes: 1_048_576, hashState: new Uint8Array([1, 2, 3]) },
  ],
  startedAtMs: 1234,
})

describe('resume records', () => {
  it('round-trips through the store, hash state included', async () => {
    const { deps } = memoryDeps()
    const store = createResumeStore(deps)
    const saved = record()
    await store.put(saved)
    expect(await store.list()).toEqual([saved])
    await store.delete(saved.transferId)
    expect(await store.list()).toEqual([])
  })

  it('skips stored values that are not records, and records whose offsets break the offer', async () => {
    const { map, deps } = memoryDeps()
    const good = record()
    map.set('junk', { hello: 1 })
    map.set('unsafe', { ...record(), files: [{ index: 0, name: '../x', size: 1, type: '' }] })
    map.set('past-end', {
      ...record(),
      progress: [{ index: 0, offsetBytes: 11, hashState: new Uint8Array(0) }],
    })
    map.set('no-file', {
      ...record(),
      progress: [{ index: 7, offsetBytes: 0, hashState: new Uint8Array(0) }],
    })
    map.set(good.transferId, good)
    expect(await createResumeStore(deps).list()).toEqual([good])
    expect(parseResumeRecord(null)).toBeNull()
  })

  it('never rejects when storage fails', async () => {
    const failing = () => Promise.reject(new Error('blocked'))
    const store = createResumeStore({ set: failing, del: failing, entries: failing })
    await expect(store.put(record())).resolves.toBeUndefined()
    await expect(store.delete(newTransferId())).resolves.toBeUndefined()
    await expect(store.list()).resolves.toEqual([])
  })
})
