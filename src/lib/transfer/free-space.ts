/**
 * Whether an offer fits in this origin's storage, asked before accepting it (received files over
 * the memory threshold go to OPFS, which counts against the origin's quota).
 */

/** What navigator.storage.estimate() gives, as far as we use it. */
export interface StorageEstimateLike {
  quota?: number | undefined
  usage?: number | undefined
}

/**
 * The quota must exceed the offer by this much, plus freeSpaceMarginFraction of it. The estimate
 * is coarse (browsers round, pad and cache usage figures, and quota follows the disk's free space,
 * which other programs use meanwhile), and this origin keeps writing other things while the files
 * arrive (history in IndexedDB, the service worker's cache).
 */
export const freeSpaceMarginBytes = 32 * 1024 * 1024
/** The part of the margin that grows with the offer: file system overhead, estimate drift. */
export const freeSpaceMarginFraction = 0.01

export interface FreeSpace {
  /** True when the offer and the margin fit, or when the free space is unknown. */
  fits: boolean
  /** Quota minus usage; null when the browser does not say. */
  freeBytes: number | null
}

const isSize = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0

/** Checks that `totalBytes` fit in the origin's free quota, with the margin above. */
export const checkFreeSpace = async (
  totalBytes: number,
  estimate: () => Promise<StorageEstimateLike> = () => navigator.storage.estimate(),
): Promise<FreeSpace> => {
  let estimated: StorageEstimateLike
  try {
    estimated = await estimate()
  } catch {
    // No storage manager (insecure context, old browser), or it refused: unknown.
    return { fits: true, freeBytes: null }
  }
  const { quota, usage } = estimated
  if (!isSize(quota) || !isSize(usage)) return { fits: true, freeBytes: null }
  const freeBytes = Math.max(0, quota - usage)
  const neededBytes =
    totalBytes + freeSpaceMarginBytes + Math.ceil(totalBytes * freeSpaceMarginFraction)
  return { fits: neededBytes <= freeBytes, freeBytes }
}
