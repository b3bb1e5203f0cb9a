/**
 * The transfer manager: one per app. It owns the connected peers and every transfer's record
 * (record.ts), takes each peer's bulk frames to the transfer they belong to, answers the control
 * messages router.ts hands it, and reports through deps.onEvent. A transfer's state changes only
 * through transition.ts; offers are built in offer.ts, resumes run in resume.ts, and the
 * byte-moving halves live in outgoing.ts and incoming.ts.
 */
import {
  createError,
  parseControl,
  type ControlMessage,
  type OfferMessage,
} from '../protocol/control.ts'
import { ProtocolError } from '../protocol/errors.ts'
import { decodeFrame } from '../protocol/frame.ts'
import { maxEndedTransfersPerPeer, progressIntervalMs } from '../protocol/limits.ts'
import { reportLater, type TransferHooks } from './hooks.ts'
import { createIncomingTransfer, type IncomingTransfer } from './incoming.ts'
import { buildOffer, overPendingBound, type PendingOffers } from './offer.ts'
import { createOutgoingTransfer } from './outgoing.ts'
import { createRecord, progressRow, snapshot, type TransferRecord } from './record.ts'
import { createResumer, restoredRecord } from './resume.ts'
import { createControlRouter, type TransferMessage } from './router.ts'
import { changeState, isOpen, type Ending } from './transition.ts'
import type {
  FileProgress,
  Interruption,
  OfferedFile,
  PeerPort,
  ResumeFileRecord,
  TransferEvent,
  TransferManager,
  TransferManagerDeps,
} from './types.ts'

/** A device known by nothing better than its peer id (no certificate to show). */
const peerIdKey = (peerId: string): string => `peer:${peerId}`

export const createTransferManager = (deps: TransferManagerDeps): TransferManager => {
  const peers = new Map<string, PeerPort>()
  /** Each connected peer's device key (addPeer's deviceKey). */
  const peerKeys = new Map<string, string>()
  /** Connected peers that said hello on their current connection (see ResumeDeps.greeted). */
  const greeted = new Set<string>()
  const transfers = new Map<string, TransferRecord>()
  let destroyed = false

  /** A peer's device key, as addPeer was given it. */
  const keyOf = (peerId: string): string => peerKeys.get(peerId) ?? peerIdKey(peerId)

  const emit = (event: TransferEvent): void => {
    if (destroyed) return
    try {
      deps.onEvent(event)
    } catch (error) {
      reportLater(error)
    }
  }

  const emitTransfer = (transfer: TransferRecord): void => {
    const now = deps.nowMs()
    transfer.updatedAtMs = now
    transfer.lastEventMs = now
    emit({ type: 'transfer', transfer: snapshot(transfer) })
  }

  /** A peer broke the protocol: the event says so (answering it is the caller's choice). */
  const report = (peerId: string, error: ProtocolError): void =>
    emit({ type: 'protocol-error', peerId, code: error.code, detail: error.detail })

  /** Best effort: a peer that cannot be reached any more is about to be removed anyway. */
  const sendTo = (peerId: string, message: ControlMessage): boolean => {
    const port = peers.get(peerId)
    if (port === undefined) return false
    try {
      port.sendControl(message)
      return true
    } catch {
      return false
    }
  }

  const end = (transfer: TransferRecord, ending: Ending): boolean => {
    if (!changeState(transfer, ending)) return false
    if (transfer.direction === 'send') transfer.outgoing.stop()
    else transfer.incoming.stop()
    resumer.forget(transfer)
    emitTransfer(transfer)
    pruneEnded(transfer.peerKey)
    return true
  }

  /** Keeps the newest maxEndedTransfersPerPeer ended transfers of a peer device. */
  const pruneEnded = (peerKey: string): void => {
    const ended = [...transfers.values()].filter(
      (transfer) => transfer.peerKey === peerKey && !isOpen(transfer.status),
    )
    // A Map iterates in insertion order: the oldest first.
    for (const transfer of ended.slice(0, -maxEndedTransfersPerPeer)) transfers.delete(transfer.id)
  }

  /** A running transfer stops but is kept, to go on later (resume.ts). */
  const interrupt = (transfer: TransferRecord, interruption: Interruption): boolean => {
    if (!changeState(transfer, { type: 'interrupt', interruption })) return false
    if (transfer.direction === 'send') transfer.outgoing.stop()
    emitTransfer(transfer)
    return true
  }

  /** This side fails the transfer and tells the peer why. */
  const fail = (transfer: TransferRecord, error: ProtocolError): void => {
    if (end(transfer, { type: 'fail', endedBy: 'local', errorCode: error.code })) {
      sendTo(transfer.peerId, createError(error, transfer.id))
    }
  }

  /**
   * The peer broke the protocol: report it, and answer with `error`. With an open transfer, that
   * transfer fails (its stream can no longer be trusted); without, only the message is refused.
   */
  const refuse = (peerId: string, error: ProtocolError, transfer?: TransferRecord): void => {
    report(peerId, error)
    if (transfer !== undefined && isOpen(transfer.status)) fail(transfer, error)
    else sendTo(peerId, createError(error))
  }

  const resumer = createResumer({
    store: deps.resumeStore,
    transfers,
    peers,
    peerKeys,
    greeted,
    emitTransfer,
    sendTo,
    report,
    end,
    fail,
    refuse,
    interrupt,
  })

  const hooksFor = (transfer: () => TransferRecord): TransferHooks => ({
    isActive: () => transfer().status.state === 'transferring',
    send(message) {
      sendTo(transfer().peerId, message)
    },
    progressed() {
      const record = transfer()
      const now = deps.nowMs()
      record.updatedAtMs = now
      if (now - record.lastEventMs >= progressIntervalMs) emitTransfer(record)
    },
    fileEnded() {
      const record = transfer()
      if (record.status.state === 'transferring' && !record.files.every((file) => file.verified)) {
        emitTransfer(record)
      }
    },
    completed() {
      end(transfer(), { type: 'complete' })
    },
    failed(error) {
      fail(transfer(), error)
    },
  })

  /** The transfer `transferId`, if it is this peer's. */
  const find = (peerId: string, transferId: string): TransferRecord | undefined => {
    const transfer = transfers.get(transferId)
    return transfer?.peerId === peerId ? transfer : undefined
  }

  /** The peer is gone: offers fail, running transfers are interrupted, to resume when it is back. */
  const endPeerTransfers = (peerId: string): void => {
    for (const transfer of transfers.values()) {
      if (transfer.peerId !== peerId) continue
      if (transfer.status.state === 'offered') {
        end(transfer, { type: 'fail', endedBy: 'remote', errorCode: 'peer-gone' })
      } else {
        interrupt(transfer, 'peer-gone')
      }
    }
  }

  const pendingOffers = (peerId: string): PendingOffers => {
    const pending = { peer: 0, room: 0 }
    for (const transfer of transfers.values()) {
      if (transfer.direction === 'receive' && transfer.status.state === 'offered') {
        pending.room++
        if (transfer.peerId === peerId) pending.peer++
      }
    }
    return pending
  }

  const incomingFor = (
    record: () => TransferRecord,
    id: string,
    offered: OfferedFile[],
    progress: FileProgress[],
    restored?: ResumeFileRecord[],
  ): IncomingTransfer =>
    createIncomingTransfer({
      transferId: id,
      files: offered,
      progress,
      createSink: (file) => deps.createSink(id, file),
      ...(deps.reopenSink === undefined
        ? {}
        : {
            reopenSink: (file, offset) =>
              deps.reopenSink?.(id, file, offset) ?? Promise.resolve(null),
          }),
      createHasher: (state) => deps.createHasher(state),
      record: (progress) => resumer.note(record(), progress),
      ...(restored === undefined ? {} : { restored }),
      onStorageFull: () => {
        const transfer = record()
        if (!interrupt(transfer, 'storage-full')) return
        sendTo(transfer.peerId, { type: 'pause', transfer: transfer.id, reason: 'storage-full' })
      },
      hooks: hooksFor(record),
    })

  const receiveOffer = (peerId: string, offer: OfferMessage): void => {
    const id = offer.transfer
    if (transfers.has(id)) {
      refuse(peerId, new ProtocolError('bad-state', `transfer ${id} exists already`))
      return
    }
    const busy = overPendingBound(pendingOffers(peerId))
    if (busy !== null) {
      report(peerId, busy)
      sendTo(peerId, { type: 'decline', transfer: id, reason: 'busy' })
      return
    }
    const now = deps.nowMs()
    const files = offer.files.map(progressRow)
    const record = createRecord(
      {
        id,
        peerId,
        peerKey: keyOf(peerId),
        status: { state: 'offered' },
        files,
        folders: offer.folders ?? [],
        previews: offer.previews ?? [],
        startedAtMs: now,
      },
      now,
      (record) => ({
        direction: 'receive',
        incoming: incomingFor(record, id, offer.files, files),
      }),
    )
    transfers.set(id, record)
    emitTransfer(record)
  }

  /** Answers one message about an open transfer of the peer; false where it is misplaced. */
  const onTransferMessage = (
    peerId: string,
    transfer: TransferRecord,
    message: TransferMessage,
  ): boolean => {
    switch (message.type) {
      case 'accept':
        if (transfer.direction !== 'send' || !changeState(transfer, { type: 'accept' }))
          return false
        emitTransfer(transfer)
        transfer.outgoing.start()
        return true
      case 'decline':
        return (
          transfer.direction === 'send' &&
          end(transfer, { type: 'decline', endedBy: 'remote', declineReason: message.reason })
        )
      case 'cancel':
        // Withdrawn before anyone answered: reported once, then not kept (see withdrawn).
        if (transfer.direction === 'receive' && end(transfer, { type: 'withdraw' })) {
          transfers.delete(transfer.id)
        } else {
          end(transfer, { type: 'cancel', endedBy: 'remote' })
        }
        return true
      case 'ack': {
        if (transfer.direction !== 'send' || transfer.status.state !== 'transferring') return false
        const error = transfer.outgoing.onAck(message.file, message.offset)
        if (error) refuse(peerId, error, transfer)
        return true
      }
      case 'done': {
        if (transfer.status.state === 'offered') return false
        const error =
          transfer.direction === 'send'
            ? transfer.outgoing.onReceiverDone(message.file, message.sha256)
            : transfer.incoming.onSenderDone(message.file, message.sha256)
        if (error) refuse(peerId, error, transfer)
        return true
      }
      case 'pause':
        return transfer.direction === 'send' && interrupt(transfer, message.reason)
    }
  }

  const handleControl = createControlRouter({
    isPeer: (peerId) => peers.has(peerId),
    find,
    exists: (transferId) => transfers.has(transferId),
    report,
    sendTo,
    handlers: {
      hello: (peerId, { name, device }) => {
        greeted.add(peerId)
        emit({ type: 'hello', peerId, hello: { name, device } })
        resumer.greeted(peerId, keyOf(peerId))
      },
      text: (peerId, { id, text }) =>
        emit({ type: 'text', text: { id, peerId, text, receivedAtMs: deps.nowMs() } }),
      offer: receiveOffer,
      resume: (peerId, message) => resumer.onResume(peerId, message),
      error: (transfer, { code }) => {
        end(transfer, { type: 'fail', endedBy: 'remote', errorCode: code })
      },
      transfer: onTransferMessage,
    },
  })

  const onFrameBytes = (peerId: string, bytes: Uint8Array): void => {
    const decoded = decodeFrame(bytes)
    if (!decoded.ok) {
      const transfer =
        decoded.transferId === undefined ? undefined : find(peerId, decoded.transferId)
      refuse(peerId, decoded.error, transfer?.direction === 'receive' ? transfer : undefined)
      return
    }
    const { frame } = decoded
    const transfer = find(peerId, frame.transferId)
    if (transfer === undefined) {
      refuse(peerId, new ProtocolError('unknown-transfer', `frame for ${frame.transferId}`))
      return
    }
    if (transfer.direction !== 'receive') {
      refuse(peerId, new ProtocolError('bad-state', `frame for our own outgoing ${transfer.id}`))
      return
    }
    if (transfer.status.state === 'offered') {
      refuse(peerId, new ProtocolError('bad-state', 'frame before accept'), transfer)
      return
    }
    // Frames in flight when the transfer ended are dropped quietly.
    if (transfer.status.state !== 'transferring') return
    const error = transfer.incoming.onFrame(frame)
    if (error) refuse(peerId, error, transfer)
  }

  const detach = (port: PeerPort): void => {
    port.bulk.onMessage = null
    port.bulk.onClose = null
  }

  const removePeer = (peerId: string): void => {
    const port = peers.get(peerId)
    endPeerTransfers(peerId)
    if (port === undefined) return
    detach(port)
    peers.delete(peerId)
    peerKeys.delete(peerId)
    greeted.delete(peerId)
  }

  /** Catches what a bug might throw, so that no caller's stack ever unwinds through us. */
  const guarded =
    <A extends unknown[]>(work: (...args: A) => void) =>
    (...args: A): void => {
      try {
        work(...args)
      } catch (error) {
        reportLater(error)
      }
    }

  return {
    addPeer(peerId, port, deviceKey) {
      if (destroyed) return
      if (peers.has(peerId)) removePeer(peerId)
      peers.set(peerId, port)
      const key = deviceKey ?? peerIdKey(peerId)
      peerKeys.set(peerId, key)
      port.bulk.onMessage = guarded((bytes: Uint8Array) => {
        if (peers.get(peerId) === port) onFrameBytes(peerId, bytes)
      })
      port.bulk.onClose = guarded(() => {
        if (peers.get(peerId) === port) endPeerTransfers(peerId)
      })
      resumer.deviceBack(peerId, key)
    },

    restore(records) {
      if (destroyed) return
      for (const saved of records) {
        if (transfers.has(saved.transferId)) continue
        const record = restoredRecord(saved, deps.nowMs(), (record, files) =>
          incomingFor(record, saved.transferId, saved.files, files, [...saved.progress]),
        )
        transfers.set(record.id, record)
        emitTransfer(record)
      }
    },

    resume(transferId) {
      const transfer = transfers.get(transferId)
      if (transfer !== undefined) resumer.retry(transfer)
    },

    removePeer: guarded(removePeer),

    handleControl: guarded((peerId: string, raw: unknown) => {
      if (!destroyed) handleControl(peerId, raw)
    }),

    sendFiles(peerId, outgoingFiles, chosenFolders = []) {
      const port = peers.get(peerId)
      if (destroyed || port === undefined) {
        throw new ProtocolError('peer-gone', `no connected peer ${peerId}`)
      }
      const id = deps.newId()
      const offer = buildOffer(id, outgoingFiles, chosenFolders)
      const now = deps.nowMs()
      const files = offer.files.map(progressRow)
      const record = createRecord(
        {
          id,
          peerId,
          peerKey: keyOf(peerId),
          status: { state: 'offered' },
          files,
          folders: offer.folders,
          previews: offer.previews,
          startedAtMs: now,
        },
        now,
        (record) => ({
          direction: 'send',
          outgoing: createOutgoingTransfer({
            transferId: id,
            files: outgoingFiles,
            progress: files,
            bulk: port.bulk,
            createHasher: () => deps.createHasher(),
            hooks: hooksFor(record),
          }),
        }),
      )
      transfers.set(id, record)
      emitTransfer(record)
      if (!sendTo(peerId, offer.message)) {
        end(record, { type: 'fail', endedBy: 'local', errorCode: 'peer-gone' })
      }
      return id
    },

    sendText(peerId, text) {
      if (destroyed || !peers.has(peerId)) {
        throw new ProtocolError('peer-gone', `no connected peer ${peerId}`)
      }
      const checked = parseControl({ type: 'text', id: deps.newId(), text })
      if (!checked.ok) throw checked.error
      const port = peers.get(peerId)
      port?.sendControl(checked.message)
    },

    accept(transferId) {
      const transfer = transfers.get(transferId)
      if (transfer?.direction !== 'receive') return
      if (!changeState(transfer, { type: 'accept' })) return
      resumer.keep(transfer)
      emitTransfer(transfer)
      if (!sendTo(transfer.peerId, { type: 'accept', transfer: transferId })) {
        end(transfer, { type: 'fail', endedBy: 'local', errorCode: 'peer-gone' })
      }
    },

    decline(transferId, reason = 'user') {
      const transfer = transfers.get(transferId)
      if (transfer?.direction !== 'receive') return
      if (!end(transfer, { type: 'decline', endedBy: 'local', declineReason: reason })) return
      sendTo(transfer.peerId, { type: 'decline', transfer: transferId, reason })
    },

    cancel(transferId) {
      const transfer = transfers.get(transferId)
      if (transfer === undefined) return
      if (end(transfer, { type: 'cancel', endedBy: 'local' })) {
        sendTo(transfer.peerId, { type: 'cancel', transfer: transferId })
      }
    },

    dismiss(transferId) {
      const transfer = transfers.get(transferId)
      if (transfer !== undefined && !isOpen(transfer.status)) transfers.delete(transferId)
    },

    destroy() {
      if (destroyed) return
      // No events from here on: whoever destroys us is tearing down its listeners too.
      destroyed = true
      for (const transfer of transfers.values()) {
        if (end(transfer, { type: 'cancel', endedBy: 'local' })) {
          sendTo(transfer.peerId, { type: 'cancel', transfer: transfer.id })
        }
      }
      for (const port of peers.values()) detach(port)
      peers.clear()
      transfers.clear()
    },
  }
}
