/**
 * Turns what a person chose or dropped into what sendFiles takes: files with their paths relative
 * to the chosen folder's parent ('photos/2024/a.jpg'), and the folders that hold nothing, so that
 * empty folders survive the trip. Files are only referenced, never read here.
 */
import { ProtocolError } from '../protocol/errors.ts'
import { maxFilesPerOffer, maxFoldersPerOffer, maxPathChars } from '../protocol/limits.ts'
import type { OutgoingFile } from './types.ts'

/** Files to offer, and the empty folders among them (relative paths). */
export interface PickedTree {
  files: OutgoingFile[]
  folders: string[]
}

/** The part of the File and Directory Entries API we use; FileSystemEntry satisfies it. */
export interface TreeEntry {
  readonly name: string
  readonly isFile: boolean
  readonly isDirectory: boolean
}

export interface TreeFileEntry extends TreeEntry {
  file(success: (file: File) => void, failure?: (error: DOMException) => void): void
}

export interface TreeDirectoryReader {
  /** Hands over the next batch of children (Chromium: at most 100); an empty batch means no more. */
  readEntries(
    success: (entries: TreeEntry[]) => void,
    failure?: (error: DOMException) => void,
  ): void
}

export interface TreeDirectoryEntry extends TreeEntry {
  createReader(): TreeDirectoryReader
}

/** A DataTransferItem as far as we use it. */
export interface DroppedItem {
  readonly kind: string
  webkitGetAsEntry(): TreeEntry | null
}

export interface TreeLimits {
  /** Files and folders visited, together; a drop of a whole disk stops here. */
  maxEntries: number
  maxFiles: number
  maxEmptyFolders: number
}

export const defaultTreeLimits: TreeLimits = {
  maxEntries: maxFilesPerOffer + maxFoldersPerOffer,
  maxFiles: maxFilesPerOffer,
  maxEmptyFolders: maxFoldersPerOffer,
}

const isFileEntry = (entry: TreeEntry): entry is TreeFileEntry => entry.isFile && 'file' in entry

const isDirectoryEntry = (entry: TreeEntry): entry is TreeDirectoryEntry =>
  entry.isDirectory && 'createReader' in entry

const byName = (a: TreeEntry, b: TreeEntry): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error)

const readFile = (entry: TreeFileEntry, path: string): Promise<File> =>
  new Promise((resolve, reject) =>
    entry.file(resolve, (error) =>
      reject(new ProtocolError('read-failed', `${path}: ${describeError(error)}`)),
    ),
  )

/** Every child of a directory: readEntries hands them out in batches until one comes back empty. */
const readChildren = async (entry: TreeDirectoryEntry, path: string): Promise<TreeEntry[]> => {
  const reader = entry.createReader()
  const children: TreeEntry[] = []
  for (;;) {
    const batch = await new Promise<TreeEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, (error) =>
        reject(new ProtocolError('read-failed', `${path}/: ${describeError(error)}`)),
      ),
    )
    if (batch.length === 0) return children
    children.push(...batch)
  }
}

/**
 * Reads dropped entries (files and whole folders) into a tree. A dropped file is a loose file (no
 * path); a dropped folder contributes its files with paths that start with its name, and each of
 * its folders that holds nothing at all. Children are read in name order.
 * Rejects with ProtocolError: 'too-large' past a limit or maxPathChars, 'read-failed' when the
 * browser cannot read an entry.
 */
export const readEntryTree = async (
  entries: readonly TreeEntry[],
  limits: TreeLimits = defaultTreeLimits,
): Promise<PickedTree> => {
  const tree: PickedTree = { files: [], folders: [] }
  let visited = 0

  const count = (path: string): void => {
    visited += 1
    if (visited > limits.maxEntries) {
      throw new ProtocolError('too-large', `more than ${limits.maxEntries} files and folders`)
    }
    if (path.length > maxPathChars) {
      throw new ProtocolError('too-large', `a path longer than ${maxPathChars} characters`)
    }
  }

  const visit = async (entry: TreeEntry, parent: string | null): Promise<void> => {
    const path = parent === null ? entry.name : `${parent}/${entry.name}`
    count(path)
    if (isFileEntry(entry)) {
      if (tree.files.length >= limits.maxFiles) {
        throw new ProtocolError('too-large', `more than ${limits.maxFiles} files`)
      }
      const file = await readFile(entry, path)
      tree.files.push({
        blob: file,
        name: entry.name,
        type: file.type,
        ...(parent === null ? {} : { path }),
      })
      return
    }
    if (!isDirectoryEntry(entry)) return
    const children = await readChildren(entry, path)
    if (children.length === 0) {
      if (tree.folders.length >= limits.maxEmptyFolders) {
        throw new ProtocolError('too-large', `more than ${limits.maxEmptyFolders} empty folders`)
      }
      tree.folders.push(path)
      return
    }
    for (const child of children.sort(byName)) await visit(child, path)
  }

  for (const entry of entries) await visit(entry, null)
  return tree
}

/**
 * The entries of a drop, read while the drop event runs (the list empties afterwards); null when
 * the browser has no entries for some file item, so the caller falls back to its plain files.
 */
export const droppedEntries = (items: Iterable<DroppedItem>): TreeEntry[] | null => {
  const entries: TreeEntry[] = []
  for (const item of items) {
    if (item.kind !== 'file') continue
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null
    if (entry === null) return null
    entries.push(entry)
  }
  return entries
}

/**
 * Files from an <input type="file"> (with webkitdirectory: each carries its webkitRelativePath,
 * 'photos/2024/a.jpg'). Such an input lists files only, so empty folders cannot be known here.
 */
export const treeFromFiles = (files: Iterable<File>): PickedTree => ({
  files: [...files].map((file) => {
    const relative = (file as { webkitRelativePath?: string }).webkitRelativePath ?? ''
    return {
      blob: file,
      name: file.name,
      type: file.type,
      ...(relative.includes('/') ? { path: relative } : {}),
    }
  }),
  folders: [],
})
