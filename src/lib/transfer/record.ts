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

/** The half that moves a transfer's bytes: ours to send, or theirs to receive. */
export type Engine =
  | { readonly direction: 'send'; readonly outgoing: OutgoingTransfer }
  | { readonly direction: 'receive'; readonly incoming: IncomingTransfer }

interface RecordFields {
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
  /** Receive side: what is kept durably for a reload (written to deps.resumeStore). */
  resumeRecord?: ResumeRecord
  /** A resume is being prepared (receiver) or waits for the old loop to stop (sender). */
  resuming: boolean
  /** Sender: the latest resume asked for while the old loop was stopping. */
  resumeAt?: { file: number; offset: number }
}

/** A transfer as the manager keeps it; its direction says which engine it has. */
export type TransferRecord = RecordFields & Engine

/** What a new record starts from; the rest follows (totals, clocks, its engine). */
export type RecordInit = Pick<
  RecordFields,
  'id' | 'peerId' | 'peerKey' | 'status' | 'files' | 'folders' | 'previews' | 'startedAtMs'
>

/** A new record, its engine built over it (the engine reaches the record through `record`). */
export const createRecord = (
  init: RecordInit,
  nowMs: number,
  engine: (record: () => TransferRecord) => Engine,
): TransferRecord => {
  const record: TransferRecord = {
    ...init,
    totalBytes: init.files.reduce((sum, file) => sum + file.size, 0),
    updatedAtMs: nowMs,
    lastEventMs: nowMs,
    resuming: false,
    ...engine(() => record),
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
  return {
    id: transfer.id,
    peerId: transfer.peerId,
    direction: transfer.direction,
    ...transfer.status,
    files,
    ...(transfer.folders.length === 0 ? {} : { folders: [...transfer.folders] }),
    ...(transfer.previews.length === 0 ? {} : { previews: transfer.previews }),
    totalBytes: transfer.totalBytes,
    bytesDone: files.reduce((sum, file) => sum + file.bytesDone, 0),
    ...(transfer.direction === 'send' ? { bytesSent: transfer.outgoing.sentBytes() } : {}),
    startedAtMs: transfer.startedAtMs,
    updatedAtMs: transfer.updatedAtMs,
  }
}
