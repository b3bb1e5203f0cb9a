/**
 * Resuming interrupted transfers (docs/protocol.md, "Resume"). The receiver keeps a durable
 * record of what it holds, and once the sender's device is back (under any peer id) asks it to go
 * on from there; the sender checks the ask and goes on once its old sending loop has stopped.
 */
import { createError, type ControlMessage, type ResumeMessage } from '../protocol/control.ts'
import { ProtocolError, toProtocolError } from '../protocol/errors.ts'
import { reportLater, runDetached } from './hooks.ts'
import type { IncomingTransfer } from './incoming.ts'
import { createRecord, progressRow, type TransferRecord } from './record.ts'
import { changeState, isOpen, type Ending } from './transition.ts'
import type {
  FileProgress,
  Interruption,
  PeerPort,
  ResumeFileRecord,
  ResumeRecord,
  ResumeStore,
} from './types.ts'

export interface ResumeDeps {
  /** Durable resume records; without it a reload loses what was received. */
  store: ResumeStore | undefined
  transfers: ReadonlyMap<string, TransferRecord>
  /** Connected peers, and the device key each presented. */
  peers: ReadonlyMap<string, PeerPort>
  peerKeys: ReadonlyMap<string, string>
  /**
   * Connected peers that said hello on their current connection. A peer greets once it has let us
   * in (session/roster.ts) and drops, unread, what we send before: a resume waits for the hello.
   */
  greeted: ReadonlySet<string>
  emitTransfer: (transfer: TransferRecord) => void
  sendTo: (peerId: string, message: ControlMessage) => boolean
  /** A peer's protocol error, reported but not answered. */
  report: (peerId: string, error: ProtocolError) => void
  end: (transfer: TransferRecord, ending: Ending) => boolean
  fail: (transfer: TransferRecord, error: ProtocolError) => void
  refuse: (peerId: string, error: ProtocolError, transfer?: TransferRecord) => void
  interrupt: (transfer: TransferRecord, interruption: Interruption) => boolean
}

export interface Resumer {
  /** Receiver: starts the durable record of a transfer just accepted. */
  keep(transfer: TransferRecord): void
  /** Receiver: notes a file's durable progress in the transfer's record. */
  note(transfer: TransferRecord, progress: ResumeFileRecord): Promise<void>
  /** The transfer ended: its record goes. */
  forget(transfer: TransferRecord): void
  /** The person asks an interrupted incoming transfer to go on, now or once the sender is back. */
  retry(transfer: TransferRecord): void
  /**
   * A device is connected under `peerId`: its interrupted transfers with us go on, the ones we
   * receive once it greets us (greeted).
   */
  deviceBack(peerId: string, peerKey: string): void
  /** The peer under `peerId` said hello: it hears us now, and we ask it to go on. */
  greeted(peerId: string, peerKey: string): void
  /** Sender: a receiver's `resume`, for one of our transfers with its device. */
  onResume(peerId: string, message: ResumeMessage): void
}

/** A receiver's durable record of a transfer it accepted, before any byte arrived. */
const recordOf = (transfer: TransferRecord): ResumeRecord => ({
  transferId: transfer.id,
  peerKey: transfer.peerKey,
  files: transfer.files.map(({ index, name, path, size, type }) => ({
    index,
    name,
    ...(path === undefined ? {} : { path }),
    size,
    type,
  })),
  folders: [...transfer.folders],
  progress: [],
  startedAtMs: transfer.startedAtMs,
})

/**
 * An incoming transfer of an earlier visit, interrupted ('restored') until the person asks it to
 * go on; `incoming` builds its engine over the progress rows, which start where the record says.
 */
export const restoredRecord = (
  saved: ResumeRecord,
  nowMs: number,
  incoming: (record: () => TransferRecord, progress: FileProgress[]) => IncomingTransfer,
): TransferRecord => {
  const files = saved.files.map(progressRow)
  for (const noted of saved.progress) {
    const row = files[noted.index]
    if (row) row.bytesDone = Math.min(noted.offsetBytes, row.size)
  }
  const record = createRecord(
    {
      id: saved.transferId,
      peerId: '',
      peerKey: saved.peerKey,
      status: { state: 'interrupted', interruption: 'restored' },
      files,
      folders: [...saved.folders],
      // Previews are only for deciding on an offer; a restored transfer was accepted already.
      previews: [],
      startedAtMs: saved.startedAtMs,
    },
    nowMs,
    (record) => ({ direction: 'receive', incoming: incoming(record, files) }),
  )
  record.resumeRecord = { ...saved, progress: [...saved.progress] }
  return record
}

const waitsForPeer = ({ status }: TransferRecord): boolean =>
  status.state === 'interrupted' && status.interruption === 'peer-gone'

export const createResumer = (deps: ResumeDeps): Resumer => {
  const { store, transfers, peers, peerKeys, greeted, emitTransfer, sendTo } = deps

  /** A connected peer of this device that greeted us, if any. */
  const greetedPeerOf = (peerKey: string): string | undefined => {
    for (const [peerId, key] of peerKeys) if (key === peerKey && greeted.has(peerId)) return peerId
    return undefined
  }

  /**
   * Receiver: once the sender's device is connected and has greeted us, finish what was received,
   * ready the first unfinished file, and ask the sender to go on from there.
   */
  const ask = async (transfer: TransferRecord): Promise<void> => {
    if (transfer.direction !== 'receive' || transfer.resuming || !waitsForPeer(transfer)) return
    const peerId = greetedPeerOf(transfer.peerKey)
    if (peerId === undefined) return
    transfer.resuming = true
    try {
      const point = await transfer.incoming.resumePoint()
      if (!waitsForPeer(transfer)) return
      if (!greeted.has(peerId)) return // gone again: the next meeting tries again
      transfer.peerId = peerId
      changeState(transfer, { type: 'resume' })
      emitTransfer(transfer)
      // The verdicts first: the sender may have missed them, and takes them while interrupted.
      for (const { file, sha256 } of point.verified) {
        sendTo(peerId, { type: 'done', transfer: transfer.id, file, sha256 })
      }
      if (point.next === null) {
        deps.end(transfer, { type: 'complete' })
        return
      }
      const { file, offset } = point.next
      sendTo(peerId, { type: 'resume', transfer: transfer.id, file, offset })
    } catch (error) {
      deps.fail(transfer, toProtocolError(error, 'write-failed'))
    } finally {
      transfer.resuming = false
    }
  }

  /** Sender: the receiver's `resume`, checked; goes on once the old sending loop has stopped. */
  const answer = (peerId: string, transfer: TransferRecord, file: number, offset: number): void => {
    if (transfer.direction !== 'send' || transfer.status.state === 'offered') {
      deps.refuse(peerId, new ProtocolError('bad-state', `resume while ${transfer.status.state}`))
      return
    }
    const error = transfer.outgoing.checkResume(file, offset)
    if (error) {
      transfer.peerId = peerId
      deps.refuse(peerId, error, transfer)
      return
    }
    // The receiver saw a break this side has not noticed yet (say, it reloaded).
    deps.interrupt(transfer, 'peer-gone')
    transfer.peerId = peerId
    transfer.resumeAt = { file, offset }
    if (transfer.resuming) return
    transfer.resuming = true
    runDetached(
      transfer.outgoing.stopped().then(() => {
        transfer.resuming = false
        const at = transfer.resumeAt
        const port = peers.get(transfer.peerId)
        delete transfer.resumeAt
        if (at === undefined || port === undefined) return
        if (!changeState(transfer, { type: 'resume' })) return
        emitTransfer(transfer)
        transfer.outgoing.resume(at.file, at.offset, port.bulk)
      }),
      reportLater,
    )
  }

  return {
    keep(transfer) {
      transfer.resumeRecord = recordOf(transfer)
      void store?.put(transfer.resumeRecord)
    },

    async note(transfer, progress) {
      const record = transfer.resumeRecord
      if (record === undefined || store === undefined) return
      record.progress = [
        ...record.progress.filter((file) => file.index !== progress.index),
        progress,
      ]
      await store.put(record).catch(() => undefined)
    },

    forget(transfer) {
      if (transfer.resumeRecord === undefined) return
      delete transfer.resumeRecord
      void store?.delete(transfer.id)
    },

    retry(transfer) {
      if (transfer.direction !== 'receive') return
      // Waiting for the sender now; at once if it is connected.
      if (!changeState(transfer, { type: 'await-peer' })) return
      emitTransfer(transfer)
      void ask(transfer)
    },

    deviceBack(peerId, peerKey) {
      for (const transfer of transfers.values()) {
        if (transfer.peerKey === peerKey && transfer.status.state === 'interrupted') {
          transfer.peerId = peerId
        }
      }
    },

    greeted(peerId, peerKey) {
      for (const transfer of transfers.values()) {
        if (transfer.peerKey === peerKey && transfer.direction === 'receive') void ask(transfer)
      }
    },

    onResume(peerId, message) {
      const transfer = transfers.get(message.transfer)
      const key = peerKeys.get(peerId)
      const ours =
        transfer !== undefined &&
        (transfer.peerId === peerId || (key !== undefined && transfer.peerKey === key))
      if (!ours || transfer === undefined) {
        // The receiver waits for a sender that no longer has it (say, the sender's page reloaded).
        const error = new ProtocolError('unknown-transfer', `resume of ${message.transfer}`)
        deps.report(peerId, error)
        sendTo(peerId, createError(error, message.transfer))
        return
      }
      if (!isOpen(transfer.status)) {
        sendTo(
          peerId,
          createError(new ProtocolError('bad-state', 'that transfer has ended'), transfer.id),
        )
        return
      }
      answer(peerId, transfer, message.file, message.offset)
    },
  }
}
