import { describe, expect, it } from 'vitest'
import { createSpeedTrace } from './speed-trace.ts'

const pointsOf = (line: string) => line.split(' ').map((point) => point.split(',').map(Number))

describe('createSpeedTrace', () => {
  it('draws nothing until there are two moments', () => {
    const trace = createSpeedTrace({ widthPx: 120, heightPx: 30 })
    expect(trace.add(1000, 5_000_000)).toBe('')
    expect(pointsOf(trace.add(2000, 5_000_000))).toHaveLength(2)
  })

  it('puts the newest moment at the right edge and scales to the fastest one shown', () => {
    const trace = createSpeedTrace({ widthPx: 120, heightPx: 30 })
    trace.add(0, 1_000_000)
    const points = pointsOf(trace.add(15_000, 2_000_000))
    expect(points).toEqual([
      [60, 15],
      [120, 1],
    ])
  })

  it('keeps only the last 30 s, and starts again if the clock steps back', () => {
    const trace = createSpeedTrace({ widthPx: 100, heightPx: 20 })
    for (let atMs = 0; atMs <= 60_000; atMs += 1000) trace.add(atMs, 1000)
    expect(pointsOf(trace.add(61_000, 1000))).toHaveLength(31)
    expect(trace.add(500, 1000)).toBe('')
  })

  it('draws a stalled transfer along the bottom, never below it', () => {
    const trace = createSpeedTrace({ widthPx: 100, heightPx: 20 })
    trace.add(0, 1000)
    const [, stalled] = pointsOf(trace.add(1000, -5))
    expect(stalled).toEqual([100, 19])
  })
})
