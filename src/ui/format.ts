/** Sizes and rates for people, through Intl so they follow the browser's locale. */
const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const
const formatters = new Map<string, Intl.NumberFormat>()

const formatter = (unit: string, digits: number): Intl.NumberFormat => {
  const key = `${unit}:${digits}`
  let format = formatters.get(key)
  if (!format) {
    format = new Intl.NumberFormat(undefined, {
      style: 'unit',
      unit,
      unitDisplay: 'short',
      maximumFractionDigits: digits,
    })
    formatters.set(key, format)
  }
  return format
}

export const formatBytes = (bytes: number): string => {
  let value = bytes
  let index = 0
  while (value >= 1000 && index < units.length - 1) {
    value /= 1000
    index += 1
  }
  return formatter(units[index] ?? 'byte', index === 0 ? 0 : value < 10 ? 1 : 0).format(value)
}

export const formatPercent = (fraction: number): string =>
  new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 }).format(fraction)

/** A time left, rounded the way people say it: "8 sec", "2 min", "1.5 hr". */
export const formatDuration = (seconds: number): string => {
  if (seconds < 60) return formatter('second', 0).format(Math.max(1, Math.ceil(seconds)))
  if (seconds < 3600) return formatter('minute', 0).format(Math.round(seconds / 60))
  return formatter('hour', 1).format(Math.round(seconds / 360) / 10)
}
