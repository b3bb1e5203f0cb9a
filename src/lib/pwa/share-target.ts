/**
 * The Web Share Target: what the OS share menu posts to Ferry (the manifest's `share_target`,
 * handled by sw.ts), read into files and one text. Plain functions, used by the service worker.
 */
import { maxFilesPerOffer, maxTextChars } from '../protocol/limits.ts'

/** Where the manifest tells the OS to post shares, relative to the app's scope. */
export const shareTargetPath = 'share-target'

/** The form fields the manifest names (share_target.params). */
export const shareFields = { title: 'title', text: 'text', url: 'url', files: 'files' } as const

export interface SharedItems {
  files: File[]
  /** Title, text and link of the share in one message, or null when it carried none. */
  text: string | null
}

/** Reads a share's form. Anything past the protocol's limits is left out rather than refused. */
export const sharedItemsFromForm = (form: FormData): SharedItems => {
  const files = form
    .getAll(shareFields.files)
    .filter((entry): entry is File => typeof entry !== 'string' && entry.name !== '')
    .slice(0, maxFilesPerOffer)
  const parts: string[] = []
  for (const field of [shareFields.title, shareFields.text, shareFields.url]) {
    const value = form.get(field)
    const trimmed = typeof value === 'string' ? value.trim() : ''
    // Android often repeats the link inside the text: say it once.
    if (trimmed && !parts.some((part) => part.includes(trimmed))) parts.push(trimmed)
  }
  const text = parts.join('\n').slice(0, maxTextChars)
  return { files, text: text === '' ? null : text }
}

/** A fresh id for one share: where the app finds it again (launch.ts reads it from the address). */
export const newShareId = (): string => crypto.randomUUID()
