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

/** What the service worker can see of where a share came from. */
export interface ShareRequest {
  /** '' when the request carried none (the OS share sheet sends none). */
  referrer: string
  headers: { get(name: string): string | null }
}

/**
 * Whether a post to the share target is one the OS share sheet (or Ferry itself) made: no referrer,
 * or one of Ferry's own pages, and no Sec-Fetch-Site saying another site sent it. A form on
 * another site is refused, so it cannot stage files or text in Ferry. What this cannot tell: a
 * site that hides its referrer (referrerpolicy="no-referrer") looks like the share sheet, since a
 * service worker does not see Sec-Fetch-Site; what it stages is still only sent when the person
 * picks a device and sends it.
 */
export const isOwnShare = (request: ShareRequest, appOrigin: string): boolean => {
  const site = request.headers.get('Sec-Fetch-Site')
  if (site !== null && site !== 'same-origin' && site !== 'none') return false
  if (request.referrer === '') return true
  try {
    return new URL(request.referrer).origin === appOrigin
  } catch {
    return false
  }
}
