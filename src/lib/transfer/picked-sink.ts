/**
 * Sinks that write received files straight to a place the person picked (File System Access:
 * showSaveFilePicker for one file, showDirectoryPicker for several), through createWritable().
 * Paths in a picked folder come from the peer, so they go through protocol/paths.ts (savedPath)
 * before they touch the disk, and existing files are never overwritten.
 */
import {
  createLazySink,
  errorName,
  openWritableSink,
  removeEntryQuietly,
  type DirectoryHandleLike,
  type FileHandleLike,
} from './disk-sink.ts'
import { fallbackSavedName, savedName, savedPath } from '../protocol/paths.ts'
import type { OfferedFile, Sink } from './types.ts'

/** Where the person chose to save a transfer's files. */
export type Destination =
  /** One file (showSaveFilePicker); receives the transfer's file 0. */
  | { kind: 'file'; handle: FileHandleLike }
  /** A folder (showDirectoryPicker); each file goes to its relative path inside it. */
  | { kind: 'folder'; handle: DirectoryHandleLike }

/** Tries at "name (n).ext" before giving up on a free name. */
export const maxNameAttempts = 100

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
 * A sink for one file of a transfer saved into a picked folder, at its safe relative path
 * (folders created as needed). Abort removes the file, which we created.
 */
export const createPickedFolderSink = (
  root: DirectoryHandleLike,
  file: Pick<OfferedFile, 'name' | 'path' | 'type'>,
): Sink =>
  createLazySink(async () => {
    const segments = savedPath(file.path, file.name)
    const fileName = segments.pop() ?? fallbackSavedName
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
        suggestedName: savedName(only.name),
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
