import { describe, expect, it } from 'vitest'
import { classifyJoinError } from './join-errors.ts'

describe("Trystero's join errors", () => {
  it.each([
    ['incorrect room password when decrypting offer', 'refused'],
    ['incorrect room password when decrypting answer', 'refused'],
    ['incorrect password for overlapping room', 'refused'],
    [
      'could not connect to peer abc after exchanging SDP; configure TURN servers with turnConfig or rtcConfig.iceServers',
      'unreachable',
    ],
    ['handshake timed out after 10000ms', 'transient'],
    ['peer disconnected during handshake', 'transient'],
    ['failed sending handshake readiness: channel closed', 'transient'],
  ] as const)('%s: %s', (error, kind) => {
    expect(classifyJoinError(error)).toBe(kind)
  })

  it('finds the words Ferry relies on in the installed Trystero', async () => {
    // If an update rewords them, this fails rather than refusals passing as transient failures.
    const { readFile } = await import('node:fs/promises')
    const dist = 'node_modules/@trystero-p2p/core/dist/'
    const signal = await readFile(`${dist}signal-handler.mjs`, 'utf8')
    const handshake = await readFile(`${dist}handshake.mjs`, 'utf8')
    expect(signal).toContain('incorrect room password when decrypting offer')
    expect(signal).toContain('`could not connect to peer ${peerId} after exchanging SDP;')
    expect(handshake).toContain('incorrect password for overlapping room')
    expect(handshake).toContain('handshake timed out after')
  })
})
