/**
 * Offers: ours built from the files a person chose, checked as the peer will check them; theirs
 * admitted only while the offers waiting for an answer stay under the pending bounds.
 */
import {
  controlMessageBytes,
  isPreviewData,
  parseControl,
  type OfferedFile,
  type OfferMessage,
  type OfferPreview,
} from '../protocol/control.ts'
import { ProtocolError } from '../protocol/errors.ts'
import {
  maxControlMessageBytes,
  maxPendingOffersInRoom,
  maxPendingOffersPerPeer,
  maxPreviewsPerOffer,
} from '../protocol/limits.ts'
import { safeFileName, sanitizeRelativePath } from '../protocol/paths.ts'
import type { OutgoingFile } from './types.ts'

/** 'a/b/c' → ['a', 'a/b']: the folders a path lies in. */
const parentFolders = (path: string): string[] => {
  const parents: string[] = []
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    parents.push(path.slice(0, slash))
  }
  return parents
}

/**
 * The folders worth offering as empty: made safe, each once, and neither holding anything else
 * offered nor being a file's path (the receiver refuses a folder that is also a file).
 */
const emptyFoldersToOffer = (
  folders: readonly string[],
  files: readonly OfferedFile[],
): string[] => {
  const safe = [...new Set(folders.flatMap((folder) => sanitizeRelativePath(folder) ?? []))]
  const filePaths = files.map((file) => file.path ?? file.name)
  const taken = new Set([...filePaths, ...[...filePaths, ...safe].flatMap(parentFolders)])
  return safe.filter((folder) => !taken.has(folder))
}

/** The thumbnails worth offering: valid ones only (a bad one is left out), at most the limit. */
const previewsToOffer = (files: readonly OutgoingFile[]): OfferPreview[] =>
  files
    .flatMap((file, index) =>
      file.preview !== undefined && isPreviewData(file.preview)
        ? [{ index, data: file.preview }]
        : [],
    )
    .slice(0, maxPreviewsPerOffer)

/** Our own file as the offer describes it, its name and path made safe (protocol/paths.ts). */
const offeredFile = (file: OutgoingFile, index: number): OfferedFile => {
  const path = file.path === undefined ? null : sanitizeRelativePath(file.path)
  return {
    index,
    name: safeFileName(file.name),
    ...(path === null ? {} : { path }),
    size: file.blob.size,
    type: file.type,
  }
}

export interface BuiltOffer {
  message: OfferMessage
  files: OfferedFile[]
  folders: string[]
  previews: OfferPreview[]
}

/**
 * Our offer of `files`, and of the empty folders among `chosenFolders`, under `transferId`.
 * Throws ProtocolError ('invalid-field', 'too-large') where the peer would refuse it.
 */
export const buildOffer = (
  transferId: string,
  files: readonly OutgoingFile[],
  chosenFolders: readonly string[],
): BuiltOffer => {
  const offered = files.map(offeredFile)
  const folders = emptyFoldersToOffer(chosenFolders, offered)
  const previews = previewsToOffer(files)
  const message: OfferMessage = {
    type: 'offer',
    transfer: transferId,
    files: offered,
    ...(folders.length === 0 ? {} : { folders }),
    ...(previews.length === 0 ? {} : { previews }),
  }
  const checked = parseControl(message)
  if (!checked.ok) throw checked.error
  const offerBytes = controlMessageBytes(message)
  if (offerBytes > maxControlMessageBytes) {
    throw new ProtocolError(
      'too-large',
      `offer of ${offerBytes} bytes, at most ${maxControlMessageBytes}`,
    )
  }
  return { message, files: offered, folders, previews }
}

/** Incoming offers waiting for an answer: of the offering peer, and of everyone. */
export interface PendingOffers {
  peer: number
  room: number
}

/** One more offer would be one too many: the refusal to report (`rate-limited`); else null. */
export const overPendingBound = (pending: PendingOffers): ProtocolError | null =>
  pending.peer >= maxPendingOffersPerPeer
    ? new ProtocolError(
        'rate-limited',
        `over ${maxPendingOffersPerPeer} offers waiting for an answer`,
      )
    : pending.room >= maxPendingOffersInRoom
      ? new ProtocolError(
          'rate-limited',
          `over ${maxPendingOffersInRoom} offers of all devices waiting for an answer`,
        )
      : null
