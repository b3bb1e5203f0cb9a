import { describe, expect, it } from 'vitest'
import { createMemoryChannelPair } from './memory-channel.ts'
import { nextTick } from './test-harness.ts'

describe('memory channel pair', () => {
  it('delivers messages in order, as copies, and models bufferedBytes', async () => {
    const pair = createMemoryChannelPair({
      schedule: setImmediate,
      bytesPerTick: 10,
      lowWaterBytes: 5,
    })
    const received: number[][] = []
    pair.b.onMessage = (bytes) => received.push([...bytes])
    const message = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])
    pair.a.send(message)
    message[0] = 99
    pair.a.send(new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9]))
    expect(pair.a.bufferedBytes()).toBe(16)
    let drained = false
    const drain = pair.a.waitForDrain().then(() => {
      drained = true
    })
    await nextTick()
    expect(received).toEqual([[1, 2, 3, 4, 5, 6, 7, 8]])
    expect(pair.a.bufferedBytes()).toBe(8)
    expect(drained).toBe(false)
    await drain
    expect(received).toHaveLength(2)
    expect(pair.a.bufferedBytes()).toBe(0)
    expect(pair.a.maxBufferedBytes()).toBe(16)
  })

  it('opens late, and closes for both ends', async () => {
    const pair = createMemoryChannelPair({ schedule: setImmediate, open: false })
    expect(pair.a.isOpen()).toBe(false)
    expect(() => pair.a.send(new Uint8Array(1))).toThrow()
    const opened = pair.b.waitOpen()
    pair.open()
    await opened
    const closes: string[] = []
    pair.a.onClose = () => closes.push('a')
    pair.b.onClose = () => closes.push('b')
    pair.a.send(new Uint8Array(1))
    pair.close()
    expect(closes).toEqual(['a', 'b'])
    expect(pair.a.bufferedBytes()).toBe(0)
    await expect(pair.a.waitOpen()).rejects.toThrow()
    await pair.a.waitForDrain()
    expect(() => pair.a.send(new Uint8Array(1))).toThrow()
  })

  it('rejects waiting openers when closed before opening', async () => {
    const pair = createMemoryChannelPair({ schedule: setImmediate, open: false })
    const opened = pair.a.waitOpen()
    pair.close()
    await expect(opened).rejects.toThrow()
  })
})
