/**
 * This device's DTLS certificate: made once and kept, so that peers can recognise the device by
 * its certificate fingerprint (trust.ts). Every WebRTC connection the app makes presents it
 * (signalling/room.ts), and DTLS makes each side prove it holds the certificate's private key,
 * which never leaves the browser: an RTCCertificate's key cannot be exported, only stored whole.
 *
 * Chromium and Firefox can store an RTCCertificate in IndexedDB (it is structured-cloneable).
 * Where storing fails (Safari), the certificate lasts for this visit, and so does any trust in it.
 */
import { get, update } from 'idb-keyval'

export const certificateKey = 'ferry:dtls-certificate'

/**
 * Asked for a year, the longest Chromium grants (it caps `expires` there). A certificate past
 * its end is replaced by a new one, which peers must trust afresh.
 */
export const certificateLifetimeMs = 365 * 24 * 60 * 60 * 1000
/** A certificate this close to its end is replaced now rather than fail a connection later. */
export const certificateRenewalMarginMs = 24 * 60 * 60 * 1000

/** ECDSA P-256: small, fast to make, and what browsers make by default. */
const certificateAlgorithm = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  expires: certificateLifetimeMs,
}

export interface DeviceCertificate {
  certificate: RTCCertificate
  /** False where it could not be stored: it lasts for this visit only, and so does trust in it. */
  persistent: boolean
}

export interface CertificateStoreDeps {
  get(key: string): Promise<unknown>
  /** idb-keyval's `update`: read and write in one IndexedDB transaction. */
  update(key: string, updater: (old: unknown) => unknown): Promise<void>
  generate(): Promise<RTCCertificate>
  nowMs(): number
}

const defaultDeps: CertificateStoreDeps = {
  get: (key) => get(key),
  update: (key, updater) => update(key, updater),
  generate: () => RTCPeerConnection.generateCertificate(certificateAlgorithm),
  nowMs: () => Date.now(),
}

/** A stored value we can still use: a certificate (duck-typed, for tests) not about to expire. */
const isUsable = (value: unknown, nowMs: number): value is RTCCertificate => {
  if (typeof value !== 'object' || value === null) return false
  const { expires, getFingerprints } = value as Partial<RTCCertificate>
  return (
    typeof expires === 'number' &&
    expires > nowMs + certificateRenewalMarginMs &&
    typeof getFingerprints === 'function'
  )
}

/**
 * The stored certificate, or a new one stored for next time. Null where the browser cannot make
 * one (then each connection gets a fresh certificate of the browser's own, and trust cannot
 * outlive a connection).
 */
export const loadDeviceCertificate = async (
  deps: Partial<CertificateStoreDeps> = {},
): Promise<DeviceCertificate | null> => {
  const storage = { ...defaultDeps, ...deps }
  try {
    const stored = await storage.get(certificateKey)
    if (isUsable(stored, storage.nowMs())) return { certificate: stored, persistent: true }
  } catch {
    // Unreadable storage: make one, and try to keep it below.
  }
  let fresh: RTCCertificate
  try {
    fresh = await storage.generate()
  } catch {
    return null
  }
  let kept = fresh
  try {
    // One transaction, so two tabs opened at once on a new device still agree on one certificate.
    await storage.update(certificateKey, (old) =>
      isUsable(old, storage.nowMs()) ? (kept = old) : fresh,
    )
  } catch {
    // Not stored (Safari cannot clone an RTCCertificate; private modes may block IndexedDB). If
    // another tab's certificate was read before the write failed, that one is stored and kept.
    return { certificate: kept, persistent: kept !== fresh }
  }
  return { certificate: kept, persistent: true }
}
