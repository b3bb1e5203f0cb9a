/**
 * What the core's codes say to a person, through the message catalog (src/ui/i18n). The core emits
 * codes and data; only the UI knows words.
 */
import type { NearbyStatus, Notice, RoomKind } from '../lib/ferry.ts'
import type { ConnectionFormError } from '../lib/signalling/connection-form.ts'
import type { ConnectionRoute } from '../lib/signalling/connection-stats.ts'
import { ProtocolError } from '../lib/protocol/errors.ts'
import type { DeviceKind, TransferSnapshot } from '../lib/transfer/types.ts'
import { t } from './i18n/i18n.svelte.ts'
import type { MessageKey } from './i18n/en.ts'

export const noticeText = (notice: Notice): string => {
  switch (notice.code) {
    case 'relays-unreachable':
      return t('notice.relaysUnreachable')
    case 'relays-reachable':
      return t('notice.relaysReachable')
    case 'join-refused':
      return t('notice.joinRefused')
    case 'peer-protocol-error':
      return t('notice.peerProtocolError', { name: notice.peerName || t('app.anotherDevice') })
    case 'peer-blocked':
      return t('notice.peerBlocked', { name: notice.peerName || t('app.anotherDevice') })
    case 'peer-unreachable':
      return peerUnreachableText(notice.turnConfigured)
  }
}

/** A device was found through the relays, but no WebRTC route to it worked. */
export const peerUnreachableText = (turnConfigured: boolean): string =>
  t(turnConfigured ? 'notice.peerUnreachableWithTurn' : 'notice.peerUnreachable')

const routeKeys: Record<ConnectionRoute, MessageKey> = {
  direct: 'connection.routeDirect',
  relayed: 'connection.routeRelayed',
  unknown: 'connection.routeUnknown',
}

/** A connection's route, in words. */
export const routeText = (route: ConnectionRoute): string => t(routeKeys[route])

/** Why a connection setting was refused, next to its field. */
export const connectionFormErrorText = (error: ConnectionFormError): string => {
  switch (error.code) {
    case 'invalid-url': {
      const entries = error.entries.join(', ')
      if (error.field === 'relays') return t('connectionSettings.errorRelay', { entries })
      if (error.field === 'stunUrls') return t('connectionSettings.errorStun', { entries })
      return t('connectionSettings.errorTurn', { entries })
    }
    case 'too-many':
      return t('connectionSettings.errorTooMany', { max: error.max })
    case 'missing':
      return t('connectionSettings.errorCredentialsMissing')
    case 'too-long':
      return t('connectionSettings.errorCredentialsTooLong')
    case 'no-turn-server':
      return t('connectionSettings.errorNoTurn')
  }
}

export const offerText = (transfer: TransferSnapshot, peerName: string): string =>
  t('notice.offer', { name: peerName, count: transfer.files.length })

/** An offer from a trusted device, accepted without asking (auto-accept is on). */
export const autoAcceptedText = (transfer: TransferSnapshot, peerName: string): string =>
  t('notice.autoAccepted', { name: peerName, count: transfer.files.length })

export const nearbyText = (status: NearbyStatus): string => {
  switch (status.state) {
    case 'checking':
      return t('nearby.checking')
    case 'active':
      return t('nearby.active')
    case 'unavailable':
      return status.reason === 'no-stun-server'
        ? t('nearby.noStun')
        : status.reason === 'link-relays'
          ? t('nearby.linkRelays')
          : t('nearby.unavailable')
  }
}

export const roomLabel = (room: RoomKind): string =>
  room === 'nearby' ? t('room.nearby') : t('room.link')

/** How a peer is reached, for screen readers: "nearby and by link". */
export const roomsText = (rooms: readonly RoomKind[]): string => {
  if (rooms.includes('nearby') && rooms.includes('link')) return t('room.bothSpoken')
  return rooms
    .map((room) => (room === 'nearby' ? t('room.nearbySpoken') : t('room.linkSpoken')))
    .join(', ')
}

export const trustFailedText = (peerName: string): string =>
  t('notice.trustFailed', { name: peerName })

/** What to tell the person when a transfer reaches a new state; null when nothing needs saying. */
export const transferEndText = (transfer: TransferSnapshot, peerName: string): string | null => {
  const values = { name: peerName, count: transfer.files.length }
  const sending = transfer.direction === 'send'
  switch (transfer.state) {
    case 'declined':
      return sending ? t('notice.declined', values) : null
    case 'cancelled':
      if (transfer.endedBy !== 'remote') return null
      return sending ? t('notice.cancelledSend', values) : t('notice.cancelledReceive', values)
    case 'failed':
      return failureText(transfer, peerName)
    case 'complete':
      return sending ? t('notice.received', values) : null
    case 'interrupted':
      return interruptionText(transfer, peerName)
    default:
      return null
  }
}

/** Why a transfer is interrupted, and what happens next. */
export const interruptionText = (transfer: TransferSnapshot, peerName: string): string => {
  const sending = transfer.direction === 'send'
  switch (transfer.interruption) {
    case 'storage-full':
      return sending
        ? t('transfer.pausedStoragePeer', { name: peerName })
        : t('transfer.pausedStorage')
    case 'restored':
      return t('transfer.interruptedRestored')
    default:
      return t('transfer.interruptedWaiting', { name: peerName })
  }
}

export const failureText = (transfer: TransferSnapshot, peerName: string): string => {
  switch (transfer.errorCode) {
    case 'peer-gone':
      return t('notice.peerGone', { name: peerName })
    case 'hash-mismatch':
      return transfer.direction === 'receive'
        ? t('notice.damagedReceived', { name: peerName })
        : t('notice.damagedSent', { name: peerName })
    default:
      return t('notice.failed', {
        name: peerName,
        code: transfer.errorCode ?? t('notice.unknownError'),
      })
  }
}

const sendFailedKeys: Record<string, MessageKey> = {
  'peer-gone': 'notice.sendPeerGone',
  'too-large': 'notice.sendTooLarge',
  'invalid-field': 'notice.sendInvalid',
  'read-failed': 'notice.sendReadFailed',
}

/** Why an offer or a message could not be sent, from the ProtocolError the core threw. */
export const sendFailedText = (error: unknown, peerName: string): string => {
  const code = error instanceof ProtocolError ? error.code : 'unknown'
  return t(sendFailedKeys[code] ?? 'notice.sendFailed', { name: peerName })
}

/** A chosen folder with no file anywhere in it: the protocol offers files, at least one. */
export const nothingToSendText = (emptyFolders: number): string =>
  emptyFolders > 0 ? t('notice.emptyFoldersOnly') : t('notice.emptyFolder')

const deviceKeys: Record<DeviceKind, MessageKey> = {
  phone: 'device.phone',
  tablet: 'device.tablet',
  laptop: 'device.laptop',
  desktop: 'device.desktop',
  unknown: 'device.unknown',
}

export const deviceLabel = (device: DeviceKind): string => t(deviceKeys[device] ?? 'device.unknown')

/** Shown while no relay can be reached (connectivity.ts). */
export const offlineText = (): string => t('offline.message')

/** Things were shared, pasted or dropped into the tray. */
export const stagedText = (files: number, texts: number): string =>
  files === 0
    ? t('staged.addedText')
    : t(texts > 0 ? 'staged.addedFilesAndText' : 'staged.addedFiles', { count: files })

export const shareFailedText = (): string => t('staged.shareFailed')

/** The page came back and a transfer had made no progress while it was in the background. */
export const stalledText = (): string => t('notice.stalled')
