/** How an offer of files and folders reads to a person: top folders with counts, then loose files. */
import type { FileProgress } from '../lib/transfer/types.ts'
import { t } from './i18n/i18n.svelte.ts'

export interface FolderSummary {
  /** The top folder's name, as sent. */
  name: string
  files: number
  bytes: number
  emptyFolders: number
}

export interface TreeSummary {
  folders: FolderSummary[]
  /** Files outside any folder, in offer order. */
  loose: FileProgress[]
}

const topFolder = (path: string | undefined): string | null => {
  const slash = path?.indexOf('/') ?? -1
  return path !== undefined && slash > 0 ? path.slice(0, slash) : null
}

export const summarizeTree = (
  files: readonly FileProgress[],
  emptyFolders: readonly string[] = [],
): TreeSummary => {
  const folders = new Map<string, FolderSummary>()
  const folder = (name: string): FolderSummary => {
    let summary = folders.get(name)
    if (!summary) {
      summary = { name, files: 0, bytes: 0, emptyFolders: 0 }
      folders.set(name, summary)
    }
    return summary
  }
  const loose: FileProgress[] = []
  for (const file of files) {
    const top = topFolder(file.path)
    if (top === null) {
      loose.push(file)
      continue
    }
    const summary = folder(top)
    summary.files += 1
    summary.bytes += file.size
  }
  for (const path of emptyFolders) {
    const top = topFolder(path)
    // A top folder that is itself empty is listed, with nothing to count in it.
    if (top === null) folder(path)
    else folder(top).emptyFolders += 1
  }
  return { folders: [...folders.values()], loose }
}

/** 'photos/ (52 files, 1 empty folder)', 'empty/ (empty)'. */
export const folderText = (folder: FolderSummary): string => {
  const parts: string[] = []
  if (folder.files > 0) parts.push(t('tree.files', { count: folder.files }))
  if (folder.emptyFolders > 0) parts.push(t('tree.emptyFolders', { count: folder.emptyFolders }))
  const contents = parts.length > 0 ? parts.join(t('tree.listSeparator')) : t('tree.empty')
  return t('tree.folder', { name: folder.name, contents })
}
