/**
 * A transfer's life (docs/protocol.md, "Transfers") as one function: every change of a transfer's
 * state goes through transition(), which refuses whatever the diagram there does not allow.
 */
import type { DeclineReason } from '../protocol/control.ts'
import type { Interruption, TransferState } from './types.ts'

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

const open: readonly TransferState[] = ['offered', 'transferring', 'interrupted']

/** The states each change may start from. */
const allowedFrom: Record<TransferChange['type'], readonly TransferState[]> = {
  accept: ['offered'],
  interrupt: ['transferring'],
  'await-peer': ['interrupted'],
  resume: ['interrupted'],
  // The sender takes the receiver's verdicts while interrupted, and the last may complete it.
  complete: ['transferring', 'interrupted'],
  decline: ['offered'],
  cancel: open,
  withdraw: ['offered'],
  fail: open,
}

export const isOpen = (status: TransferStatus): boolean => open.includes(status.state)

/** The status `change` leads to from `status`, or null where the change is not allowed there. */
export const transition = (
  status: TransferStatus,
  change: TransferChange,
): TransferStatus | null => {
  if (!allowedFrom[change.type].includes(status.state)) return null
  switch (change.type) {
    case 'accept':
    case 'resume':
      return { state: 'transferring' }
    case 'interrupt':
      return { state: 'interrupted', interruption: change.interruption }
    case 'await-peer':
      return status.state === 'interrupted' && status.interruption !== 'peer-gone'
        ? { state: 'interrupted', interruption: 'peer-gone' }
        : null
    case 'complete':
      return { state: 'complete' }
    case 'decline':
      return {
        state: 'declined',
        endedBy: change.endedBy,
        errorCode: 'declined',
        declineReason: change.declineReason,
      }
    case 'cancel':
      return { state: 'cancelled', endedBy: change.endedBy, errorCode: 'cancelled' }
    case 'withdraw':
      return { state: 'cancelled', endedBy: 'remote', errorCode: 'cancelled', withdrawn: true }
    case 'fail':
      return { state: 'failed', endedBy: change.endedBy, errorCode: change.errorCode }
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
