/** Past transfers and known devices, as the UI shows them; fed by the core's events, kept by storage. */
import type { PeerInfo } from '../../lib/ferry.ts'
import {
  deviceKey,
  maxNamesPerEntry,
  type History,
  type HistoryEntry,
  type HistoryOutcome,
  type HistoryStore,
  type KnownDevice,
} from '../../lib/storage/history.ts'
import type { TransferSnapshot } from '../../lib/transfer/types.ts'

const outcomes: readonly string[] = ['complete', 'declined', 'cancelled', 'failed']
const isOutcome = (state: string): state is HistoryOutcome => outcomes.includes(state)

export class HistoryState {
  entries = $state.raw<HistoryEntry[]>([])
  devices = $state.raw<KnownDevice[]>([])
  readonly #store: HistoryStore
  readonly #nowMs: () => number
  /** Bookkeeping, never rendered. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #recorded = new Set<string>()
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #peers = new Map<string, { key: string; name: string; device: KnownDevice['device'] }>()

  constructor(store: HistoryStore, nowMs: () => number) {
    this.#store = store
    this.#nowMs = nowMs
  }

  async load(): Promise<void> {
    this.#show(await this.#store.load())
  }

  /** A peer appeared or changed: remember it (written only when its name or kind changed). */
  observePeer(peer: PeerInfo): void {
    const key = deviceKey(peer.fingerprint, peer.name)
    const before = this.#peers.get(peer.id)
    this.#peers.set(peer.id, { key, name: peer.name, device: peer.device })
    if (before?.key === key && before.name === peer.name && before.device === peer.device) return
    void this.#store
      .sawDevice({ key, name: peer.name, device: peer.device, lastSeenMs: this.#nowMs() })
      .then(
        (history) => this.#show(history),
        () => undefined, // A device storage refuses is simply not remembered.
      )
  }

  /** A transfer changed: once it has ended, it goes into the history. */
  observeTransfer(transfer: TransferSnapshot, peerName: string): void {
    // An offer withdrawn before anyone answered: nothing happened (see TransferSnapshot.withdrawn).
    if (!isOutcome(transfer.state) || transfer.withdrawn || this.#recorded.has(transfer.id)) return
    this.#recorded.add(transfer.id)
    const peer = this.#peers.get(transfer.peerId)
    const entry: HistoryEntry = {
      id: transfer.id,
      direction: transfer.direction,
      deviceKey: peer?.key ?? deviceKey(null, peerName),
      peerName: peer?.name ?? peerName,
      files: transfer.files
        .slice(0, maxNamesPerEntry)
        .map((file) => ({ name: file.name, size: file.size })),
      fileCount: transfer.files.length,
      totalBytes: transfer.totalBytes,
      outcome: transfer.state,
      ...(transfer.state === 'failed' && transfer.errorCode
        ? { errorCode: transfer.errorCode }
        : {}),
      verified: transfer.state === 'complete' && transfer.files.every((file) => file.verified),
      endedAtMs: this.#nowMs(),
    }
    void this.#store.record(entry).then(
      (history) => this.#show(history),
      () => undefined, // An entry storage refuses is left out.
    )
  }

  async clear(): Promise<void> {
    this.#show(await this.#store.clear())
  }

  /** A peer left: when it comes back, it is remembered again, even if it was forgotten. */
  peerGone(peerId: string): void {
    this.#peers.delete(peerId)
  }

  /**
   * Forgets a device and its transfers. One still connected stays forgotten while it is: only a
   * change of its name or kind, or meeting it again, remembers it.
   */
  async forget(key: string): Promise<void> {
    this.#show(await this.#store.forgetDevice(key))
  }

  #show(history: History): void {
    this.entries = history.entries
    this.devices = history.devices
  }
}
