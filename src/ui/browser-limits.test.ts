import { describe, expect, it } from 'vitest'
import { browserLimits } from './browser-limits.ts'

const fn = () => undefined

describe('browserLimits', () => {
  it('finds nothing missing where every API is there (Chromium)', () => {
    expect(
      browserLimits({
        RTCPeerConnection: fn,
        showDirectoryPicker: fn,
        navigator: { storage: { getDirectory: fn } },
      }),
    ).toEqual([])
  })

  it('names the missing folder picker (Firefox)', () => {
    expect(
      browserLimits({ RTCPeerConnection: fn, navigator: { storage: { getDirectory: fn } } }),
    ).toEqual(['saveToFolder'])
  })

  it('names everything missing in a browser without WebRTC or storage (WebKitGTK)', () => {
    expect(browserLimits({ navigator: {} })).toEqual(['webrtc', 'saveToFolder', 'diskStreaming'])
    expect(browserLimits({})).toEqual(['webrtc', 'saveToFolder', 'diskStreaming'])
  })
})
