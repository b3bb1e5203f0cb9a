/**
 * Speed and time left of a transfer, from the progress snapshots it reports. The rate is measured
 * over the last few seconds rather than since the start, so that a transfer that slowed down (or
 * waited for the person to accept) shows what it does now, and time left follows it.
 */

/** How far back the rate looks. Long enough to smooth out bursts, short enough to follow changes. */
export const rateWindowMs = 5000
/** Below this much history a rate would be noise: none is shown yet. */
export const minRateSpanMs = 1000

interface Sample {
  bytes: number
  atMs: number
}

export interface RateReading {
  /** Bytes per second over the window, or null while there is too little history. */
  bytesPerSecond: number | null
  /** Seconds until `totalBytes` at that rate, or null when unknown. */
  secondsLeft: number | null
}

export interface RateMeter {
  /** Records that `bytes` were done at `atMs`; returns the reading for a transfer of `totalBytes`. */
  sample(bytes: number, atMs: number, totalBytes: number): RateReading
}

export const createRateMeter = (): RateMeter => {
  let samples: Sample[] = []
  return {
    sample(bytes, atMs, totalBytes) {
      const last = samples[samples.length - 1]
      // A restart (fewer bytes than before) or a clock step back begins a new history.
      if (last !== undefined && (bytes < last.bytes || atMs < last.atMs)) samples = []
      if (last === undefined || atMs > last.atMs || bytes !== last.bytes) {
        samples.push({ bytes, atMs })
      }
      // Keep one sample at or before the window's start, so the span covers the whole window.
      while (samples.length > 2 && (samples[1]?.atMs ?? atMs) <= atMs - rateWindowMs) {
        samples.shift()
      }
      const first = samples[0]
      if (first === undefined) return { bytesPerSecond: null, secondsLeft: null }
      const spanMs = atMs - first.atMs
      if (spanMs < minRateSpanMs) return { bytesPerSecond: null, secondsLeft: null }
      const bytesPerSecond = ((bytes - first.bytes) * 1000) / spanMs
      const secondsLeft =
        bytesPerSecond > 0 ? Math.max(0, (totalBytes - bytes) / bytesPerSecond) : null
      return { bytesPerSecond, secondsLeft }
    },
  }
}
