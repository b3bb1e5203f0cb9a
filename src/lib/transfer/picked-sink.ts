/**
 * Sinks that write received files straight to a place the person picked (File System Access:
 * showSaveFilePicker for one file, showDirectoryPicker for several), through createWritable().
 * Paths in a picked folder come from the peer, so they go through protocol/paths.ts (savedPath)
 * before they touch the disk, and existing files are never overwritten. The pickers themselves are
 * in pickers.ts; this module is loaded only once a transfer is saved to a picked place.
 */
import {
  createLazySink,
  errorName,
  openWritableSink,
  removeEntryQuietly,
  type DirectoryHandleLike,
  type FileHandleLike,
} from './disk-sink.ts'
import { fallbackSavedName, savedPath } from '../protocol/paths.ts'
import type { OfferedFile, Sink } from './types.ts'

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
