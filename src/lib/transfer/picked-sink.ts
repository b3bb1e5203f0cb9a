/**
 * Sinks that write received files straight to a place the person picked (File System Access:
 * showSaveFilePicker for one file, showDirectoryPicker for several), through createWritable().
 * Paths in a picked folder come from the peer, so they are sanitized before they touch the disk,
 * and existing files are never overwritten.
 */
import {
  createLazySink,
  errorName,
  openWritableSink,
  removeEntryQuietly,
  type DirectoryHandleLike,
  type FileHandleLike,
} from './disk-sink.ts'
import type { OfferedFile, Sink } from './types.ts'

/** Where the person chose to save a transfer's files. */
export type Destination =
  /** One file (showSaveFilePicker); receives the transfer's file 0. */
  | { kind: 'file'; handle: FileHandleLike }
  /** A folder (showDirectoryPicker); each file goes to its relative path inside it. */
  | { kind: 'folder'; handle: DirectoryHandleLike }

/**
 * Longest file or folder name we create, in UTF-8 bytes: most file systems allow 255, and this
 * leaves room for a " (99)" suffix and the ".crswap" Chromium adds to its swap files.
 */
export const maxPickedNameBytes = 200
/** Deepest folder nesting recreated in a picked folder; deeper folders are dropped from the path. */
export const maxPickedFolderDepth = 32
/** Tries at "name (n).ext" before giving up on a free name. */
export const maxNameAttempts = 100
/** Used when nothing of a name survives sanitizing. */
export const fallbackFileName = 'file'

/** Characters Windows forbids in names (the separators '/' and '\' included). */
const windowsForbidden = new Set(['<', '>', ':', '"', '/', '\\', '|', '?', '*'])
/** Names Windows reserves for devices, with or without an extension. */
const windowsReserved = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i
/** Extensions Chromium refuses to write (shell links): such names get a harmless suffix. */
const blockedExtensions = /\.(lnk|local)$/i
/** Longest extension kept whole when a long name is shortened. */
const maxKeptExtensionChars = 16

/** Control characters (C0, DEL, C1) and the invisible bidi controls that can disguise an extension. */
const isHiddenChar = (codePoint: number): boolean =>
  codePoint <= 0x1f ||
  (codePoint >= 0x7f && codePoint <= 0x9f) ||
  codePoint === 0x200e ||
  codePoint === 0x200f ||
  (codePoint >= 0x202a && codePoint <= 0x202e) ||
  (codePoint >= 0x2066 && codePoint <= 0x2069)

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes, cut between code points. */
const truncateUtf8 = (text: string, maxBytes: number): string => {
  let bytes = 0
  let result = ''
  for (const char of text) {
    bytes += utf8Bytes(char)
    if (bytes > maxBytes) break
    result += char
  }
  return result
}

/** Windows drops trailing dots and spaces, which would make two names one. */
const trimName = (name: string): string => name.trim().replace(/[. ]+$/, '')

/** Shortens a name to maxPickedNameBytes, keeping a short extension. */
const boundName = (name: string): string => {
  if (utf8Bytes(name) <= maxPickedNameBytes) return name
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 && name.length - dot <= maxKeptExtensionChars ? name.slice(dot) : ''
  const stem = extension === '' ? name : name.slice(0, dot)
  return trimName(truncateUtf8(stem, maxPickedNameBytes - utf8Bytes(extension))) + extension
}

/**
 * One path segment made safe to create on any common file system: hidden characters stripped,
 * characters Windows forbids replaced by '_', trailing dots and spaces dropped, device names and
 * blocked extensions defused, length bounded. '' when nothing is left ('', '.', '..').
 */
export const sanitizeName = (segment: string): string => {
  let name = ''
  for (const char of segment) {
    const codePoint = char.codePointAt(0) ?? 0
    if (isHiddenChar(codePoint)) continue
    name += windowsForbidden.has(char) ? '_' : char
  }
  name = trimName(name)
  if (name === '' || name === '.' || name === '..') return ''
  if (windowsReserved.test(name)) name = `_${name}`
  if (blockedExtensions.test(name)) name = `${name}_`
  return trimName(boundName(name))
}

/**
 * A peer's relative path ('/'-separated, the last segment the file name) as safe segments: empty,
 * '.' and '..' segments dropped (so '../x' and '/abs' stay inside the folder), each segment
 * sanitized, at most maxPickedFolderDepth folders. Never empty: the last segment is the file name.
 */
export const sanitizeRelativePath = (path: string): string[] => {
  const segments = path
    .split('/')
    .map(sanitizeName)
    .filter((segment) => segment !== '')
  const fileName = segments.pop() ?? fallbackFileName
  return [...segments.slice(0, maxPickedFolderDepth), fileName]
}

/** "name (n).ext": the n-th alternative to a name that is taken. */
const numberedName = (name: string, n: number): string => {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`
}

const isTaken = async (dir: DirectoryHandleLike, name: string): Promise<boolean> => {
  try {
    await dir.getFileHandle(name)
    return true
  } catch (error) {
    const reason = errorName(error)
    if (reason === 'NotFoundError') return false
    if (reason === 'TypeMismatchError') return true // a folder of that name
    throw error
  }
}

/** A name not yet used in `dir`, so a received file never replaces one the person has. */
const freeName = async (dir: DirectoryHandleLike, name: string): Promise<string> => {
  for (let n = 0; n < maxNameAttempts; n++) {
    const candidate = n === 0 ? name : numberedName(name, n)
    if (!(await isTaken(dir, candidate))) return candidate
  }
  throw new Error(`ferry: no free name for ${name} in the chosen folder`)
}

/**
 * A sink for one file of a transfer saved into a picked folder, at its sanitized relative path
 * (folders created as needed). Abort removes the file, which we created.
 */
export const createPickedFolderSink = (
  root: DirectoryHandleLike,
  file: Pick<OfferedFile, 'name' | 'path' | 'type'>,
): Sink =>
  createLazySink(async () => {
    const segments = sanitizeRelativePath(file.path ?? file.name)
    const fileName = segments.pop() ?? fallbackFileName
    let dir = root
    for (const folder of segments) dir = await dir.getDirectoryHandle(folder, { create: true })
    const name = await freeName(dir, fileName)
    const handle = await dir.getFileHandle(name, { create: true })
    try {
      return await openWritableSink(handle, file.type, () => removeEntryQuietly(dir, name))
    } catch (error) {
      await removeEntryQuietly(dir, name).catch(() => undefined)
      throw error
    }
  })

/**
 * A sink for the file the person picked with showSaveFilePicker. The bytes go to a swap file
 * until close, so abort leaves whatever the file held before; it removes the file only if it is
 * empty (created by the picker) and the browser can remove it: a person's data is never deleted.
 */
export const createPickedFileSink = (handle: FileHandleLike, type: string): Sink =>
  createLazySink(() =>
    openWritableSink(handle, type, async () => {
      if (handle.remove === undefined) return
      if ((await handle.getFile()).size === 0) await handle.remove()
    }),
  )

/** The File System Access pickers, where the browser has them (Chromium on desktop). */
export interface PickerApi {
  showSaveFilePicker?(options?: {
    suggestedName?: string
    id?: string
    startIn?: string
  }): Promise<FileHandleLike>
  showDirectoryPicker?(options?: {
    id?: string
    mode?: 'read' | 'readwrite'
    startIn?: string
  }): Promise<DirectoryHandleLike>
}

const browserPickers = (): PickerApi => globalThis as unknown as PickerApi

/** Whether this browser lets the person pick where `fileCount` received files go. */
export const canPickDestination = (
  fileCount: number,
  api: PickerApi = browserPickers(),
): boolean =>
  fileCount === 1
    ? typeof api.showSaveFilePicker === 'function'
    : typeof api.showDirectoryPicker === 'function'

/**
 * Asks the person where to save the offered files: a file for one, a folder for several. Call it
 * straight from the click that accepts (pickers need user activation), after canPickDestination.
 * Resolves null when the person closes the picker; other failures (no picker, not allowed here)
 * reject.
 */
export const pickDestination = async (
  files: readonly Pick<OfferedFile, 'name'>[],
  api: PickerApi = browserPickers(),
): Promise<Destination | null> => {
  try {
    const [only] = files
    if (files.length === 1 && only !== undefined) {
      if (api.showSaveFilePicker === undefined) throw new Error('ferry: no showSaveFilePicker')
      const handle = await api.showSaveFilePicker({
        suggestedName: sanitizeName(only.name) || fallbackFileName,
        id: 'ferry-save',
        startIn: 'downloads',
      })
      return { kind: 'file', handle }
    }
    if (api.showDirectoryPicker === undefined) throw new Error('ferry: no showDirectoryPicker')
    const handle = await api.showDirectoryPicker({
      id: 'ferry-save-folder',
      mode: 'readwrite',
      startIn: 'downloads',
    })
    return { kind: 'folder', handle }
  } catch (error) {
    if (errorName(error) === 'AbortError') return null
    throw error
  }
}
