/**
 * What a peer connection's `getStats()` says about the route it took: direct, or relayed through a
 * TURN server, and the round-trip time of the candidate pair in use.
 */

/** How the bytes go: straight between the devices, or through a TURN server. */
export type ConnectionRoute = 'direct' | 'relayed' | 'unknown'

/** ICE candidate types as getStats names them (RTCIceCandidateType). */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay'

export interface ConnectionDetails {
  route: ConnectionRoute
  localCandidate: CandidateType | null
  remoteCandidate: CandidateType | null
  /** 'udp' or 'tcp', as the local candidate says; null if unknown. */
  protocol: string | null
  /** Of the selected candidate pair, from the latest STUN consent checks; null if not measured yet. */
  roundTripMs: number | null
}

/** One stats entry as the browser gives it: a plain record with `id` and `type`. */
type StatsEntry = Readonly<Record<string, unknown>>

const candidateTypes: readonly string[] = ['host', 'srflx', 'prflx', 'relay']

const stringField = (entry: StatsEntry | undefined, key: string): string | null => {
  const value = entry?.[key]
  return typeof value === 'string' ? value : null
}

const candidateTypeOf = (entry: StatsEntry | undefined): CandidateType | null => {
  const type = stringField(entry, 'candidateType')
  return type !== null && candidateTypes.includes(type) ? (type as CandidateType) : null
}

/**
 * The candidate pair in use: the one the transport names (Chromium, Safari), else the one marked
 * `selected` (Firefox), else a nominated pair that succeeded.
 */
const selectedPair = (entries: Map<string, StatsEntry>): StatsEntry | undefined => {
  const all = [...entries.values()]
  for (const transport of all.filter((entry) => entry['type'] === 'transport')) {
    const pairId = stringField(transport, 'selectedCandidatePairId')
    const pair = pairId === null ? undefined : entries.get(pairId)
    if (pair) return pair
  }
  const pairs = all.filter((entry) => entry['type'] === 'candidate-pair')
  return (
    pairs.find((pair) => pair['selected'] === true) ??
    pairs.find((pair) => pair['nominated'] === true && pair['state'] === 'succeeded')
  )
}

/** What RTCStatsReport (a map of id to entry) and a Map have in common. */
export interface StatsReport {
  forEach(callback: (value: unknown, id: string) => void): void
}

/** Reads a stats report: the pair in use, its candidates' types, its round-trip time. */
export const readConnectionDetails = (report: StatsReport): ConnectionDetails => {
  const entries = new Map<string, StatsEntry>()
  report.forEach((value, id) => {
    if (typeof value === 'object' && value !== null) entries.set(id, value as StatsEntry)
  })
  const pair = selectedPair(entries)
  const localId = stringField(pair, 'localCandidateId')
  const remoteId = stringField(pair, 'remoteCandidateId')
  const local = localId === null ? undefined : entries.get(localId)
  const remote = remoteId === null ? undefined : entries.get(remoteId)
  const localCandidate = candidateTypeOf(local)
  const remoteCandidate = candidateTypeOf(remote)
  const rttSeconds = pair?.['currentRoundTripTime']
  return {
    route:
      localCandidate === null || remoteCandidate === null
        ? 'unknown'
        : localCandidate === 'relay' || remoteCandidate === 'relay'
          ? 'relayed'
          : 'direct',
    localCandidate,
    remoteCandidate,
    protocol: stringField(local, 'protocol'),
    roundTripMs:
      typeof rttSeconds === 'number' && Number.isFinite(rttSeconds) && rttSeconds >= 0
        ? Math.round(rttSeconds * 1000)
        : null,
  }
}

/** True if any of the servers is a TURN server (so "needs a TURN server" would be the wrong advice). */
export const hasTurnServer = (iceServers: readonly RTCIceServer[]): boolean =>
  iceServers.some((server) =>
    (typeof server.urls === 'string' ? [server.urls] : server.urls).some((url) =>
      /^turns?:/i.test(url),
    ),
  )
