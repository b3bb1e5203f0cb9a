/**
 * What this browser cannot do that Ferry would otherwise use, found by feature detection (never by
 * the user agent), so the app can say so plainly instead of failing quietly.
 *
 * - `webrtc`: no RTCPeerConnection (Debian's WebKitGTK is built without it): nothing can be sent or
 *   received here at all.
 * - `saveToFolder`: no File System Access pickers (Firefox, Safari): received files are saved as
 *   downloads, several as one zip, not into a folder picked beforehand.
 * - `diskStreaming`: no Origin Private File System: large files are held in memory while they
 *   arrive, so the largest file this device can take is smaller.
 */
export type BrowserLimit = 'webrtc' | 'saveToFolder' | 'diskStreaming'

/** The globals the detection reads: `globalThis` in the app, a plain object in unit tests. */
export interface BrowserGlobals {
  RTCPeerConnection?: unknown
  showDirectoryPicker?: unknown
  navigator?: { storage?: { getDirectory?: unknown } }
}

export const browserLimits = (globals: BrowserGlobals): BrowserLimit[] => {
  const limits: BrowserLimit[] = []
  if (typeof globals.RTCPeerConnection !== 'function') limits.push('webrtc')
  if (typeof globals.showDirectoryPicker !== 'function') limits.push('saveToFolder')
  if (typeof globals.navigator?.storage?.getDirectory !== 'function') limits.push('diskStreaming')
  return limits
}
