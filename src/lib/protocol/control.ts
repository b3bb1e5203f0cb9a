/**
 * Control messages: small JSON objects with a `type` discriminant, validated once, here, at the
 * boundary. Unknown extra properties are stripped (a newer peer may add optional fields); a
 * missing, mistyped or out-of-bounds field refuses the whole message.
 */
import * as v from 'valibot'
import { ProtocolError, type ProtocolErrorCode } from './errors.ts'
import { isTransferId, transferIdPattern } from './ids.ts'
import {
  maxControlMessageBytes,
  maxDeviceNameChars,
  maxErrorCodeChars,
  maxFileBytes,
  maxFileNameBytes,
  maxFileNameChars,
  maxFilesPerOffer,
  maxFoldersPerOffer,
  maxMimeChars,
  maxOfferBytes,
  maxPathChars,
  maxPreviewChars,
  maxPreviewsPerOffer,
  previewTypes,
  maxReasonChars,
  maxTextChars,
  protocolVersion,
} from './limits.ts'
import { isSafeFileName, isSafeRelativePath, withoutInvisibles } from './paths.ts'
import { utf8Bytes } from './utf8.ts'

export { utf8Bytes }

export const deviceKinds = ['phone', 'tablet', 'laptop', 'desktop', 'unknown'] as const
/** What kind of device a peer is, for its icon. */
export type DeviceKind = (typeof deviceKinds)[number]

export const declineReasons = ['user', 'busy', 'too-large', 'invalid'] as const
/** Why a receiver declined an offer. */
export type DeclineReason = (typeof declineReasons)[number]

const transferId = v.pipe(
  v.string(),
  v.regex(transferIdPattern, 'must be a transfer id (22 characters of base64url)'),
)
const fileIndex = v.pipe(
  v.number(),
  v.safeInteger(),
  v.minValue(0),
  v.maxValue(maxFilesPerOffer - 1),
)
const byteCount = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(maxFileBytes))
const sha256Hex = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'))

// Invisible and reordering characters are dropped as names enter (they only disguise a name);
// otherwise names and paths are refused, never repaired: see paths.ts for what "safe" means.
const fileName = v.pipe(
  v.string(),
  v.transform(withoutInvisibles),
  v.minLength(1),
  v.maxLength(maxFileNameChars),
  v.maxBytes(maxFileNameBytes),
  v.check(isSafeFileName, 'must be a name every file system accepts (see docs/protocol.md)'),
)

const relativePath = v.pipe(
  v.string(),
  v.transform(withoutInvisibles),
  v.minLength(1),
  v.maxLength(maxPathChars),
  v.check(isSafeRelativePath, 'must be a relative path of safe names, in canonical form'),
)

const offeredFileSchema = v.pipe(
  v.object({
    index: fileIndex,
    name: fileName,
    path: v.exactOptional(relativePath),
    size: byteCount,
    type: v.pipe(v.string(), v.maxLength(maxMimeChars)),
  }),
  v.check(
    (file) => file.path === undefined || file.path.split('/').at(-1) === file.name,
    'path must end with the name',
  ),
)
/** One file of an offer: `index` is its position, `path` (for folders) includes the name. */
export type OfferedFile = v.InferOutput<typeof offeredFileSchema>

/** A `data:` URL of a JPEG, WebP or PNG image in canonical base64, and nothing else. */
const previewDataPattern = new RegExp(
  `^data:image/(?:${previewTypes.join('|')});base64,(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`,
)

const previewSchema = v.object({
  /** The file this is a thumbnail of. */
  index: fileIndex,
  data: v.pipe(
    v.string(),
    v.maxLength(maxPreviewChars),
    v.regex(previewDataPattern, 'must be a data: URL of a JPEG, WebP or PNG image in base64'),
  ),
})
/** A small image of one offered file, shown to the receiver before they accept. */
export type OfferPreview = v.InferOutput<typeof previewSchema>

/** A thumbnail an offer may carry: the sender leaves out any other rather than fail the offer. */
export const isPreviewData = (data: string): boolean =>
  data.length <= maxPreviewChars && previewDataPattern.test(data)

const helloSchema = v.object({
  type: v.literal('hello'),
  version: v.literal(protocolVersion),
  name: v.pipe(
    v.string(),
    v.transform(withoutInvisibles),
    v.minLength(1),
    v.maxLength(maxDeviceNameChars),
  ),
  // A kind this version does not know is shown as 'unknown' rather than refused.
  device: v.fallback(v.picklist(deviceKinds), 'unknown'),
})
/** Who a peer is; sent once each way when peers meet. */
export type HelloMessage = v.InferOutput<typeof helloSchema>

const offerSchema = v.object({
  type: v.literal('offer'),
  transfer: transferId,
  files: v.pipe(
    v.array(offeredFileSchema),
    v.minLength(1),
    v.maxLength(maxFilesPerOffer),
    v.check(
      (files) => files.every((file, position) => file.index === position),
      'each file index must equal its position',
    ),
    v.check(
      (files) => files.reduce((total, file) => total + file.size, 0) <= maxOfferBytes,
      `the files must add up to at most ${maxOfferBytes} bytes`,
    ),
  ),
  // Empty folders only (a folder with files is implied by their paths); absent when none.
  folders: v.exactOptional(
    v.pipe(
      v.array(relativePath),
      v.maxLength(maxFoldersPerOffer),
      v.check((folders) => new Set(folders).size === folders.length, 'folders must not repeat'),
    ),
  ),
  // Thumbnails of some image files; absent when none. Optional: an older peer leaves it out.
  previews: v.exactOptional(
    v.pipe(
      v.array(previewSchema),
      v.maxLength(maxPreviewsPerOffer),
      v.check(
        (previews) => new Set(previews.map((p) => p.index)).size === previews.length,
        'previews must be of different files',
      ),
    ),
  ),
})
/** Sender → receiver: these files (and empty folders), under this new transfer id. */
export type OfferMessage = v.InferOutput<typeof offerSchema>

const acceptSchema = v.object({ type: v.literal('accept'), transfer: transferId })
/** Receiver → sender: start streaming. */
export type AcceptMessage = v.InferOutput<typeof acceptSchema>

const declineSchema = v.object({
  type: v.literal('decline'),
  transfer: transferId,
  reason: v.picklist(declineReasons),
})
/** Receiver → sender: no, and why. */
export type DeclineMessage = v.InferOutput<typeof declineSchema>

const resumeSchema = v.object({
  type: v.literal('resume'),
  transfer: transferId,
  file: fileIndex,
  offset: byteCount,
})
/**
 * Receiver → sender: go on with an interrupted transfer from this file and offset (bytes the
 * receiver holds durably); every later file is sent again whole.
 */
export type ResumeMessage = v.InferOutput<typeof resumeSchema>

export const pauseReasons = ['storage-full'] as const
/** Why a receiver paused a transfer. */
export type PauseReason = (typeof pauseReasons)[number]

const pauseSchema = v.object({
  type: v.literal('pause'),
  transfer: transferId,
  reason: v.picklist(pauseReasons),
})
/** Receiver → sender: stop sending until my `resume` (its storage is full). */
export type PauseMessage = v.InferOutput<typeof pauseSchema>

const ackSchema = v.object({
  type: v.literal('ack'),
  transfer: transferId,
  file: fileIndex,
  offset: byteCount,
})
/** Receiver → sender: this many bytes of this file are received and written (cumulative). */
export type AckMessage = v.InferOutput<typeof ackSchema>

const doneSchema = v.object({
  type: v.literal('done'),
  transfer: transferId,
  file: fileIndex,
  sha256: sha256Hex,
})
/** The file's SHA-256: from the sender once all is sent, echoed by the receiver once all is written. */
export type DoneMessage = v.InferOutput<typeof doneSchema>

const cancelSchema = v.object({
  type: v.literal('cancel'),
  transfer: transferId,
  reason: v.exactOptional(v.pipe(v.string(), v.maxLength(maxReasonChars))),
})
/** Either side: stop this transfer. */
export type CancelMessage = v.InferOutput<typeof cancelSchema>

const errorSchema = v.object({
  type: v.literal('error'),
  transfer: v.exactOptional(transferId),
  code: v.pipe(
    v.string(),
    v.maxLength(maxErrorCodeChars),
    v.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase words joined by -'),
  ),
  message: v.exactOptional(v.pipe(v.string(), v.maxLength(maxReasonChars))),
})
/** Either side: something was refused; with `transfer`, that transfer has failed. Never answered. */
export type ErrorMessage = v.InferOutput<typeof errorSchema>

const textSchema = v.object({
  type: v.literal('text'),
  id: transferId,
  text: v.pipe(v.string(), v.minLength(1), v.maxLength(maxTextChars)),
})
/** A message, link or clipboard text. */
export type TextMessage = v.InferOutput<typeof textSchema>

const controlSchema = v.variant('type', [
  helloSchema,
  offerSchema,
  acceptSchema,
  declineSchema,
  resumeSchema,
  pauseSchema,
  ackSchema,
  doneSchema,
  cancelSchema,
  errorSchema,
  textSchema,
])
/** Every control message, discriminated by `type`. */
export type ControlMessage = v.InferOutput<typeof controlSchema>
export type ControlType = ControlMessage['type']

const controlTypes: ReadonlySet<string> = new Set<ControlType>([
  'hello',
  'offer',
  'accept',
  'decline',
  'resume',
  'pause',
  'ack',
  'done',
  'cancel',
  'error',
  'text',
])

export type ParseControlResult =
  | { ok: true; message: ControlMessage }
  | {
      ok: false
      error: ProtocolError
      /** The message's `type`, when it was a known one (an invalid `error` must not be answered). */
      type?: ControlType
      /** The message's `transfer`, when it held a valid id. */
      transfer?: string
    }

/** The size of a message's JSON text in UTF-8 bytes, to check it against maxControlMessageBytes. */
export const controlMessageBytes = (message: ControlMessage): number =>
  utf8Bytes(JSON.stringify(message))

const refuse = (code: ProtocolErrorCode, detail: string): ParseControlResult => ({
  ok: false,
  error: new ProtocolError(code, detail),
})

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const issueCode = (issue: v.BaseIssue<unknown>): ProtocolErrorCode =>
  issue.type === 'max_length' || issue.type === 'max_value' || issue.type === 'max_bytes'
    ? 'too-large'
    : 'invalid-field'

const issuePath = (issue: v.BaseIssue<unknown>): string =>
  issue.path?.map((item) => String(item.key)).join('.') ?? '(message)'

/** A listed folder that is also a file's path: the two could not both be created. */
const folderClash = (offer: OfferMessage): string | undefined => {
  if (offer.folders === undefined || offer.folders.length === 0) return undefined
  const filePaths = new Set(offer.files.map((file) => file.path ?? file.name))
  return offer.folders.find((folder) => filePaths.has(folder))
}

/** A preview of a file the offer does not have. */
const strayPreview = (offer: OfferMessage): number | undefined =>
  offer.previews?.find((preview) => preview.index >= offer.files.length)?.index

const parseRecord = (value: Record<string, unknown>): ParseControlResult => {
  const type = value['type']
  if (typeof type !== 'string' || !controlTypes.has(type)) {
    return refuse('unknown-type', `unknown message type ${JSON.stringify(type) ?? 'undefined'}`)
  }
  const context = {
    type: type as ControlType,
    ...(isTransferId(value['transfer']) ? { transfer: value['transfer'] } : {}),
  }
  const fail = (code: ProtocolErrorCode, detail: string): ParseControlResult => ({
    ok: false,
    error: new ProtocolError(code, detail),
    ...context,
  })
  // Checked first, so a future hello of another shape still reads as a version mismatch.
  if (type === 'hello' && value['version'] !== protocolVersion) {
    return fail(
      'unsupported-version',
      `peer speaks version ${JSON.stringify(value['version']) ?? 'undefined'}, we speak ${protocolVersion}`,
    )
  }
  // Cheap guard before validating every entry of a huge array.
  const files = value['files']
  if (type === 'offer' && Array.isArray(files) && files.length > maxFilesPerOffer) {
    return fail('too-large', `offer of ${files.length} files, at most ${maxFilesPerOffer}`)
  }
  const folders = value['folders']
  if (type === 'offer' && Array.isArray(folders) && folders.length > maxFoldersPerOffer) {
    return fail('too-large', `offer of ${folders.length} folders, at most ${maxFoldersPerOffer}`)
  }
  const previews = value['previews']
  if (type === 'offer' && Array.isArray(previews) && previews.length > maxPreviewsPerOffer) {
    return fail('too-large', `offer of ${previews.length} previews, at most ${maxPreviewsPerOffer}`)
  }
  const result = v.safeParse(controlSchema, value)
  if (result.success) {
    const clash = result.output.type === 'offer' ? folderClash(result.output) : undefined
    if (clash !== undefined) {
      return fail('invalid-field', `offer: folders: ${JSON.stringify(clash)} is also a file`)
    }
    const stray = result.output.type === 'offer' ? strayPreview(result.output) : undefined
    if (stray !== undefined) {
      return fail('invalid-field', `offer: previews: index ${stray} is not an offered file`)
    }
    return { ok: true, message: result.output }
  }
  const issue = result.issues[0]
  return fail(issueCode(issue), `${type}: ${issuePath(issue)}: ${issue.message}`)
}

/**
 * Validates one control message, given as JSON text or as an already parsed value.
 * Never throws: anything wrong comes back as a ProtocolError with a stable code.
 */
export const parseControl = (raw: unknown): ParseControlResult => {
  try {
    let value: unknown = raw
    if (typeof raw === 'string') {
      // UTF-8 never takes fewer bytes than UTF-16 code units, so length is a cheap first bound.
      if (raw.length > maxControlMessageBytes || utf8Bytes(raw) > maxControlMessageBytes) {
        return refuse('too-large', `control message over ${maxControlMessageBytes} bytes`)
      }
      try {
        value = JSON.parse(raw)
      } catch (error) {
        return refuse('malformed-json', error instanceof Error ? error.message : 'not JSON')
      }
    }
    if (!isRecord(value)) {
      return refuse('not-an-object', `a control message is an object, not ${describe(value)}`)
    }
    return parseRecord(value)
  } catch (error) {
    // Getters, proxies and other exotic values end here rather than escaping.
    return refuse('invalid-field', error instanceof Error ? error.message : 'unreadable message')
  }
}

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value

/** Our `hello`, with the device name cleaned and trimmed to what the protocol allows. */
export const createHello = (name: string, device: DeviceKind): HelloMessage => {
  let trimmed = ''
  for (const codePoint of withoutInvisibles(name).trim()) {
    if (trimmed.length + codePoint.length > maxDeviceNameChars) break
    trimmed += codePoint
  }
  return { type: 'hello', version: protocolVersion, name: trimmed || 'Ferry', device }
}

/** Our `error` for a refusal: about `transfer` (which has then failed), or about one message. */
export const createError = (error: ProtocolError, transfer?: string): ErrorMessage => ({
  type: 'error',
  ...(transfer === undefined ? {} : { transfer }),
  code: error.code,
  message: error.detail.slice(0, maxReasonChars),
})
