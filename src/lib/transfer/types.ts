/**
 * The contract between the transfer core and the rest of the app.
 * The UI and the signalling module depend on these types only; the core implements them.
 */
import type {
  ControlMessage,
  DeclineReason,
  DeviceKind,
  OfferedFile,
  OfferPreview,
} from '../protocol/control.ts'

/** A reliable, ordered, message-oriented binary channel to one peer (a negotiated RTCDataChannel in the app, an in-memory pair in tests). */
export interface BulkChannel {
  /** Sends one whole message. Throws if the channel is closed. */
  send(bytes: Uint8Array): void
  /** Bytes queued for sending and not yet handed to the network. */
  bufferedBytes(): number
  /** Resolves once bufferedBytes() is at or below the low-water mark, or the channel closes. */
  waitForDrain(): Promise<void>
  /** Resolves once the channel is open (at once if it is); rejects if it closes first. */
  waitOpen(): Promise<void>
  isOpen(): boolean
  /** Called for every received message. */
  onMessage: ((bytes: Uint8Array) => void) | null
  /** Called once when the channel closes. */
  onClose: (() => void) | null
}

/** What the core needs to reach one connected peer. */
export interface PeerPort {
  sendControl(message: ControlMessage): void
  bulk: BulkChannel
}

/** A running streaming SHA-256. */
export interface Hasher {
  update(bytes: Uint8Array): void
  /** Lowercase hex digest. */
  digestHex(): string
  /** The running state, for resuming later (createHasher(state) continues from it); absent if it cannot. */
  save?(): Uint8Array
}

/** Where received bytes go. Writes arrive in order, each once. */
export interface Sink {
  write(bytes: Uint8Array): Promise<void>
  /** All bytes written: hand the result over. */
  close(): Promise<Blob>
  /** Drop whatever was written. */
  abort(): Promise<void>
  /**
   * Resolves true once every byte written so far would survive the page closing (a later
   * SinkFactory reopen can continue it), false where this sink cannot keep bytes past the page
   * (memory, a swap file that only lands on close). Absent: false.
   */
  flush?(): Promise<boolean>
  /** Stops writing but keeps what was written, for a reopen; absent where there is nothing to keep. */
  detach?(): Promise<void>
}

/** A file the local person chose to send. */
export interface OutgoingFile {
  blob: Blob
  name: string
  /** Relative path inside a chosen folder, including the name; absent for loose files. */
  path?: string
  type: string
  /** A small thumbnail (a `data:` URL, see isPreviewData) to show the receiver before they accept. */
  preview?: string
}

export type TransferDirection = 'send' | 'receive'

export type TransferState =
  | 'offered' // waiting for the receiver's answer (send) or the person's answer (receive)
  | 'transferring'
  | 'interrupted' // stopped by a lost connection or a full disk; resumable (see `interruption`)
  | 'complete' // every file delivered and verified
  | 'declined'
  | 'cancelled'
  | 'failed'

/**
 * Why a transfer is interrupted:
 * - 'peer-gone': the connection was lost; it resumes when the devices meet again.
 * - 'storage-full': the receiver's storage ran out; it resumes when the receiver retries.
 * - 'restored': a receiver's transfer from an earlier visit (page reloaded or closed), offered to
 *   resume: resume() asks the sender once it is connected.
 */
export type Interruption = 'peer-gone' | 'storage-full' | 'restored'

export interface FileProgress {
  index: number
  name: string
  path?: string
  size: number
  type: string
  /** Bytes delivered (send: acknowledged by the receiver; receive: written to the sink). */
  bytesDone: number
  /** True once both sides' SHA-256 digests matched. */
  verified: boolean
  /** Receive side: the finished file, once verified. */
  blob?: Blob
}

export interface TransferSnapshot {
  id: string
  peerId: string
  direction: TransferDirection
  state: TransferState
  files: FileProgress[]
  /** Empty folders of the offer (relative paths), to recreate on saving; absent when none. */
  folders?: string[]
  /** Thumbnails of some image files, by file index (validated); absent when none. */
  previews?: OfferPreview[]
  totalBytes: number
  bytesDone: number
  /** Send side: every file byte put on the wire so far, bytes sent again after a resume included. */
  bytesSent?: number
  /** Set when state is 'interrupted'. */
  interruption?: Interruption
  /** Set when state is 'declined', 'cancelled' or 'failed': who ended it and why, in a stable code. */
  endedBy?: 'local' | 'remote'
  errorCode?: string
  /** Set when state is 'declined': the reason the receiver gave (errorCode is then 'declined'). */
  declineReason?: DeclineReason
  /**
   * Receive side, state 'cancelled': the sender withdrew its offer before anyone answered. Nothing
   * happened, so it leaves no history entry nor card, and the manager keeps no record of it; the
   * peer is charged for it (ferry.ts), since offering and withdrawing costs it nothing.
   */
  withdrawn?: true
  startedAtMs: number
  updatedAtMs: number
}

export interface IncomingText {
  id: string
  peerId: string
  text: string
  receivedAtMs: number
}

export interface PeerHello {
  name: string
  device: DeviceKind
}

export type TransferEvent =
  | { type: 'transfer'; transfer: TransferSnapshot }
  | { type: 'text'; text: IncomingText }
  | { type: 'hello'; peerId: string; hello: PeerHello }
  /** A peer broke the protocol; the message was refused. */
  | { type: 'protocol-error'; peerId: string; code: string; detail: string }

export type { ControlMessage, DeclineReason, DeviceKind, OfferedFile, OfferPreview }

/** A receiver's durable notes on one file of a transfer, for resuming after a reload. */
export interface ResumeFileRecord {
  index: number
  /** Bytes written and flushed at the last ack point. */
  offsetBytes: number
  /** SHA-256 state at offsetBytes (Hasher.save()). */
  hashState: Uint8Array
  /** Set once the file was verified: its digest. */
  sha256?: string
}

/** What a receiver keeps of an accepted transfer until it ends, so a reopened page can resume it. */
export interface ResumeRecord {
  transferId: string
  /** The sender's stable identity (its certificate fingerprint), to know it when it comes back. */
  peerKey: string
  files: OfferedFile[]
  folders: string[]
  /** Files with durable progress; a file missing here starts from 0. */
  progress: ResumeFileRecord[]
  startedAtMs: number
}

/** Where resume records live (storage/resume.ts in the app; a Map in tests). Never rejects. */
export interface ResumeStore {
  put(record: ResumeRecord): Promise<void>
  delete(transferId: string): Promise<void>
  list(): Promise<ResumeRecord[]>
}

export interface TransferManagerDeps {
  /** A sink for one accepted incoming file. */
  createSink(transferId: string, file: OfferedFile): Sink
  /**
   * The file's sink reopened at `offsetBytes` (the rest cut off), to continue writing there; null
   * where it cannot be (nothing durable kept): the file then starts again from 0.
   */
  reopenSink?(transferId: string, file: OfferedFile, offsetBytes: number): Promise<Sink | null>
  /** A fresh SHA-256, or one continuing from a saved state. */
  createHasher(state?: Uint8Array): Promise<Hasher>
  /** Durable resume records; without it a reload loses what was received. */
  resumeStore?: ResumeStore
  /** A fresh random transfer id (see protocol/ids.ts). */
  newId(): string
  nowMs(): number
  onEvent(event: TransferEvent): void
}

/** Runs every transfer with every connected peer. Built by createTransferManager(deps). */
export interface TransferManager {
  /**
   * Start talking to a connected peer; the manager takes over port.bulk.onMessage/onClose.
   * `deviceKey` is the device's stable identity (its certificate fingerprint): peer ids change
   * when a device reconnects, and interrupted transfers with that device resume under the new id.
   */
  addPeer(peerId: string, port: PeerPort, deviceKey?: string): void
  /** The peer left: its running transfers are interrupted (offers fail with 'peer-gone'). */
  removePeer(peerId: string): void
  /** Adds the interrupted incoming transfers of an earlier visit (ResumeStore.list()). */
  restore(records: readonly ResumeRecord[]): void
  /**
   * The person asks an interrupted incoming transfer to go on (after freeing space, or one
   * restored from an earlier visit): resumes now if the sender is connected, else when it comes.
   */
  resume(transferId: string): void
  /** Every control message from a peer, as received (unvalidated). */
  handleControl(peerId: string, raw: unknown): void
  /**
   * Offer files, and the empty folders of a chosen tree, to a peer; returns the transfer id.
   * Names and paths are made safe first (protocol/paths.ts: safeFileName, sanitizeRelativePath);
   * folders that repeat, hold a file or clash with a file's path are left out.
   * Throws ProtocolError: 'peer-gone' (peer not added), 'invalid-field' or 'too-large' (the files
   * break a limit in protocol/limits.ts, e.g. none, too many, a path too long).
   */
  sendFiles(peerId: string, files: OutgoingFile[], folders?: readonly string[]): string
  /** Throws ProtocolError: 'peer-gone', or 'invalid-field' / 'too-large' for empty or too long text. */
  sendText(peerId: string, text: string): void
  /** Accept an offered incoming transfer; a no-op in any other state (e.g. cancelled meanwhile). */
  accept(transferId: string): void
  /** Decline an offered incoming transfer (reason 'user' unless given); otherwise a no-op. */
  decline(transferId: string, reason?: DeclineReason): void
  /** Cancel an open (or interrupted) transfer, either direction, and tell the peer; otherwise a no-op. */
  cancel(transferId: string): void
  /** Forget a transfer that has ended (a no-op for open ones). */
  dismiss(transferId: string): void
  destroy(): void
}
