import { describe, expect, it } from 'vitest'
import type { PeerInfo } from '../../lib/ferry.ts'
import { createHistoryStore, type KeyValueStore } from '../../lib/storage/history.ts'
import type { TransferSnapshot } from '../../lib/transfer/types.ts'
import { HistoryState } from './history.svelte.ts'

const memoryStore = (): KeyValueStore => {
  const items = new Map<string, unknown>()
  return {
    get: (key) => Promise.resolve(structuredClone(items.get(key))),
    update: (key, updater) => {
      items.set(key, structuredClone(updater(items.get(key))))
      return Promise.resolve()
    },
    del: (key) => Promise.resolve(void items.delete(key)),
  }
}

const peer = (overrides: Partial<PeerInfo> = {}): PeerInfo => ({
  id: 'peer-1',
  name: 'Blue Otter',
  device: 'phone',
  rooms: ['link'],
  fingerprint: 'sha-256 AB:CD',
  verification: null,
  trusted: false,
  blocked: false,
  ...overrides,
})

/** Lets the store's writes, which observePeer does not wait for, finish. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0))

const knownNames = (history: HistoryState) => history.devices.map((device) => device.name)

describe('HistoryState known devices', () => {
  it('remembers a device when it appears, and again when its name changes', async () => {
    const history = new HistoryState(createHistoryStore(memoryStore()), () => 1000)
    await history.load()
    history.observePeer(peer())
    await settled()
    expect(knownNames(history)).toEqual(['Blue Otter'])
    history.observePeer(peer({ name: 'Red Otter' }))
    await settled()
    expect(knownNames(history)).toEqual(['Red Otter'])
  })

  it('keeps a connected device forgotten while it stays connected, and remembers it when it comes back', async () => {
    const history = new HistoryState(createHistoryStore(memoryStore()), () => 1000)
    await history.load()
    history.observePeer(peer())
    await settled()
    await history.forget('sha-256 AB:CD')
    expect(history.devices).toEqual([])

    // Its code is worked out, it is trusted: the same connection, still forgotten.
    history.observePeer(peer({ verification: { emoji: ['🐙'], words: ['octopus'] } }))
    history.observePeer(peer({ trusted: true, rooms: ['nearby', 'link'] }))
    await settled()
    expect(history.devices).toEqual([])

    history.peerGone('peer-1')
    history.observePeer(peer())
    await settled()
    expect(knownNames(history)).toEqual(['Blue Otter'])
  })
})

describe('HistoryState transfers', () => {
  const ended = (id: string, withdrawn: boolean): TransferSnapshot => ({
    id,
    peerId: 'peer-1',
    direction: 'receive',
    state: 'cancelled',
    files: [],
    totalBytes: 0,
    bytesDone: 0,
    endedBy: 'remote',
    errorCode: 'cancelled',
    ...(withdrawn ? { withdrawn: true as const } : {}),
    startedAtMs: 0,
    updatedAtMs: 0,
  })

  it('records an ended transfer, but not an offer withdrawn before an answer', async () => {
    const history = new HistoryState(createHistoryStore(memoryStore()), () => 1000)
    await history.load()
    history.observeTransfer(ended('withdrawn', true), 'Blue Otter')
    history.observeTransfer(ended('cancelled', false), 'Blue Otter')
    await settled()
    expect(history.entries.map((entry) => entry.id)).toEqual(['cancelled'])
  })
})
