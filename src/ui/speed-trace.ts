/**
 * A transfer's speed over the last half minute, drawn as a small line next to its numbers so a
 * person sees at a glance whether it is steady. Decorative: the text beside it carries the numbers.
 */

/** How far back the line reaches. */
export const speedTraceWindowMs = 30_000

export interface SpeedTrace {
  /** Records the speed at `atMs`; returns the line's points ("x,y x,y …"), newest at the right. */
  add(atMs: number, bytesPerSecond: number): string
}

export const createSpeedTrace = ({
  widthPx,
  heightPx,
  windowMs = speedTraceWindowMs,
}: {
  widthPx: number
  heightPx: number
  windowMs?: number
}): SpeedTrace => {
  let samples: { atMs: number; bytesPerSecond: number }[] = []
  const round = (value: number) => Math.round(value * 10) / 10
  return {
    add(atMs, bytesPerSecond) {
      const last = samples[samples.length - 1]
      // A clock step back begins a new line.
      if (last !== undefined && atMs < last.atMs) samples = []
      if (last === undefined || atMs > last.atMs) {
        samples.push({ atMs, bytesPerSecond: Math.max(0, bytesPerSecond) })
      }
      samples = samples.filter((sample) => sample.atMs >= atMs - windowMs)
      // Scaled to the fastest moment shown, so the shape reads the same at any speed.
      const peak = Math.max(...samples.map((sample) => sample.bytesPerSecond))
      if (samples.length < 2 || peak <= 0) return ''
      return samples
        .map((sample) => {
          const x = widthPx - ((atMs - sample.atMs) / windowMs) * widthPx
          const y = heightPx - (sample.bytesPerSecond / peak) * (heightPx - 2) - 1
          return `${round(x)},${round(y)}`
        })
        .join(' ')
    },
  }
}
