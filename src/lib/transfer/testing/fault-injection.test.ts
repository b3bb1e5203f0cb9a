import { describe, expect, it } from 'vitest'
import { encodeFrame } from '../../protocol/frame.ts'
import { frameHeaderBytes } from '../../protocol/limits.ts'
import { newTransferId } from '../../protocol/ids.ts'
import { createFaultInjector } from './fault-injection.ts'
import type { BulkChannel } from '../types.ts'

const recordingChannel = () => {
  const sent: Uint8Array[] = []
  const channel: BulkChannel = {
    send: (bytes) => sent.push(bytes),
    bufferedBytes: () => 0,
    waitForDrain: () => Promise.resolve(),
    waitOpen: () => Promise.resolve(),
    isOpen: () => true,
    onMessage: null,
    onClose: null,
  }
  return { channel, sent }
}

describe('fault injection', () => {
  it('flips one payload byte of the next frame only', () => {
    const { channel, sent } = recordingChannel()
    const injector = createFaultInjector()
    const wrapped = injector.wrap(channel)
    const frame = encodeFrame({
      transferId: newTransferId(),
      file: 0,
      offset: 0,
      payload: new Uint8Array([1, 2, 3]),
    })
    wrapped.send(frame)
    injector.corruptNextFrame()
    wrapped.send(frame)
    wrapped.send(frame)
    expect(sent[0]).toEqual(frame)
    expect(sent[1]?.[frameHeaderBytes]).toBe(1 ^ 0xff)
    expect(sent[1]?.subarray(frameHeaderBytes + 1)).toEqual(frame.subarray(frameHeaderBytes + 1))
    expect(sent[2]).toEqual(frame)
  })

  it('passes handlers through to the real channel', () => {
    const { channel } = recordingChannel()
    const wrapped = createFaultInjector().wrap(channel)
    const handler = () => undefined
    wrapped.onMessage = handler
    expect(channel.onMessage).toBe(handler)
  })
})
