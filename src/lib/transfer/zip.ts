/**
 * Several received files (and empty folders) as one zip, streamed: each file is read through its
 * Blob's stream only while the archive is consumed, so nothing is held whole in memory. The
 * archive is stored, not compressed (client-zip), with zip64 records where sizes need them.
 */
import { makeZip } from 'client-zip'
import { maxFileNameChars } from '../protocol/limits.ts'
import { safeFileName, safeRelativePath, savedName, savedPath } from '../protocol/paths.ts'
import type { TransferSnapshot } from './types.ts'

/** One file of an archive: where it goes and its bytes. */
export interface ZipFile {
  path: string
  blob: Blob
}

/** What an archive holds; every path is safe, unique and relative (see zipContents). */
export interface ZipContents {
  files: ZipFile[]
  /** Empty folders, without a trailing '/'. */
  folders: string[]
}

/** A file as a transfer describes it: `path` (from the peer, untrusted) includes the name. */
export interface ZipSource {
  name: string
  path?: string
  blob: Blob
}

/** 'photo.jpg', 2 → 'photo (2).jpg'; '.bashrc', 2 → '.bashrc (2)'. */
const numbered = (name: string, n: number): string => {
  const dot = name.lastIndexOf('.')
  const [base, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, '']
  const suffix = ` (${n})`
  return safeFileName(
    base.slice(0, Math.max(1, maxFileNameChars - suffix.length - extension.length)) +
      suffix +
      extension,
  )
}

const join = (folder: string, name: string): string => (folder === '' ? name : `${folder}/${name}`)

/** Case-insensitive systems (Windows, macOS) would make these one entry. */
const key = (path: string): string => path.toLowerCase()

/**
 * Lays files and empty folders out as an archive. Each path goes through savedPath (protocol/paths.ts)
 * again (a path that fails falls back to the file's safe name alone); then names that would collide,
 * even only by case, or a file standing where another entry needs a folder, get ' (2)', ' (3)'…
 * Folders that differ only by case become one.
 */
export const zipContents = (
  sources: readonly ZipSource[],
  folders: readonly string[],
): ZipContents => {
  const kinds = new Map<string, 'file' | 'folder'>()
  const resolvedFolders = new Map<string, string>()

  const resolveFolder = (segments: readonly string[]): string => {
    let original = ''
    let resolved = ''
    for (const segment of segments) {
      original = join(original, segment)
      const known = resolvedFolders.get(key(original))
      if (known !== undefined) {
        resolved = known
        continue
      }
      let candidate = join(resolved, segment)
      for (let n = 2; kinds.get(key(candidate)) === 'file'; n++) {
        candidate = join(resolved, numbered(segment, n))
      }
      kinds.set(key(candidate), 'folder')
      resolvedFolders.set(key(original), candidate)
      resolved = candidate
    }
    return resolved
  }

  const files = sources.map((source): ZipFile => {
    const segments = savedPath(source.path, source.name)
    const name = segments.pop() ?? savedName('')
    const folder = resolveFolder(segments)
    let path = join(folder, name)
    for (let n = 2; kinds.has(key(path)); n++) path = join(folder, numbered(name, n))
    kinds.set(key(path), 'file')
    return { path, blob: source.blob }
  })

  const empty = new Set<string>()
  for (const folder of folders) {
    const safe = safeRelativePath(folder)
    if (safe !== null) empty.add(resolveFolder(safe.split('/').map(savedName)))
  }
  return { files, folders: [...empty] }
}

/** The verified files of a received transfer, with its empty folders, laid out as an archive. */
export const zipContentsOfTransfer = (
  transfer: Pick<TransferSnapshot, 'files' | 'folders'>,
): ZipContents =>
  zipContents(
    transfer.files.flatMap((file) =>
      file.verified && file.blob !== undefined
        ? [
            {
              name: file.name,
              blob: file.blob,
              ...(file.path === undefined ? {} : { path: file.path }),
            },
          ]
        : [],
    ),
    transfer.folders ?? [],
  )

/** 'photos.zip' when everything lies in one top folder, otherwise a generic name. */
export const zipFileName = (contents: ZipContents): string => {
  const tops = new Set(
    [...contents.files.map((file) => file.path), ...contents.folders].map((path) =>
      path.includes('/') ? path.slice(0, path.indexOf('/')) : null,
    ),
  )
  const [top] = tops
  return tops.size === 1 && typeof top === 'string' ? `${top}.zip` : 'Ferry files.zip'
}

/**
 * The archive as a stream of bytes. Folders come first, then files in order; every entry is dated
 * `modified` (the protocol does not carry the sender's dates).
 */
export const createZipStream = (
  contents: ZipContents,
  modified: Date = new Date(),
): ReadableStream<Uint8Array> => {
  function* entries() {
    for (const folder of contents.folders) yield { name: folder, lastModified: modified }
    for (const file of contents.files) {
      yield { name: file.path, input: file.blob, size: file.blob.size, lastModified: modified }
    }
  }
  return makeZip(entries())
}
