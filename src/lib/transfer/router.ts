/**
 * Where each incoming control message goes. The router keeps no state and changes none: it
 * parses a message once, at the boundary, and answers one that fails; finds the transfer a message
 * is about; drops what was in flight when that transfer ended or was interrupted; and hands the
 * rest to the one handler for its type. A transfer's handler returns false when the message has
 * no place in the transfer's state or direction, and the router refuses it as `bad-state`.
 */
import {
  createError,
  parseControl,
  type AcceptMessage,
  type AckMessage,
  type CancelMessage,
  type ControlMessage,
  type DeclineMessage,
  type DoneMessage,
  type ErrorMessage,
  type HelloMessage,
  type OfferMessage,
  type PauseMessage,
  type ResumeMessage,
  type TextMessage,
} from '../protocol/control.ts'
import { ProtocolError } from '../protocol/errors.ts'
import { isOpen, type TransferStatus } from './transition.ts'
import type { TransferDirection } from './types.ts'

/** What the router reads of a transfer (the manager's TransferRecord, a plain object in tests). */
export interface Routed {
  status: TransferStatus
  direction: TransferDirection
}

/** Messages about one existing transfer of the peer that sends them. */
export type TransferMessage =
  AcceptMessage | DeclineMessage | CancelMessage | AckMessage | DoneMessage | PauseMessage

export interface ControlHandlers<Transfer extends Routed> {
  hello: (peerId: string, message: HelloMessage) => void
  text: (peerId: string, message: TextMessage) => void
  offer: (peerId: string, message: OfferMessage) => void
  /** Found by resume.ts itself: a resume may come from the same device under a new peer id. */
  resume: (peerId: string, message: ResumeMessage) => void
  /** The peer's error about one of its transfers (about nothing, an error is only informative). */
  error: (transfer: Transfer, message: ErrorMessage) => void
  /** A message about `transfer`, still open; false when the message is misplaced there. */
  transfer: (peerId: string, transfer: Transfer, message: TransferMessage) => boolean
}

export interface ControlRouterDeps<Transfer extends Routed> {
  handlers: ControlHandlers<Transfer>
  isPeer: (peerId: string) => boolean
  /** The transfer `transferId`, if it is this peer's. */
  find: (peerId: string, transferId: string) => Transfer | undefined
  /** Whether a transfer has this id, whoever's it is. */
  exists: (transferId: string) => boolean
  /** A peer's protocol error, reported (answering it is the router's choice). */
  report: (peerId: string, error: ProtocolError) => void
  sendTo: (peerId: string, message: ControlMessage) => boolean
}

/** Routes every control message from a peer, as received (unvalidated). */
export const createControlRouter = <Transfer extends Routed>({
  handlers,
  isPeer,
  find,
  exists,
  report,
  sendTo,
}: ControlRouterDeps<Transfer>): ((peerId: string, raw: unknown) => void) => {
  const refuse = (peerId: string, error: ProtocolError): void => {
    report(peerId, error)
    sendTo(peerId, createError(error))
  }

  const toTransfer = (peerId: string, message: TransferMessage): void => {
    const transfer = find(peerId, message.transfer)
    if (transfer === undefined) {
      // A cancel may cross a dismiss or our own cancel; nothing to say to it.
      if (message.type !== 'cancel') {
        refuse(
          peerId,
          new ProtocolError('unknown-transfer', `${message.type} for ${message.transfer}`),
        )
      }
      return
    }
    const { state } = transfer.status
    const { direction } = transfer
    // Messages in flight when a transfer ended are expected; they change nothing.
    if (!isOpen(transfer.status)) return
    // So are acks, digests and pauses in flight when it was interrupted: a resume starts afresh.
    // Only the receiver's verdicts on whole files stand (it repeats them before resuming).
    const verdict = message.type === 'done' && direction === 'send'
    if (state === 'interrupted' && message.type !== 'cancel' && !verdict) return
    if (!handlers.transfer(peerId, transfer, message)) {
      refuse(
        peerId,
        new ProtocolError('bad-state', `${message.type} while ${state} (${direction})`),
      )
    }
  }

  return (peerId, raw) => {
    if (!isPeer(peerId)) {
      report(
        peerId,
        new ProtocolError('bad-state', 'control message from a peer that was never added'),
      )
      return
    }
    const parsed = parseControl(raw)
    if (!parsed.ok) {
      const { error } = parsed
      report(peerId, error)
      // Never answer an error: two peers could otherwise argue forever.
      if (parsed.type === 'error') return
      const offered = parsed.type === 'offer' ? parsed.transfer : undefined
      if (offered !== undefined && !exists(offered)) {
        const reason = error.code === 'too-large' ? 'too-large' : 'invalid'
        sendTo(peerId, { type: 'decline', transfer: offered, reason })
        return
      }
      sendTo(peerId, createError(error))
      return
    }
    const { message } = parsed
    switch (message.type) {
      case 'hello':
        return handlers.hello(peerId, message)
      case 'text':
        return handlers.text(peerId, message)
      case 'offer':
        return handlers.offer(peerId, message)
      case 'resume':
        return handlers.resume(peerId, message)
      case 'error': {
        // Without a transfer an error is only informative; it is never answered either way.
        if (message.transfer === undefined) return
        const transfer = find(peerId, message.transfer)
        if (transfer !== undefined) handlers.error(transfer, message)
        return
      }
      default:
        return toTransfer(peerId, message)
    }
  }
}
