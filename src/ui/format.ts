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
