/**
 * Every sentence the core's codes turn into. One place, so a message catalog can replace it.
 */
import type { NearbyStatus, Notice, RoomKind } from '../lib/ferry.ts'
import { ProtocolError } from '../lib/protocol/errors.ts'
import type { TransferSnapshot } from '../lib/transfer/types.ts'

export const noticeText = (notice: Notice): string => {
  switch (notice.code) {
    case 'relays-unreachable':
      return "Can't reach any signalling relay, so devices can't find each other. Check the internet connection; Ferry keeps trying."
    case 'relays-reachable':
      return 'Connected to a signalling relay again.'
    case 'join-refused':
      return 'A device tried to join this room without the right link, and was refused.'
    case 'peer-protocol-error':
      return `${notice.peerName || 'A device'} sent something Ferry could not accept; it was refused.`
  }
}

export const offerText = (t: TransferSnapshot, peerName: string): string =>
  `${peerName} wants to send you ${t.files.length === 1 ? 'a file' : `${t.files.length} files`}.`

/** An offer from a trusted device, accepted without asking (auto-accept is on). */
export const autoAcceptedText = (t: TransferSnapshot, peerName: string): string =>
  `Receiving ${t.files.length === 1 ? 'a file' : `${t.files.length} files`} from ${peerName}, a trusted device.`

export const nearbyText = (status: NearbyStatus): string => {
  switch (status.state) {
    case 'checking':
      return 'Looking for devices on this network…'
    case 'active':
      return 'Devices on this network with Ferry open appear here by themselves.'
    case 'unavailable':
      return status.reason === 'no-stun-server'
        ? 'Nearby discovery is off: no STUN server is configured. Share a private link to connect instead.'
        : 'Nearby discovery is unavailable on this network. Share a private link to connect instead.'
  }
}

export const roomLabel: Record<RoomKind, string> = { nearby: 'Nearby', link: 'Link' }

/** How a peer is reached, for screen readers: "nearby and by link". */
export const roomsText = (rooms: readonly RoomKind[]): string =>
  rooms.map((room) => (room === 'nearby' ? 'nearby' : 'by link')).join(' and ')

export const trustFailedText = (peerName: string): string =>
  `Could not trust ${peerName}: this connection does not show its certificate.`

const fileCount = (n: number) => (n === 1 ? 'the file' : `${n} files`)

/** What to tell the person when a transfer reaches a new state; null when nothing needs saying. */
export const transferEndText = (t: TransferSnapshot, peerName: string): string | null => {
  const files = fileCount(t.files.length)
  const sending = t.direction === 'send'
  switch (t.state) {
    case 'declined':
      return sending ? `${peerName} declined ${files}.` : null
    case 'cancelled':
      if (t.endedBy === 'remote') {
        return `${peerName} cancelled the transfer${sending ? '' : ` of ${files}`}.`
      }
      return null
    case 'failed':
      return failureText(t, peerName)
    case 'complete':
      return sending ? `${peerName} received ${files}.` : null
    case 'interrupted':
      return interruptionText(t, peerName)
    default:
      return null
  }
}

/** Why a transfer is interrupted, and what happens next. */
export const interruptionText = (t: TransferSnapshot, peerName: string): string => {
  const sending = t.direction === 'send'
  switch (t.interruption) {
    case 'storage-full':
      return sending
        ? `Paused: ${peerName} ran out of storage space. It goes on when they free some.`
        : 'Paused: this device ran out of storage space. What arrived is kept; free some space, then press Retry.'
    case 'restored':
      return 'Interrupted when Ferry was closed. What arrived is kept: press Resume to go on once the sender is back.'
    default:
      return `Connection lost. Waiting for ${peerName} to come back; the transfer goes on from where it stopped.`
  }
}

export const failureText = (t: TransferSnapshot, peerName: string): string => {
  switch (t.errorCode) {
    case 'peer-gone':
      return `${peerName} left before the transfer finished.`
    case 'hash-mismatch':
      return t.direction === 'receive'
        ? `A file from ${peerName} arrived damaged and was discarded.`
        : `${peerName} received a damaged copy; it was discarded.`
    default:
      return `The transfer with ${peerName} failed (${t.errorCode ?? 'unknown error'}).`
  }
}

/** Why an offer or a message could not be sent, from the ProtocolError the core threw. */
export const sendFailedText = (error: unknown, peerName: string): string => {
  const code = error instanceof ProtocolError ? error.code : 'unknown'
  switch (code) {
    case 'peer-gone':
      return `${peerName} is no longer connected.`
    case 'too-large':
      return `That is more than Ferry can send to ${peerName} in one go; send it in parts.`
    case 'invalid-field':
      return `Ferry cannot send that to ${peerName}: a name is empty, too long or not allowed.`
    case 'read-failed':
      return `Ferry could not read everything you chose for ${peerName}; nothing was sent.`
    default:
      return `Could not send to ${peerName}.`
  }
}

/** A chosen folder with no file anywhere in it: the protocol offers files, at least one. */
export const nothingToSendText = (emptyFolders: number): string =>
  emptyFolders > 0
    ? 'That folder holds no files, only empty folders, so there is nothing to send.'
    : 'That folder is empty, so there is nothing to send.'

export const deviceLabel: Record<string, string> = {
  phone: 'Phone',
  tablet: 'Tablet',
  laptop: 'Laptop',
  desktop: 'Desktop',
  unknown: 'Device',
}
