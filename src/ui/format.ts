/** Sizes, rates, percentages and times for people, through Intl in the language the UI speaks. */
import { i18n, t } from './i18n/i18n.svelte.ts'

const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const
const formatters = new Map<string, Intl.NumberFormat>()

const formatter = (locale: string, unit: string, digits: number): Intl.NumberFormat => {
  const key = `${locale}:${unit}:${digits}`
  let format = formatters.get(key)
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'unit',
      unit,
      unitDisplay: 'short',
      maximumFractionDigits: digits,
    })
    formatters.set(key, format)
  }
  return format
}

/** A decimal unit (kB, MB, …) with about two significant digits; suffix 'per-second' for rates. */
const formatScaled = (bytes: number, perSecond: boolean): string => {
  let value = bytes
  let index = 0
  while (value >= 1000 && index < units.length - 1) {
    value /= 1000
    index += 1
  }
  // Plain bytes need the language's plural ("0 bytes", "1 byte"): Intl's short unit has none.
  if (index === 0 && !perSecond) return t('size.bytes', { count: Math.round(value) })
  const unit = `${units[index] ?? 'byte'}${perSecond ? '-per-second' : ''}`
  return formatter(i18n.locale, unit, index === 0 ? 0 : value < 10 ? 1 : 0).format(value)
}

export const formatBytes = (bytes: number): string => formatScaled(bytes, false)

export const formatRate = (bytesPerSecond: number): string => formatScaled(bytesPerSecond, true)

export const formatPercent = (fraction: number): string =>
  new Intl.NumberFormat(i18n.locale, { style: 'percent', maximumFractionDigits: 0 }).format(
    fraction,
  )

/** A moment in the past: 'today 14:05'-like, in the UI's language. */
export const formatTime = (epochMs: number): string =>
  new Intl.DateTimeFormat(i18n.locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(epochMs),
  )

/** A list: 'a, b and c' in English, 'a, b et c' in French. */
export const formatList = (items: readonly string[]): string =>
  typeof Intl.ListFormat === 'function'
    ? new Intl.ListFormat(i18n.locale, { type: 'conjunction' }).format(items)
    : items.join(', ')

/** A time left, rounded the way people say it: "8 sec", "2 min", "1.5 hr". */
export const formatDuration = (seconds: number): string => {
  if (seconds < 60) {
    return formatter(i18n.locale, 'second', 0).format(Math.max(1, Math.ceil(seconds)))
  }
  if (seconds < 3600) return formatter(i18n.locale, 'minute', 0).format(Math.round(seconds / 60))
  return formatter(i18n.locale, 'hour', 1).format(Math.round(seconds / 360) / 10)
}
