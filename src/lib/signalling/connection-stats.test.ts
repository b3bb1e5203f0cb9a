import { describe, expect, it } from 'vitest'
import { hasTurnServer, readConnectionDetails } from './connection-stats.ts'

const report = (...entries: Record<string, unknown>[]) =>
  new Map(entries.map((entry) => [entry['id'] as string, entry]))

const candidates = [
  { id: 'L1', type: 'local-candidate', candidateType: 'host', protocol: 'udp' },
  { id: 'L2', type: 'local-candidate', candidateType: 'relay', protocol: 'udp' },
  { id: 'R1', type: 'remote-candidate', candidateType: 'host', protocol: 'udp' },
  { id: 'R2', type: 'remote-candidate', candidateType: 'relay', protocol: 'udp' },
]

describe('readConnectionDetails', () => {
  it('follows the transport to its selected pair (Chromium)', () => {
    const details = readConnectionDetails(
      report(
        ...candidates,
        { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1' },
        {
          id: 'P2',
          type: 'candidate-pair',
          localCandidateId: 'L2',
          remoteCandidateId: 'R1',
          currentRoundTripTime: 0.0123,
        },
        { id: 'T', type: 'transport', selectedCandidatePairId: 'P2' },
      ),
    )
    expect(details).toEqual({
      route: 'relayed',
      localCandidate: 'relay',
      remoteCandidate: 'host',
      protocol: 'udp',
      roundTripMs: 12,
    })
  })

  it('uses the pair marked selected where there is no transport entry (Firefox)', () => {
    const details = readConnectionDetails(
      report(
        ...candidates,
        { id: 'P1', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R2' },
        {
          id: 'P2',
          type: 'candidate-pair',
          localCandidateId: 'L1',
          remoteCandidateId: 'R1',
          selected: true,
          currentRoundTripTime: 0.001,
        },
      ),
    )
    expect(details.route).toBe('direct')
    expect(details.roundTripMs).toBe(1)
  })

  it('falls back to a nominated pair that succeeded, and a remote relay counts as relayed', () => {
    const details = readConnectionDetails(
      report(...candidates, {
        id: 'P1',
        type: 'candidate-pair',
        localCandidateId: 'L1',
        remoteCandidateId: 'R2',
        nominated: true,
        state: 'succeeded',
      }),
    )
    expect(details.route).toBe('relayed')
    expect(details.roundTripMs).toBeNull()
  })

  it('says unknown when nothing is selected yet, or fields are odd', () => {
    expect(readConnectionDetails(new Map()).route).toBe('unknown')
    const odd = readConnectionDetails(
      report(
        { id: 'L', type: 'local-candidate', candidateType: 'carrier-pigeon' },
        { id: 'R', type: 'remote-candidate', candidateType: 'host' },
        {
          id: 'P',
          type: 'candidate-pair',
          selected: true,
          localCandidateId: 'L',
          remoteCandidateId: 'R',
          currentRoundTripTime: -1,
        },
        { id: 'T', type: 'transport', selectedCandidatePairId: 'missing' },
      ),
    )
    expect(odd).toEqual({
      route: 'unknown',
      localCandidate: null,
      remoteCandidate: 'host',
      protocol: null,
      roundTripMs: null,
    })
  })
})

describe('hasTurnServer', () => {
  it('finds turn: and turns: URLs, in strings and lists', () => {
    expect(hasTurnServer([])).toBe(false)
    expect(hasTurnServer([{ urls: 'stun:s.example' }])).toBe(false)
    expect(hasTurnServer([{ urls: ['stun:s.example', 'TURNS:t.example'] }])).toBe(true)
    expect(hasTurnServer([{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'c' }])).toBe(
      true,
    )
  })
})
