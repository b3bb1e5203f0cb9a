/**
 * A transfer's life (docs/protocol.md, "Transfers") as one function: every change of a transfer's
 * state goes through transition(), which refuses whatever the diagram there (and the two edges
 * the text beside it adds) does not allow.
 */
import type { DeclineReason } from '../protocol/control.ts'
import type { Interruption } from './types.ts'

export type EndedBy = 'local' | 'remote'

/** Where a transfer stands, with exactly the facts its state has (the snapshot shows them as they are). */
export type TransferStatus =
  | { state: 'offered' }
  | { state: 'transferring' }
  | { state: 'interrupted'; interruption: Interruption }
  | { state: 'complete' }
  | { state: 'declined'; endedBy: EndedBy; errorCode: 'declined'; declineReason: DeclineReason }
  | { state: 'cancelled'; endedBy: EndedBy; errorCode: 'cancelled'; withdrawn?: true }
  | { state: 'failed'; endedBy: EndedBy; errorCode: string }

/** What happened to a transfer; transition() says where that takes it, if anywhere. */
export type TransferChange =
  /** The receiver accepted the offer. */
  | { type: 'accept' }
  /** The connection was lost, or the receiver's storage ran out. */
  | { type: 'interrupt'; interruption: Interruption }
  /** The receiver asks to go on (after a reload or a full disk): it now waits for the sender. */
  | { type: 'await-peer' }
  /** Both sides agreed where to go on from. */
  | { type: 'resume' }
  /** Every file verified. */
  | { type: 'complete' }
  | { type: 'decline'; endedBy: EndedBy; declineReason: DeclineReason }
  | { type: 'cancel'; endedBy: EndedBy }
  /** The sender cancelled its offer before anyone answered. */
  | { type: 'withdraw' }
  | { type: 'fail'; endedBy: EndedBy; errorCode: string }

export type Ending = Extract<
  TransferChange,
  { type: 'complete' | 'decline' | 'cancel' | 'withdraw' | 'fail' }
>

export const isOpen = ({ state }: TransferStatus): boolean =>
  state === 'offered' || state === 'transferring' || state === 'interrupted'

/** The status `change` leads to from `status`, or null where the change is not allowed there. */
export const transition = (
  status: TransferStatus,
  change: TransferChange,
): TransferStatus | null => {
  const { state } = status
  switch (change.type) {
    case 'accept':
      return state === 'offered' ? { state: 'transferring' } : null
    case 'interrupt':
      return state === 'transferring'
        ? { state: 'interrupted', interruption: change.interruption }
        : null
    case 'await-peer':
      return state === 'interrupted' && status.interruption !== 'peer-gone'
        ? { state: 'interrupted', interruption: 'peer-gone' }
        : null
    case 'resume':
      return state === 'interrupted' ? { state: 'transferring' } : null
    case 'complete':
      // The sender takes the receiver's verdicts while interrupted, and the last may complete it.
      return state === 'transferring' || state === 'interrupted' ? { state: 'complete' } : null
    case 'decline':
      return state === 'offered'
        ? {
            state: 'declined',
            endedBy: change.endedBy,
            errorCode: 'declined',
            declineReason: change.declineReason,
          }
        : null
    case 'withdraw':
      return state === 'offered'
        ? { state: 'cancelled', endedBy: 'remote', errorCode: 'cancelled', withdrawn: true }
        : null
    case 'cancel':
      return isOpen(status)
        ? { state: 'cancelled', endedBy: change.endedBy, errorCode: 'cancelled' }
        : null
    case 'fail':
      return isOpen(status)
        ? { state: 'failed', endedBy: change.endedBy, errorCode: change.errorCode }
        : null
  }
}

/** Applies `change` to a transfer where allowed; false (and nothing changed) where not. */
export const changeState = (
  transfer: { status: TransferStatus },
  change: TransferChange,
): boolean => {
  const next = transition(transfer.status, change)
  if (next === null) return false
  transfer.status = next
  return true
}
