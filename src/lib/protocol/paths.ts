/**
 * File names and relative paths that are safe to create on every file system a receiver may save
 * to (and inside a zip someone else extracts): Ferry's one sanitiser. Names and paths from a peer
 * are untrusted: the offer validator refuses any that is not safe, and every save step (a picked
 * file or folder, a zip entry, a download) goes through savedName / savedPath / safeRelativePath
 * again. Names and paths of our own files go through safeFileName / sanitizeRelativePath before
 * they are offered, so an honest sender never has an offer refused.
 */
import {
  maxFileNameBytes,
  maxFileNameChars,
  maxPathChars,
  maxSavedFolderDepth,
  maxSavedNameBytes,
} from './limits.ts'
import { utf8Bytes } from './utf8.ts'

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

/**
 * Characters that show as nothing, or as a blank, and so hide what a name says: zero-width spaces
 * and joiners, the BOM, soft hyphen, word joiner and invisible operators, line and paragraph
 * separators, Hangul fillers, interlinear annotation marks and tag characters. (Variation selectors
 * stay: emoji need them.)
 */
const invisibleCharacters =
  // eslint-disable-next-line no-misleading-character-class -- each of these, alone, is the point
  /[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200d\u2028\u2029\u2060-\u2064\u206a-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}]/u

/** Real scripts stack a few marks on a letter; longer runs ("Zalgo" text) only smear over the line. */
const maxCombiningRun = 4
const combiningRun = new RegExp(`([\\p{Mn}\\p{Me}]{${maxCombiningRun}})[\\p{Mn}\\p{Me}]+`, 'gu')

/**
 * Text from a peer (a device or file name) without what could disguise it: bidi controls and
 * invisible characters removed, runs of combining marks cut to maxCombiningRun. Applied where
 * names enter (control.ts) and by safeFileName; isSafeFileName refuses what it would change.
 */
export const withoutInvisibles = (text: string): string =>
  text
    .replace(new RegExp(bidiControls.source, 'gu'), '')
    // eslint-disable-next-line no-misleading-character-class -- as for invisibleCharacters
    .replace(new RegExp(invisibleCharacters.source, 'gu'), '')
    .replace(combiningRun, '$1')

/** Half of a surrogate pair without its other half: not a character, and no file system takes it. */
const loneSurrogate = /[\ud800-\udfff]/u

/**
 * Names Windows keeps for devices, with or without an extension ('con.txt' is the console too),
 * including the superscript-digit ports recent Windows versions reserve.
 */
const reservedName = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³]) *(\.|$)/iu

/** Windows drops trailing dots and spaces, so 'a.' and 'a' would be the same file; '.' and '..' end in one too. */
const trailingDotOrSpace = /[. ]$/u

/** True when `name` can be created as one path segment anywhere, unchanged. */
export const isSafeFileName = (name: string): boolean =>
  name.length > 0 &&
  name.length <= maxFileNameChars &&
  utf8Bytes(name) <= maxFileNameBytes &&
  !forbiddenCharacters.test(name) &&
  !bidiControls.test(name) &&
  withoutInvisibles(name) === name &&
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

/** A length bound in UTF-16 units and in UTF-8 bytes. */
interface Bound {
  chars: number
  bytes: number
}

/** The longest prefix of `text` within `bound`, never splitting a surrogate pair. */
const truncateCodePoints = (text: string, bound: Bound): string => {
  let kept = ''
  let bytes = 0
  for (const codePoint of text) {
    const codePointBytes = utf8Bytes(codePoint)
    if (kept.length + codePoint.length > bound.chars || bytes + codePointBytes > bound.bytes) break
    kept += codePoint
    bytes += codePointBytes
  }
  return kept
}

/** Shortens a name to `bound`, keeping a short extension ('long….jpg'). */
const truncateName = (name: string, bound: Bound): string => {
  if (name.length <= bound.chars && utf8Bytes(name) <= bound.bytes) return name
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 ? name.slice(dot) : ''
  if (extension.length === 0 || extension.length > maxKeptExtensionChars) {
    return truncateCodePoints(name, bound)
  }
  const stemBound = {
    chars: bound.chars - extension.length,
    bytes: bound.bytes - utf8Bytes(extension),
  }
  return truncateCodePoints(name.slice(0, dot), stemBound) + extension
}

const stripTrailingDotsAndSpaces = (name: string): string => name.replace(/[. ]+$/u, '')

/**
 * A safe name made from any string, for our own files before they are offered and for whatever
 * is shown or saved: invisible and reordering characters are removed (withoutInvisibles), forbidden characters become
 * '_', trailing dots and spaces go, reserved names get a leading '_', long names are shortened.
 * A name that is safe already comes back unchanged.
 */
export const safeFileName = (
  name: string,
  fallback = 'unnamed',
  maxBytes = maxFileNameBytes,
): string => {
  const bound = { chars: maxFileNameChars, bytes: Math.min(maxBytes, maxFileNameBytes) }
  const cleaned = withoutInvisibles(name)
    .replace(new RegExp(forbiddenCharacters.source, 'gu'), '_')
    .replace(new RegExp(loneSurrogate.source, 'gu'), '_')
  let safe = stripTrailingDotsAndSpaces(truncateName(cleaned, bound)) || fallback
  if (reservedName.test(safe)) {
    safe = stripTrailingDotsAndSpaces(truncateName(`_${safe}`, bound)) || fallback
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

/** Extensions Chromium refuses to write through File System Access (shell links, DLL redirection). */
const blockedExtension = /\.(lnk|local)$/iu

/** Used when nothing of a name survives. */
export const fallbackSavedName = 'file'

/**
 * The name a received file (or a folder on its path) is saved under, in a picked folder, a zip or a
 * download: safeFileName within maxSavedNameBytes (room for a ' (99)' suffix and the '.crswap'
 * Chromium adds to its swap files), with a shell-link extension defused ('x.lnk' → 'x.lnk_').
 */
export const savedName = (name: string): string => {
  const safe = safeFileName(name, fallbackSavedName, maxSavedNameBytes)
  return blockedExtension.test(safe) ? `${safe}_` : safe
}

/**
 * Where a received file is saved, as segments under the destination, the last one its name. The
 * offered path is kept only when it is a safe relative path (every segment safe: no '..', no
 * absolute path, no drive letter) of at most maxSavedFolderDepth folders; otherwise the file is
 * saved at the top, under its name alone. Every segment goes through savedName.
 */
export const savedPath = (path: string | undefined, name: string): string[] => {
  const safe = path === undefined ? null : safeRelativePath(path)
  const segments = safe?.split('/') ?? []
  if (segments.length === 0 || segments.length > maxSavedFolderDepth + 1) {
    return [savedName(name)]
  }
  return segments.map(savedName)
}
