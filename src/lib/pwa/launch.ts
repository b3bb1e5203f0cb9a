/**
 * Why the app was opened, from its address: a manifest shortcut (`?action=new-link`) or the share
 * target's redirect (`?shared=<id>`, see share-target.ts). Plain functions of a URL.
 */

/** What the address asks the app to do once it has started. */
export type LaunchAction =
  | { kind: 'new-link' }
  | { kind: 'shared'; shareId: string }
  /** The OS shared something, but the service worker could not read or keep it. */
  | { kind: 'share-failed' }

export const actionParam = 'action'
export const sharedParam = 'shared'

/** Share ids are ours (share-target.ts, newShareId); anything else in the address is ignored. */
const shareIdPattern = /^[0-9a-z-]{1,64}$/

export const launchActionOf = (url: URL): LaunchAction | null => {
  const shareId = url.searchParams.get(sharedParam)
  if (shareId !== null && shareIdPattern.test(shareId)) return { kind: 'shared', shareId }
  const action = url.searchParams.get(actionParam)
  if (action === 'new-link' || action === 'share-failed') return { kind: action }
  return null
}

/** The address without the launch parameters, so a reload does not do the same thing again. */
export const withoutLaunchParams = (url: URL): URL => {
  const clean = new URL(url.href)
  clean.searchParams.delete(actionParam)
  clean.searchParams.delete(sharedParam)
  return clean
}
