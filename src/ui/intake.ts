/**
 * Files and text that reach the page from outside a device card: pasted anywhere, dropped
 * anywhere, or opened with Ferry from the OS (File Handling API). Each ends in the staging tray.
 */
import { droppedEntries, readEntryTree, type PickedTree } from '../lib/transfer/pick-tree.ts'
import type { OutgoingFile } from '../lib/transfer/types.ts'
import { outgoing } from './state/staged.svelte.ts'

export interface Intake {
  files(files: OutgoingFile[]): void
  text(text: string): void
  /** A dropped folder could not be read (ProtocolError 'too-large' or 'read-failed'). */
  failed(error: unknown): void
}

const isEditable = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))

/** A paste outside a text field stages its files, or else its text. */
export const takePaste = (event: ClipboardEvent, intake: Intake): void => {
  const data = event.clipboardData
  if (!data) return
  const files = [...data.files]
  if (files.length > 0) {
    event.preventDefault()
    intake.files(files.map(outgoing))
    return
  }
  if (isEditable(event.target)) return
  const text = data.getData('text/plain')
  if (text.trim() === '') return
  event.preventDefault()
  intake.text(text)
}

/** Lets files be dropped anywhere on the page. */
export const allowDrop = (event: DragEvent): void => {
  if (event.dataTransfer?.types.includes('Files')) event.preventDefault()
}

/** A drop that no device card took stages its files, folders read with their paths. */
export const takeDrop = (event: DragEvent, intake: Intake): void => {
  const data = event.dataTransfer
  if (event.defaultPrevented || !data) return
  event.preventDefault()
  // Entries must be taken while the event runs; folders are read from them afterwards.
  const entries = droppedEntries(data.items)
  if (entries === null) {
    const files = [...data.files]
    if (files.length > 0) intake.files(files.map(outgoing))
    return
  }
  if (entries.length === 0) return
  readEntryTree(entries).then(
    (tree: PickedTree) => intake.files(tree.files),
    (error: unknown) => intake.failed(error),
  )
}

interface LaunchParams {
  files: readonly FileSystemHandle[]
}
interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void): void
}

/** Files opened with Ferry from the OS, where the browser has the File Handling API. */
export const listenForLaunchedFiles = (intake: Intake): void => {
  const queue = (globalThis as { launchQueue?: LaunchQueue }).launchQueue
  queue?.setConsumer((params) => {
    const handles = params.files.filter(
      (handle): handle is FileSystemFileHandle => handle.kind === 'file',
    )
    if (handles.length === 0) return
    Promise.all(handles.map((handle) => handle.getFile())).then(
      (files) => intake.files(files.map(outgoing)),
      (error: unknown) => intake.failed(error),
    )
  })
}
