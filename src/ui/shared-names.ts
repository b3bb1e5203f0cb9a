/**
 * Device names are drawn at random (identity.ts), so in a room of thirty two devices share one
 * about one time in three. Such peers stay listed under their names, with a hint that tells them
 * apart: the verification code each one shows for this device (VerifyPeer.svelte).
 */

/** The names that more than one of `names` carries; this device's own name counts as one. */
export const sharedNames = (names: Iterable<string>): Set<string> => {
  const seen = new Set<string>()
  const shared = new Set<string>()
  for (const name of names) {
    if (seen.has(name)) shared.add(name)
    seen.add(name)
  }
  return shared
}
