/**
 * Things ready to send that were not sent to anyone yet: shared from the OS, opened with Ferry,
 * pasted, or dropped outside a device. The tray (StagedTray.svelte) sends them to a device or all.
 */
import { maxFilesPerOffer } from '../../lib/protocol/limits.ts'
import type { OutgoingFile } from '../../lib/transfer/types.ts'

export type StagedItem =
  { id: number; kind: 'file'; file: OutgoingFile } | { id: number; kind: 'text'; text: string }

export class StagedItems {
  items = $state<StagedItem[]>([])
  readonly files = $derived(this.items.flatMap((item) => (item.kind === 'file' ? [item.file] : [])))
  readonly texts = $derived(this.items.flatMap((item) => (item.kind === 'text' ? [item.text] : [])))
  #nextId = 1

  /** Adds files, up to what one offer may carry; returns how many were added. */
  addFiles(files: readonly OutgoingFile[]): number {
    const room = Math.max(0, maxFilesPerOffer - this.files.length)
    const added = files
      .slice(0, room)
      .map((file): StagedItem => ({ id: this.#nextId++, kind: 'file', file }))
    if (added.length > 0) this.items = [...this.items, ...added]
    return added.length
  }

  addText(text: string): void {
    if (text.trim() === '') return
    this.items = [...this.items, { id: this.#nextId++, kind: 'text', text }]
  }

  remove(id: number): void {
    this.items = this.items.filter((item) => item.id !== id)
  }

  clear(): void {
    this.items = []
  }
}

/** A file as the core sends it. */
export const outgoing = (file: File): OutgoingFile => ({
  blob: file,
  name: file.name,
  type: file.type,
})
