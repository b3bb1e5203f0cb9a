/**
 * Every bound of Ferry's wire protocol, defined once. docs/protocol.md explains each.
 * "Chars" are UTF-16 code units (JavaScript string length); "bytes" are bytes.
 */

/** The protocol version peers exchange in `hello`; a peer with another version is refused. */
export const protocolVersion = 1

/**
 * Bytes of file data the sender puts into one bulk frame: the largest multiple of 4 KiB whose frame
 * fits in one 256 KiB message, the most a browser's data channel takes (Chromium's and Safari's
 * SCTP max-message-size). Every frame has a fixed cost on both sides (an event, a hash call, a
 * write), so fewer, larger frames move the same bytes with less CPU.
 */
export const chunkBytes = 252 * 1024

/** A transfer id on the wire: 128 random bits. */
export const transferIdBytes = 16

/** version u8 | kind u8 | transfer id | file index u32 | offset u64 | payload length u32. */
export const frameHeaderBytes = 1 + 1 + transferIdBytes + 4 + 8 + 4

/** The largest payload a frame may declare; a bigger one is refused as oversized. */
export const maxFramePayloadBytes = chunkBytes

/** The largest whole frame (header and payload). */
export const maxFrameBytes = frameHeaderBytes + maxFramePayloadBytes

/** The largest byte offset a frame can carry (2^53 - 1, so it survives a JavaScript number). */
export const maxFrameOffset = Number.MAX_SAFE_INTEGER

export const maxDeviceNameChars = 64
export const maxFileNameChars = 255
/** A name's length in UTF-8 bytes, what most file systems count (ext4, APFS, zip readers). */
export const maxFileNameBytes = 255
export const maxPathChars = 1024
export const maxFilesPerOffer = 10_000
/** Empty folders listed in one offer (`offer.folders`), each a path bounded like a file's. */
export const maxFoldersPerOffer = 10_000
export const maxFileBytes = 2 ** 50
/** The sum of every file's size in one offer. */
export const maxOfferBytes = 2 ** 50
export const maxMimeChars = 255
export const maxTextChars = 100_000
/** Free-text reasons and messages in `cancel` and `error`. */
export const maxReasonChars = 200
/** The `code` of an `error` message: lowercase words joined by '-'. */
export const maxErrorCodeChars = 64

/** Image thumbnails an offer may carry (`offer.previews`), one per file at most. */
export const maxPreviewsPerOffer = 8
/** One thumbnail's encoded image, before base64. */
export const maxPreviewBytes = 16 * 1024
/** The longest side of a thumbnail the sender makes, in pixels (the receiver shows it no larger). */
export const previewSidePixels = 96
/** The image types a thumbnail may be: raster formats only, never SVG (which can hold script). */
export const previewTypes = ['jpeg', 'webp', 'png'] as const
/** A thumbnail's `data:` URL: the longest prefix, then the base64 of maxPreviewBytes. */
export const maxPreviewChars = 'data:image/jpeg;base64,'.length + 4 * Math.ceil(maxPreviewBytes / 3)

/**
 * The most JSON text one control message may take, in UTF-8 bytes.
 * An offer of many files with long paths is the largest message; one that would not fit is
 * refused by the sender before it is sent.
 */
export const maxControlMessageBytes = 8 * 1024 * 1024

/**
 * Incoming offers one peer may have waiting for an answer at once. Another is declined ('busy')
 * and counts as a refusal: a person does not stack up more offers than anyone could answer.
 */
export const maxPendingOffersPerPeer = 16

/**
 * Incoming offers of all peers together waiting for an answer: several connections (or
 * certificates) do not multiply maxPendingOffersPerPeer. Another is declined ('busy').
 */
export const maxPendingOffersInRoom = 48

/**
 * Ended transfers kept per peer device (its certificate): older ones are dropped, so a peer that
 * keeps offering and ending cannot grow the app's memory or its list of cards without bound.
 */
export const maxEndedTransfersPerPeer = 50

/**
 * Devices the peer guard keeps buckets and refusal counts for, for the whole visit (keyed by
 * certificate fingerprint, so leaving and coming back does not reset them); past it the longest
 * idle is forgotten.
 */
export const maxGuardedPeers = 1024

/**
 * Control messages one peer may send: a token bucket holding this many, refilled at
 * peerMessagesPerSecond. Far above what a transfer of many small files needs (an ack and a `done`
 * per file), so only a flood ever meets it. A message over the rate is dropped unread.
 */
export const peerMessageBurst = 4000
export const peerMessagesPerSecond = 2000

/**
 * Messages that start something on our side (`hello`, `offer`, `text`, and any message sent as
 * text rather than an object, which Ferry never does): a smaller bucket, since each one reaches the
 * person's screen.
 */
export const peerUnsolicitedBurst = 32
export const peerUnsolicitedPerSecond = 8

/**
 * A peer refused this many times (invalid messages or frames, messages over the rate, offers over
 * maxPendingOffersPerPeer, offers it withdrew before anyone answered) within refusalWindowMs is disconnected and blocked for the rest of the
 * visit. An honest peer is refused almost never (a late ack for a transfer just dismissed), so the
 * bound is generous; a buggy or hostile one reaches it in moments.
 */
export const maxRefusalsPerPeer = 64
export const refusalWindowMs = 60_000

/**
 * The most bytes of one transfer the sender may have sent and not yet seen acknowledged: 32 whole
 * frames (just under 8 MiB), so that full frames fill it exactly.
 */
export const windowBytes = 32 * chunkBytes

/** The receiver acknowledges at least this often (in bytes written), and at each file's end. */
export const ackEveryBytes = 1024 * 1024

// Tuning, not protocol: peers need not agree on these.

/** The sender waits for the bulk channel to drain once more than this is queued in it. */
export const bulkHighWaterBytes = 1024 * 1024

/** Suggested low-water mark for the bulk channel (RTCDataChannel.bufferedAmountLowThreshold). */
export const bulkLowWaterBytes = 256 * 1024

/**
 * Progress events for one transfer come at most this often (state changes and file ends always):
 * four a second reads as live, and each one costs a render on both pages while bytes compete for
 * the same CPU.
 */
export const progressIntervalMs = 250

/**
 * Longest name a receiver creates when it saves a file, in UTF-8 bytes: below maxFileNameBytes,
 * leaving room for a ' (99)' suffix and the '.crswap' Chromium adds to its swap files.
 */
export const maxSavedNameBytes = 200

/** Deepest folder nesting a receiver recreates; a deeper file is saved under its name alone. */
export const maxSavedFolderDepth = 32

/**
 * Peers one room may hold at once; a connection past it is closed. Ferry rooms are a few devices,
 * and every peer costs a connection, its handshake and two data channels.
 */
export const maxPeersPerRoom = 32

/**
 * How long a connected peer has to finish the session handshake and, where Trystero placed it only
 * in a link room, prove the link's secret; a peer still outside every room then is disconnected.
 */
export const admissionTimeoutMs = 20_000
