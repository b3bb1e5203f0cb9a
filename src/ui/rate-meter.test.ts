import { describe, expect, it } from 'vitest'
import { createRateMeter, minRateSpanMs, rateWindowMs } from './rate-meter.ts'

const mb = 1_000_000

describe('rate meter', () => {
  it('shows nothing until it has a second of history', () => {
    const meter = createRateMeter()
    expect(meter.sample(0, 0, 10 * mb)).toEqual({ bytesPerSecond: null, secondsLeft: null })
    expect(meter.sample(mb, minRateSpanMs - 1, 10 * mb).bytesPerSecond).toBeNull()
  })

  it('measures a steady rate and the time left at it', () => {
    const meter = createRateMeter()
    let reading = meter.sample(0, 0, 100 * mb)
    for (let second = 1; second <= 4; second++) {
      reading = meter.sample(second * 2 * mb, second * 1000, 100 * mb)
    }
    expect(reading.bytesPerSecond).toBeCloseTo(2 * mb)
    expect(reading.secondsLeft).toBeCloseTo(46)
  })

  it('follows a slow-down within the window instead of averaging since the start', () => {
    const meter = createRateMeter()
    let bytes = 0
    let reading = meter.sample(0, 0, 1000 * mb)
    for (let second = 1; second <= 20; second++) {
      bytes += 10 * mb
      reading = meter.sample(bytes, second * 1000, 1000 * mb)
    }
    expect(reading.bytesPerSecond).toBeCloseTo(10 * mb)
    for (let second = 21; second <= 20 + rateWindowMs / 1000; second++) {
      bytes += mb
      reading = meter.sample(bytes, second * 1000, 1000 * mb)
    }
    expect(reading.bytesPerSecond).toBeCloseTo(mb)
    expect(reading.secondsLeft).toBeCloseTo((1000 * mb - bytes) / mb)
  })

  it('says nothing about time left while nothing moves, and starts over after a restart', () => {
    const meter = createRateMeter()
    meter.sample(5 * mb, 0, 10 * mb)
    expect(meter.sample(5 * mb, 3000, 10 * mb)).toEqual({ bytesPerSecond: 0, secondsLeft: null })
    expect(meter.sample(mb, 3500, 10 * mb).bytesPerSecond).toBeNull()
    expect(meter.sample(3 * mb, 4500, 10 * mb)).toEqual({
      bytesPerSecond: 2 * mb,
      secondsLeft: 3.5,
    })
  })

  it('says no time is left once every byte is done', () => {
    const meter = createRateMeter()
    meter.sample(0, 0, 4 * mb)
    expect(meter.sample(4 * mb, 2000, 4 * mb)).toEqual({ bytesPerSecond: 2 * mb, secondsLeft: 0 })
  })
})
