/**
 * transition(): the diagram of docs/protocol.md, "Transfers", edge by edge (with the two it
 * leaves out, an interrupted transfer failing or completing), and every other change refused.
 */
import { describe, expect, it } from 'vitest'
import {
  changeState,
  isOpen,
  transition,
  type TransferChange,
  type TransferStatus,
} from './transition.ts'

const offered: TransferStatus = { state: 'offered' }
const transferring: TransferStatus = { state: 'transferring' }
const peerGone: TransferStatus = { state: 'interrupted', interruption: 'peer-gone' }
const storageFull: TransferStatus = { state: 'interrupted', interruption: 'storage-full' }
const restored: TransferStatus = { state: 'interrupted', interruption: 'restored' }
const complete: TransferStatus = { state: 'complete' }
const declined: TransferStatus = {
  state: 'declined',
  endedBy: 'local',
  errorCode: 'declined',
  declineReason: 'user',
}
const cancelled: TransferStatus = { state: 'cancelled', endedBy: 'remote', errorCode: 'cancelled' }
const failed: TransferStatus = { state: 'failed', endedBy: 'local', errorCode: 'hash-mismatch' }

const statuses = {
  offered,
  transferring,
  peerGone,
  storageFull,
  restored,
  complete,
  declined,
  cancelled,
  failed,
}

const changes = {
  accept: { type: 'accept' },
  interruptPeerGone: { type: 'interrupt', interruption: 'peer-gone' },
  interruptStorageFull: { type: 'interrupt', interruption: 'storage-full' },
  awaitPeer: { type: 'await-peer' },
  resume: { type: 'resume' },
  complete: { type: 'complete' },
  declineBusy: { type: 'decline', endedBy: 'remote', declineReason: 'busy' },
  cancelLocal: { type: 'cancel', endedBy: 'local' },
  cancelRemote: { type: 'cancel', endedBy: 'remote' },
  withdraw: { type: 'withdraw' },
  failLocal: { type: 'fail', endedBy: 'local', errorCode: 'write-failed' },
  failRemote: { type: 'fail', endedBy: 'remote', errorCode: 'peer-gone' },
} satisfies Record<string, TransferChange>

type From = keyof typeof statuses
type Change = keyof typeof changes

const toCancelledLocal: TransferStatus = {
  state: 'cancelled',
  endedBy: 'local',
  errorCode: 'cancelled',
}
const toCancelledRemote: TransferStatus = {
  state: 'cancelled',
  endedBy: 'remote',
  errorCode: 'cancelled',
}
const toFailedLocal: TransferStatus = {
  state: 'failed',
  endedBy: 'local',
  errorCode: 'write-failed',
}
const toFailedRemote: TransferStatus = {
  state: 'failed',
  endedBy: 'remote',
  errorCode: 'peer-gone',
}
/** Every open state may be cancelled or failed, by either side. */
const endings = {
  cancelLocal: toCancelledLocal,
  cancelRemote: toCancelledRemote,
  failLocal: toFailedLocal,
  failRemote: toFailedRemote,
}
/** What an interrupted transfer of any kind may do. */
const fromInterrupted = {
  resume: transferring,
  complete,
  ...endings,
}

/** The edges of the diagram: from a status, by a change, to the status it leads to. */
const allowed: Record<From, Partial<Record<Change, TransferStatus>>> = {
  offered: {
    accept: transferring,
    declineBusy: {
      state: 'declined',
      endedBy: 'remote',
      errorCode: 'declined',
      declineReason: 'busy',
    },
    withdraw: { state: 'cancelled', endedBy: 'remote', errorCode: 'cancelled', withdrawn: true },
    ...endings,
  },
  transferring: {
    interruptPeerGone: peerGone,
    interruptStorageFull: storageFull,
    complete,
    ...endings,
  },
  // Already waiting for the sender: asking again changes nothing.
  peerGone: fromInterrupted,
  storageFull: { ...fromInterrupted, awaitPeer: peerGone },
  restored: { ...fromInterrupted, awaitPeer: peerGone },
  complete: {},
  declined: {},
  cancelled: {},
  failed: {},
}

const pairs = (Object.keys(statuses) as From[]).flatMap((from) =>
  (Object.keys(changes) as Change[]).map((change) => ({ from, change })),
)
const allowedPairs = pairs.filter(({ from, change }) => allowed[from][change] !== undefined)
const refusedPairs = pairs.filter(({ from, change }) => allowed[from][change] === undefined)

describe('transition', () => {
  it.each(allowedPairs)('takes $from by $change', ({ from, change }) => {
    expect(transition(statuses[from], changes[change])).toEqual(allowed[from][change])
  })

  it.each(refusedPairs)('refuses $change from $from', ({ from, change }) => {
    expect(transition(statuses[from], changes[change])).toBeNull()
  })

  it('reaches from each state exactly the states the diagram does', () => {
    const reached = (from: TransferStatus): string[] => [
      ...new Set(Object.values(changes).flatMap((change) => transition(from, change)?.state ?? [])),
    ]
    expect(reached(offered).sort()).toEqual(['cancelled', 'declined', 'failed', 'transferring'])
    expect(reached(transferring).sort()).toEqual(['cancelled', 'complete', 'failed', 'interrupted'])
    for (const interrupted of [peerGone, storageFull, restored]) {
      expect(reached(interrupted)).toContain('transferring')
      expect(reached(interrupted)).not.toContain('declined')
    }
    expect(reached(restored).sort()).toEqual([
      'cancelled',
      'complete',
      'failed',
      'interrupted',
      'transferring',
    ])
  })

  it('never leaves an ended transfer', () => {
    for (const from of [complete, declined, cancelled, failed]) {
      for (const change of Object.values(changes)) expect(transition(from, change)).toBeNull()
    }
  })

  it('refuses the changes a confused peer or a late callback would ask for', () => {
    // An accept after the transfer started, a decline once accepted, a withdrawal of an
    // accepted transfer, a resume of a running one, a pause of an offer, a completion of an offer.
    expect(transition(transferring, changes.accept)).toBeNull()
    expect(transition(transferring, changes.declineBusy)).toBeNull()
    expect(transition(transferring, changes.withdraw)).toBeNull()
    expect(transition(transferring, changes.resume)).toBeNull()
    expect(transition(offered, changes.interruptStorageFull)).toBeNull()
    expect(transition(offered, changes.complete)).toBeNull()
    expect(transition(peerGone, changes.interruptStorageFull)).toBeNull()
  })
})

describe('changeState', () => {
  it('moves a transfer where allowed', () => {
    const transfer = { status: offered }
    expect(changeState(transfer, changes.accept)).toBe(true)
    expect(transfer.status).toEqual(transferring)
    expect(changeState(transfer, changes.interruptPeerGone)).toBe(true)
    expect(transfer.status).toEqual(peerGone)
    expect(changeState(transfer, changes.resume)).toBe(true)
    expect(changeState(transfer, changes.complete)).toBe(true)
    expect(transfer.status).toEqual(complete)
  })

  it('leaves a transfer untouched where not', () => {
    const transfer = { status: cancelled }
    expect(changeState(transfer, changes.failLocal)).toBe(false)
    expect(transfer.status).toBe(cancelled)
  })
})

describe('isOpen', () => {
  it('holds for offered, transferring and interrupted transfers only', () => {
    const open = (Object.keys(statuses) as From[]).filter((from) => isOpen(statuses[from]))
    expect(open).toEqual(['offered', 'transferring', 'peerGone', 'storageFull', 'restored'])
  })
})
