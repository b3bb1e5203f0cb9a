import { describe, expect, it } from 'vitest'
import {
  createWaitAnnouncer,
  retryDelayMs,
  retryGapMs,
  waitingAnnounceDelaysMs,
} from './announcer.ts'

/** A clock the test moves by hand; announcements are recorded with the time they were made. */
const world = () => {
  let nowMs = 0
  let timers: { atMs: number; run: () => void }[] = []
  const announcedAtMs: number[] = []
  const announcer = createWaitAnnouncer({
    announce: () => void announcedAtMs.push(nowMs),
    setTimeout: (run, ms) => void timers.push({ atMs: nowMs + ms, run }),
  })
  const advance = (ms: number) => {
    const untilMs = nowMs + ms
    for (;;) {
      const next = timers
        .filter((timer) => timer.atMs <= untilMs)
        .sort((a, b) => a.atMs - b.atMs)[0]
      if (!next) break
      timers = timers.filter((timer) => timer !== next)
      nowMs = next.atMs
      next.run()
    }
    nowMs = untilMs
  }
  return { announcer, announcedAtMs, advance, pending: () => timers.length }
}

/** When the whole schedule announces, counted from the start of a wait. */
const scheduleMs = waitingAnnounceDelaysMs.reduce<number[]>(
  (times, delay) => [...times, (times.at(-1) ?? 0) + delay],
  [],
)

describe('announcing while a transfer waits for its device', () => {
  it('announces soon after a drop, then further apart, and stops after the schedule', () => {
    const { announcer, announcedAtMs, advance, pending } = world()
    announcer.track('t1', true)
    advance(10 * 60_000)
    expect(announcedAtMs).toEqual(scheduleMs)
    expect(scheduleMs).toEqual([1000, 4000, 11_000, 26_000, 56_000])
    expect(pending()).toBe(0)
  })

  it('does not announce for transfers that are not waiting', () => {
    const { announcer, announcedAtMs, advance } = world()
    announcer.track('t1', false)
    announcer.relaysReopened()
    advance(60_000)
    expect(announcedAtMs).toEqual([])
  })

  it('runs one schedule for several transfers cut by the same drop', () => {
    const { announcer, announcedAtMs, advance } = world()
    announcer.track('t1', true)
    advance(500)
    announcer.track('t2', true)
    announcer.track('t1', true)
    advance(60_000)
    expect(announcedAtMs).toEqual(scheduleMs)
  })

  it('stops once the device is back, and starts over for a later drop', () => {
    const { announcer, announcedAtMs, advance } = world()
    announcer.track('t1', true)
    advance(5000)
    expect(announcedAtMs).toEqual([1000, 4000])
    announcer.track('t1', false)
    advance(60_000)
    expect(announcedAtMs).toEqual([1000, 4000])
    announcer.track('t1', true)
    advance(2000)
    expect(announcedAtMs).toEqual([1000, 4000, 66_000])
  })

  it('keeps announcing while any transfer still waits', () => {
    const { announcer, announcedAtMs, advance } = world()
    announcer.track('t1', true)
    announcer.track('t2', true)
    advance(2000)
    announcer.track('t1', false)
    advance(60_000)
    expect(announcedAtMs).toEqual(scheduleMs)
  })

  it('announces at once when a relay comes back, and runs the schedule again from there', () => {
    const { announcer, announcedAtMs, advance } = world()
    announcer.track('t1', true)
    advance(120_000)
    expect(announcedAtMs).toHaveLength(scheduleMs.length)
    announcer.relaysReopened()
    advance(120_000)
    expect(announcedAtMs.slice(scheduleMs.length)).toEqual([
      120_000,
      ...scheduleMs.map((ms) => 120_000 + ms),
    ])
  })

  it('replaces a schedule in flight when a relay comes back, rather than adding one', () => {
    const { announcer, announcedAtMs, advance } = world()
    announcer.track('t1', true)
    advance(1500)
    announcer.relaysReopened()
    advance(120_000)
    expect(announcedAtMs).toEqual([1000, 1500, ...scheduleMs.map((ms) => 1500 + ms)])
  })

  it('retries a failed connection with one announcement soon, at most once in a while', () => {
    const { announcer, announcedAtMs, advance } = world()
    announcer.retrySoon()
    announcer.retrySoon()
    advance(retryDelayMs)
    expect(announcedAtMs).toEqual([retryDelayMs])
    // Failures in a burst: one announcement answers them all.
    announcer.retrySoon()
    advance(retryGapMs)
    expect(announcedAtMs).toEqual([retryDelayMs])
    announcer.retrySoon()
    advance(retryGapMs)
    expect(announcedAtMs).toEqual([retryDelayMs, retryGapMs + 2 * retryDelayMs])
  })

  it('does nothing once stopped', () => {
    const { announcer, announcedAtMs, advance } = world()
    announcer.track('t1', true)
    announcer.retrySoon()
    announcer.stop()
    announcer.track('t2', true)
    announcer.relaysReopened()
    announcer.retrySoon()
    advance(120_000)
    expect(announcedAtMs).toEqual([])
  })
})
