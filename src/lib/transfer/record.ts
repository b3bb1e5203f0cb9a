/** A transfer as the manager keeps it, built in one place, and the snapshot it shows of it. */
import type { IncomingTransfer } from './incoming.ts'
import type { OutgoingTransfer } from './outgoing.ts'
import type { TransferStatus } from './transition.ts'
import type {
  FileProgress,
  OfferedFile,
  OfferPreview,
  ResumeRecord,
  TransferSnapshot,
} from './types.ts'

export type Engine =
  | { direction: 'send'; outgoing: OutgoingTransfer }
  | { direction: 'receive'; incoming: IncomingTransfer }

export interface TransferRecord {
  readonly id: string
  peerId: string
  /** The peer device's stable identity, to find it again under a new peer id. */
  readonly peerKey: string
  /** Changed only through transition.ts (changeState). */
  status: TransferStatus
  readonly files: FileProgress[]
  readonly folders: string[]
  readonly previews: OfferPreview[]
  readonly totalBytes: number
  readonly startedAtMs: number
  updatedAtMs: number
  lastEventMs: number
  readonly engine: Engine
  /** Receive side: what is kept durably for a reload (written to deps.resumeStore). */
  resumeRecord?: ResumeRecord
  /** A resume is being prepared (receiver) or waits for the old loop to stop (sender). */
  resuming: boolean
  /** Sender: the latest resume asked for while the old loop was stopping. */
  resumeAt?: { file: number; offset: number }
}

export interface RecordInit {
  id: string
  peerId: string
  peerKey: string
  status: TransferStatus
  files: FileProgress[]
  folders: string[]
  previews: OfferPreview[]
  startedAtMs: number
  nowMs: number
  /** The engine that moves the bytes; it reaches the record through `record` once it is built. */
  engine: (record: () => TransferRecord) => Engine
}

export const createRecord = (init: RecordInit): TransferRecord => {
  const record: TransferRecord = {
    id: init.id,
    peerId: init.peerId,
    peerKey: init.peerKey,
    status: init.status,
    files: init.files,
    folders: init.folders,
    previews: init.previews,
    totalBytes: init.files.reduce((sum, file) => sum + file.size, 0),
    startedAtMs: init.startedAtMs,
    updatedAtMs: init.nowMs,
    lastEventMs: init.nowMs,
    resuming: false,
    engine: init.engine(() => record),
  }
  return record
}

/** A file's row in a transfer's progress, before any byte moved. */
export const progressRow = (file: OfferedFile): FileProgress => ({
  index: file.index,
  name: file.name,
  ...(file.path === undefined ? {} : { path: file.path }),
  size: file.size,
  type: file.type,
  bytesDone: 0,
  verified: false,
})

export const snapshot = (transfer: TransferRecord): TransferSnapshot => {
  const files = transfer.files.map((file) => ({ ...file }))
  const { engine } = transfer
  return {
    id: transfer.id,
    peerId: transfer.peerId,
    direction: engine.direction,
    ...transfer.status,
    files,
    ...(transfer.folders.length === 0 ? {} : { folders: [...transfer.folders] }),
    ...(transfer.previews.length === 0 ? {} : { previews: transfer.previews }),
    totalBytes: transfer.totalBytes,
    bytesDone: files.reduce((sum, file) => sum + file.bytesDone, 0),
    ...(engine.direction === 'send' ? { bytesSent: engine.outgoing.sentBytes() } : {}),
    startedAtMs: transfer.startedAtMs,
    updatedAtMs: transfer.updatedAtMs,
  }
}
