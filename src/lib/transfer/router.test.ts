/** router.ts on its own: what reaches which handler, what is dropped, and what is answered. */
import { describe, expect, it } from 'vitest'
import type { ControlMessage } from '../protocol/control.ts'
import type { ProtocolError } from '../protocol/errors.ts'
import { newTransferId } from '../protocol/ids.ts'
import { createControlRouter, type ControlHandlers, type Routed } from './router.ts'
import type { TransferStatus } from './transition.ts'
import type { TransferDirection } from './types.ts'

interface Transfer extends Routed {
  id: string
}

const sha256 = 'a'.repeat(64)

const createRig = (status: TransferStatus, direction: TransferDirection) => {
  const transfer: Transfer = { id: newTransferId(), status, direction }
  const calls: string[] = []
  const reported: string[] = []
  const sent: ControlMessage[] = []
  /** What the transfer handlers answer: false says the message is misplaced. */
  let answer = true
  const handlers: ControlHandlers<Transfer> = {
    hello: (peerId, message) => calls.push(`hello ${peerId} ${message.name}`),
    text: (peerId, message) => calls.push(`text ${peerId} ${message.text}`),
    offer: (peerId, message) => calls.push(`offer ${peerId} ${message.files.length}`),
    resume: (peerId, message) => calls.push(`resume ${peerId} ${message.offset}`),
    error: (to, message) => calls.push(`error ${to.id === transfer.id} ${message.code}`),
    transfer: (peerId, to, message) => {
      calls.push(`${message.type} ${peerId} ${to.id === transfer.id ? 'ours' : 'other'}`)
      return answer
    },
  }
  const route = createControlRouter({
    handlers,
    isPeer: (peerId) => peerId === 'bob' || peerId === 'carol',
    find: (peerId, id) => (peerId === 'bob' && id === transfer.id ? transfer : undefined),
    exists: (id) => id === transfer.id,
    report: (_peerId, error: ProtocolError) => reported.push(error.code),
    sendTo: (_peerId, message) => sent.push(message) > 0,
  })
  return {
    transfer,
    calls,
    reported,
    sent,
    route,
    misplaced: () => {
      answer = false
    },
  }
}

/** One valid message of each kind about `transfer`. */
const about = (transfer: string): Record<string, unknown> => ({
  accept: { type: 'accept', transfer },
  decline: { type: 'decline', transfer, reason: 'user' },
  cancel: { type: 'cancel', transfer },
  ack: { type: 'ack', transfer, file: 0, offset: 1 },
  done: { type: 'done', transfer, file: 0, sha256 },
  pause: { type: 'pause', transfer, reason: 'storage-full' },
})

describe('the control router', () => {
  it('hands each valid message to the handler of its type, with its transfer', () => {
    const rig = createRig({ state: 'transferring' }, 'send')
    rig.route('bob', { type: 'hello', version: 1, name: 'Bob', device: 'phone' })
    rig.route('bob', JSON.stringify({ type: 'text', id: newTransferId(), text: 'hi' }))
    rig.route('bob', {
      type: 'offer',
      transfer: newTransferId(),
      files: [{ index: 0, name: 'a', size: 1, type: '' }],
    })
    rig.route('bob', { type: 'resume', transfer: rig.transfer.id, file: 0, offset: 7 })
    for (const message of Object.values(about(rig.transfer.id))) rig.route('bob', message)
    rig.route('bob', { type: 'error', transfer: rig.transfer.id, code: 'write-failed' })
    expect(rig.calls).toEqual([
      'hello bob Bob',
      'text bob hi',
      'offer bob 1',
      'resume bob 7',
      'accept bob ours',
      'decline bob ours',
      'cancel bob ours',
      'ack bob ours',
      'done bob ours',
      'pause bob ours',
      'error true write-failed',
    ])
    expect(rig.reported).toEqual([])
    expect(rig.sent).toEqual([])
  })

  it('refuses a message the handler finds misplaced, as bad-state', () => {
    const rig = createRig({ state: 'offered' }, 'receive')
    rig.misplaced()
    rig.route('bob', { type: 'ack', transfer: rig.transfer.id, file: 0, offset: 1 })
    expect(rig.calls).toEqual(['ack bob ours'])
    expect(rig.reported).toEqual(['bad-state'])
    expect(rig.sent).toEqual([
      { type: 'error', code: 'bad-state', message: 'ack while offered (receive)' },
    ])
  })

  it('refuses messages about transfers the peer does not have, but a cancel quietly', () => {
    const rig = createRig({ state: 'transferring' }, 'send')
    const unknown = newTransferId()
    for (const [type, message] of Object.entries(about(unknown))) {
      rig.route('bob', message)
      // Another peer's transfer is as unknown as a made-up one.
      rig.route('carol', about(rig.transfer.id)[type])
    }
    expect(rig.calls).toEqual([])
    expect(rig.reported).toEqual(Array(10).fill('unknown-transfer'))
    expect(rig.sent.every((message) => message.type === 'error' && !message.transfer)).toBe(true)
    // Errors about unknown transfers, or about none, are never answered.
    rig.route('bob', { type: 'error', transfer: unknown, code: 'write-failed' })
    rig.route('bob', { type: 'error', code: 'write-failed' })
    expect(rig.calls).toEqual([])
    expect(rig.sent).toHaveLength(10)
  })

  it('drops whatever was in flight when the transfer ended', () => {
    for (const status of [
      { state: 'complete' },
      { state: 'cancelled', endedBy: 'remote', errorCode: 'cancelled' },
      { state: 'failed', endedBy: 'local', errorCode: 'hash-mismatch' },
    ] satisfies TransferStatus[]) {
      const rig = createRig(status, 'send')
      for (const message of Object.values(about(rig.transfer.id))) rig.route('bob', message)
      expect(rig.calls).toEqual([])
      expect(rig.reported).toEqual([])
      expect(rig.sent).toEqual([])
    }
  })

  it('drops what was in flight when the transfer was interrupted, but a cancel and the receiver’s verdicts', () => {
    const sender = createRig({ state: 'interrupted', interruption: 'peer-gone' }, 'send')
    for (const message of Object.values(about(sender.transfer.id))) sender.route('bob', message)
    expect(sender.calls).toEqual(['cancel bob ours', 'done bob ours'])

    const receiver = createRig({ state: 'interrupted', interruption: 'storage-full' }, 'receive')
    for (const message of Object.values(about(receiver.transfer.id))) receiver.route('bob', message)
    expect(receiver.calls).toEqual(['cancel bob ours'])
    expect([...sender.reported, ...receiver.reported, ...sender.sent, ...receiver.sent]).toEqual([])
  })

  it('answers an invalid message with an error, an invalid offer with a decline, an invalid error with nothing', () => {
    const rig = createRig({ state: 'transferring' }, 'send')
    rig.route('bob', 'not json')
    const offered = newTransferId()
    rig.route('bob', { type: 'offer', transfer: offered, files: [] })
    // Under a taken id, an invalid offer is not declined: that would end our own transfer.
    rig.route('bob', { type: 'offer', transfer: rig.transfer.id, files: [] })
    rig.route('bob', { type: 'error', code: 'NOT A CODE' })
    expect(rig.calls).toEqual([])
    expect(rig.reported).toHaveLength(4)
    expect(rig.sent).toMatchObject([
      { type: 'error' },
      { type: 'decline', transfer: offered, reason: 'invalid' },
      { type: 'error' },
    ])
  })

  it('reports, and neither parses nor answers, a message from a peer never added', () => {
    const rig = createRig({ state: 'transferring' }, 'send')
    rig.route('mallory', { type: 'cancel', transfer: rig.transfer.id })
    rig.route('mallory', 'not json')
    expect(rig.calls).toEqual([])
    expect(rig.reported).toEqual(['bad-state', 'bad-state'])
    expect(rig.sent).toEqual([])
  })
})
