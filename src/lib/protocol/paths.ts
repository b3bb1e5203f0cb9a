/**
 * File names and relative paths that are safe to create on every file system a receiver may save
 * to (and inside a zip someone else extracts). Names and paths from a peer are untrusted: the
 * offer validator refuses any that is not safe, and the save step checks again with
 * safeRelativePath. Names and paths of our own files go through safeFileName /
 * sanitizeRelativePath before they are offered, so an honest sender never has an offer refused.
 */
import { maxFileNameChars, maxPathChars } from './limits.ts'

/**
 * Characters no name may hold: C0 and C1 controls, DEL, the path separators of every system, and
 * what Windows refuses (':' also makes drive letters such as 'C:' and NTFS alternate streams).
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const forbiddenCharacters = /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|]/u

/**
 * Invisible characters that reorder or disguise what a person reads ('photo\u202Egpj.exe' shows
 * as 'photoexe.jpg'): the bidi embeddings and overrides, isolates, and marks.
 */
const bidiControls = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u

/** Half of a surrogate pair without its other half: not a character, and no file system takes it. */
const loneSurrogate = /[\ud800-\udfff]/u

/**
 * Names Windows keeps for devices, with or without an extension ('con.txt' is the console too),
 * including the superscript-digit ports recent Windows versions reserve.
 */
const reservedName = /^(con|prn|aux|nul|conin\$|conout\$|com[1-9¹²³]|lpt[1-9¹²³]) *(\.|$)/iu

/** Windows drops trailing dots and spaces, so 'a.' and 'a' would be the same file; '.' and '..' end in one too. */
const trailingDotOrSpace = /[. ]$/u

/** True when `name` can be created as one path segment anywhere, unchanged. */
export const isSafeFileName = (name: string): boolean =>
  name.length > 0 &&
  name.length <= maxFileNameChars &&
  !forbiddenCharacters.test(name) &&
  !bidiControls.test(name) &&
  !loneSurrogate.test(name) &&
  !trailingDotOrSpace.test(name) &&
  !reservedName.test(name)

/**
 * The path as a relative path of safe names, or null when it cannot be one.
 * Empty and '.' segments are dropped ('a//./b' is 'a/b'); an absolute path (leading '/'), a '..'
 * segment or any unsafe name refuses the whole path, since no repair of it is trustworthy.
 */
export const safeRelativePath = (path: string): string | null => {
  if (path.startsWith('/')) return null
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.')
  if (segments.length === 0 || !segments.every(isSafeFileName)) return null
  const safe = segments.join('/')
  return safe.length <= maxPathChars ? safe : null
}

/** True when `path` is already a safe relative path in canonical form (what an offer must carry). */
export const isSafeRelativePath = (path: string): boolean => safeRelativePath(path) === path

/** Extensions up to this long survive when a long name is shortened. */
const maxKeptExtensionChars = 16

/** The first `maxChars` UTF-16 units of `text`, never splitting a surrogate pair. */
const truncateCodePoints = (text: string, maxChars: number): string => {
  let kept = ''
  for (const codePoint of text) {
    if (kept.length + codePoint.length > maxChars) break
    kept += codePoint
  }
  return kept
}

/** Shortens a name to `maxChars`, keeping a short extension ('long….jpg'). */
const truncateName = (name: string, maxChars: number): string => {
  if (name.length <= maxChars) return name
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 ? name.slice(dot) : ''
  if (extension.length === 0 || extension.length > maxKeptExtensionChars) {
    return truncateCodePoints(name, maxChars)
  }
  return truncateCodePoints(name.slice(0, dot), maxChars - extension.length) + extension
}

const stripTrailingDotsAndSpaces = (name: string): string => name.replace(/[. ]+$/u, '')

/**
 * A safe name made from any string, for our own files before they are offered and for whatever
 * is shown or saved: invisible reordering characters are removed, forbidden characters become
 * '_', trailing dots and spaces go, reserved names get a leading '_', long names are shortened.
 * A name that is safe already comes back unchanged.
 */
export const safeFileName = (name: string, fallback = 'unnamed'): string => {
  const cleaned = name
    .replace(new RegExp(bidiControls.source, 'gu'), '')
    .replace(new RegExp(forbiddenCharacters.source, 'gu'), '_')
    .replace(new RegExp(loneSurrogate.source, 'gu'), '_')
  let safe = stripTrailingDotsAndSpaces(truncateName(cleaned, maxFileNameChars)) || fallback
  if (reservedName.test(safe)) {
    safe = stripTrailingDotsAndSpaces(truncateName(`_${safe}`, maxFileNameChars)) || fallback
  }
  return safe
}

/**
 * Our own relative path ('photos/2024/a.jpg', from a folder the person chose) with every segment
 * made safe by safeFileName; empty and '.' segments are dropped. Null when nothing is left.
 * The result may still be longer than maxPathChars: the offer is then refused as too large.
 */
export const sanitizeRelativePath = (path: string): string | null => {
  const segments = path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .map((segment) => safeFileName(segment))
  return segments.length === 0 ? null : segments.join('/')
}
