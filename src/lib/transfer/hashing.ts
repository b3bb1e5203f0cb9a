import type { Hasher } from './types.ts'

/** A Hasher whose state can be saved and restored, for resuming a file (see docs/protocol.md). */
export interface ResumableHasher extends Hasher {
  /** The running state; as sensitive as the bytes hashed so far. */
  save(): Uint8Array
}

/** A streaming SHA-256 (hash-wasm), optionally continuing from a state `save()` returned. */
export const createSha256Hasher = async (state?: Uint8Array): Promise<ResumableHasher> => {
  // Loaded on first use: the app's first screen does not need a hash function.
  const { createSHA256 } = await import('hash-wasm')
  const sha256 = await createSHA256()
  if (state !== undefined) sha256.load(state)
  return {
    update(bytes) {
      sha256.update(bytes)
    },
    digestHex: () => sha256.digest('hex'),
    save: () => sha256.save(),
  }
}
