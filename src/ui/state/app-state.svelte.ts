/** What the UI shows, fed by the core's events. Components read it; they act through the core. */
import { SvelteMap } from 'svelte/reactivity'
import type {
  ActiveRoom,
  FerryEvents,
  Identity,
  NearbyStatus,
  Notice,
  PeerInfo,
  TrustSettings,
} from '../../lib/ferry.ts'
import type { IncomingText, TransferSnapshot } from '../../lib/transfer/types.ts'
import { maxEndedTransfersPerPeer } from '../../lib/protocol/limits.ts'
import { isOffline } from '../connectivity.ts'
import { StagedItems } from './staged.svelte.ts'
import { t } from '../i18n/i18n.svelte.ts'
import {
  autoAcceptedText,
  interruptionText,
  noticeText,
  offerText,
  transferEndText,
} from '../messages.ts'

export interface NoticeView {
  id: number
  tone: 'error' | 'info'
  text: string
}

/** Notices disappear by themselves after this long, except errors the person must act on. */
const noticeLifetimeMs = 8000
const maxTexts = 50

const isEnded = (transfer: TransferSnapshot): boolean =>
  transfer.state === 'complete' ||
  transfer.state === 'declined' ||
  transfer.state === 'cancelled' ||
  transfer.state === 'failed'

export class AppState {
  identity = $state<Identity | null>(null)
  room = $state<ActiveRoom | null>(null)
  nearby = $state<NearbyStatus>({ state: 'checking' })
  trust = $state<TrustSettings>({ devices: [], autoAccept: false, persistent: true })
  /** Set when a device was found but could not connect; cleared when a device connects. */
  unreachable = $state<{ turnConfigured: boolean } | null>(null)
  relays = $state({ open: 0, total: 0, failed: 0 })
  /** Finding devices needs a connection that is not there (connectivity.ts). */
  offline = $state(false)
  #browserOnline = true
  readonly peers = new SvelteMap<string, PeerInfo>()
  readonly transfers = new SvelteMap<string, TransferSnapshot>()
  /** Shared, pasted or dropped things waiting for a device (StagedTray.svelte). */
  readonly staged = new StagedItems()
  texts = $state<IncomingText[]>([])
  notices = $state<NoticeView[]>([])

  /** Set when a new version waits (lib/pwa/register.ts): calling it reloads into that version. */
  activateUpdate = $state<(() => void) | null>(null)

  /** Transfers moving bytes right now: the page must not go away or sleep under them. */
  readonly running = $derived(
    [...this.transfers.values()].filter((t) => t.state === 'transferring').length,
  )

  /** Bytes the running transfers have moved so far: whether they still move (keep-going.ts). */
  readonly runningBytes = $derived(
    [...this.transfers.values()]
      .filter((t) => t.state === 'transferring')
      .reduce((sum, t) => sum + t.bytesDone, 0),
  )

  readonly incomingOffers = $derived(
    [...this.transfers.values()].filter((t) => t.direction === 'receive' && t.state === 'offered'),
  )
  readonly activity = $derived(
    [...this.transfers.values()].filter(
      (t) => !(t.direction === 'receive' && t.state === 'offered'),
    ),
  )

  /** Names of every peer seen in this visit, kept after they leave so past transfers stay labelled. */
  // Not shown by itself, so not reactive: read through peerName() when something else changes.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #knownNames = new Map<string, string>()
  #nextNoticeId = 1
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  #timers = new Set<ReturnType<typeof setTimeout>>()

  peerName(peerId: string): string {
    return this.peers.get(peerId)?.name ?? this.#knownNames.get(peerId) ?? t('app.anotherDevice')
  }

  notify(tone: NoticeView['tone'], text: string): void {
    const id = this.#nextNoticeId++
    this.notices = [...this.notices, { id, tone, text }].slice(-5)
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      this.dismissNotice(id)
    }, noticeLifetimeMs)
    this.#timers.add(timer)
  }

  dismissNotice(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id)
  }

  /** The browser's online and offline events (main.ts). */
  setBrowserOnline(online: boolean): void {
    this.#browserOnline = online
    this.#updateOffline()
  }

  #updateOffline(): void {
    const offline = isOffline(this.offline, {
      relays: this.relays,
      browserOnline: this.#browserOnline,
      nearby: this.nearby,
    })
    if (offline !== this.offline) this.offline = offline
  }

  /** Keeps the newest maxEndedTransfersPerPeer ended cards of a peer, as the core keeps records. */
  #pruneEnded(peerId: string): void {
    const ended = [...this.transfers.values()].filter((t) => t.peerId === peerId && isEnded(t))
    for (const t of ended.slice(0, -maxEndedTransfersPerPeer)) this.transfers.delete(t.id)
  }

  dismissText(id: string): void {
    this.texts = this.texts.filter((t) => t.id !== id)
  }

  /** The core's callbacks, bound to this state. */
  readonly events: FerryEvents = {
    onIdentity: (identity) => (this.identity = identity),
    onRoom: (room) => (this.room = room),
    onNearby: (status) => {
      this.nearby = status
      this.#updateOffline()
    },
    onTrust: (settings) => (this.trust = settings),
    onPeer: (peer) => {
      this.unreachable = null
      this.#knownNames.set(peer.id, peer.name)
      this.peers.set(peer.id, peer)
    },
    onPeerGone: (peerId) => this.peers.delete(peerId),
    onTransfer: (transfer) => {
      const before = this.transfers.get(transfer.id)
      if (transfer.withdrawn) {
        // Offered and withdrawn before anyone answered: its card goes, quietly.
        this.transfers.delete(transfer.id)
        return
      }
      this.transfers.set(transfer.id, transfer)
      if (isEnded(transfer)) this.#pruneEnded(transfer.peerId)
      if (!before && transfer.direction === 'receive') {
        // Screen readers hear about an offer through the live region, wherever focus is. One that
        // is under way already came from a trusted device and was accepted without asking.
        const peerName = this.peerName(transfer.peerId)
        this.notify(
          'info',
          transfer.state === 'offered'
            ? offerText(transfer, peerName)
            : transfer.state === 'interrupted'
              ? interruptionText(transfer, peerName)
              : autoAcceptedText(transfer, peerName),
        )
      }
      const changed =
        before && (before.state !== transfer.state || before.interruption !== transfer.interruption)
      if (changed) {
        const text = transferEndText(transfer, this.peerName(transfer.peerId))
        const good = transfer.state === 'complete' || transfer.state === 'transferring'
        if (text) this.notify(good ? 'info' : 'error', text)
      }
    },
    onText: (text) => (this.texts = [text, ...this.texts].slice(0, maxTexts)),
    onNotice: (notice: Notice) => {
      if (notice.code === 'peer-unreachable') {
        this.unreachable = { turnConfigured: notice.turnConfigured }
      }
      const text = noticeText(notice)
      this.notify(notice.code === 'relays-reachable' ? 'info' : 'error', text)
    },
    onRelayStatus: (status) => {
      const { open, total, failed } = this.relays
      if (status.open !== open || status.total !== total || status.failed !== failed)
        this.relays = status
      this.#updateOffline()
    },
  }

  destroy(): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
  }
}
