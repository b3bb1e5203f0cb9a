/** Who this device is to its peers: a friendly name and a kind of device. */
import type { DeviceKind } from '../transfer/types.ts'

const adjectives = [
  'Amber',
  'Brave',
  'Calm',
  'Clever',
  'Coral',
  'Crimson',
  'Daring',
  'Eager',
  'Gentle',
  'Golden',
  'Happy',
  'Indigo',
  'Jolly',
  'Kind',
  'Lively',
  'Lucky',
  'Mellow',
  'Misty',
  'Noble',
  'Olive',
  'Plucky',
  'Quick',
  'Quiet',
  'Rosy',
  'Rusty',
  'Silver',
  'Sunny',
  'Swift',
  'Teal',
  'Witty',
]
const animals = [
  'Badger',
  'Beaver',
  'Bison',
  'Crane',
  'Dolphin',
  'Falcon',
  'Ferret',
  'Finch',
  'Fox',
  'Gecko',
  'Heron',
  'Ibis',
  'Koala',
  'Lemur',
  'Lynx',
  'Marten',
  'Moose',
  'Narwhal',
  'Otter',
  'Owl',
  'Panda',
  'Puffin',
  'Quokka',
  'Raven',
  'Robin',
  'Seal',
  'Stoat',
  'Tapir',
  'Walrus',
  'Wombat',
]

const pick = <T>(list: readonly T[], random: () => number): T =>
  list[Math.floor(random() * list.length) % list.length] as T

export const randomDeviceName = (random: () => number = Math.random): string =>
  `${pick(adjectives, random)} ${pick(animals, random)}`

export interface DeviceHints {
  userAgent: string
  maxTouchPoints: number
  /** navigator.userAgentData.mobile where the browser has it. */
  mobile?: boolean
}

/** A best guess from what the browser tells; only used for an icon and a label. */
export const detectDeviceKind = ({
  userAgent,
  maxTouchPoints,
  mobile,
}: DeviceHints): DeviceKind => {
  const ua = userAgent.toLowerCase()
  if (/ipad|tablet|playbook|silk/.test(ua) || (/android/.test(ua) && !/mobile/.test(ua))) {
    return 'tablet'
  }
  // iPadOS presents itself as a Mac, but Macs have no touch screen.
  if (/macintosh/.test(ua) && maxTouchPoints > 1) return 'tablet'
  if (mobile === true || /iphone|ipod|android|mobile|windows phone/.test(ua)) return 'phone'
  if (/cros|macintosh|windows nt|linux/.test(ua)) {
    return /macintosh|cros/.test(ua) ? 'laptop' : 'desktop'
  }
  return 'unknown'
}
