/**
 * Letting the person pick where a transfer is saved (File System Access: showSaveFilePicker for
 * one file, showDirectoryPicker for several). The sinks that write there are in picked-sink.ts,
 * loaded when a transfer first needs one.
 */
import { errorName, type DirectoryHandleLike, type FileHandleLike } from './disk-sink.ts'
import { savedName } from '../protocol/paths.ts'
import type { OfferedFile } from './types.ts'

/** Where the person chose to save a transfer's files. */
export type Destination =
  /** One file (showSaveFilePicker); receives the transfer's file 0. */
  | { kind: 'file'; handle: FileHandleLike }
  /** A folder (showDirectoryPicker); each file goes to its relative path inside it. */
  | { kind: 'folder'; handle: DirectoryHandleLike }

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
