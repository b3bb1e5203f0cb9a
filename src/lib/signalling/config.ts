/**
 * One place for the app id, the Nostr relays and the ICE servers.
 *
 * Layers, later ones win: built-in defaults (Trystero's public relays and STUN servers) <- build time
 * (VITE_FERRY_* env) <- serve time (`config.json` beside index.html) <- the page URL (`relays` query
 * parameter, which travels inside shared links).
 */
import { defaultRelayUrls } from 'trystero'

export interface FerryConfig {
  appId: string
  /** Nostr relay WebSocket URLs. */
  relayUrls: string[]
  /** How many of relayUrls a room uses at once. */
  relayRedundancy: number
  iceServers: RTCIceServer[]
  /** 'relay' sends everything through a TURN server of iceServers (hides addresses; tests TURN). */
  iceTransportPolicy: RTCIceTransportPolicy
  /** Test-only fault injection (src/lib/transfer/fault-injection.ts); only a served config.json sets it. */
  testHooks: boolean
}

/** Everything optional, as it comes from env, a file or a URL. */
export type ConfigOverrides = Partial<FerryConfig>

export const defaultAppId = 'app.ferry.p2p'
const defaultRelayRedundancy = 4
/** Bounds on what a config file or a URL may ask for. */
const maxRelayUrls = 16
const maxIceServers = 8
const maxUrlChars = 512

export const defaultIceServers: RTCIceServer[] = [
  { urls: 'stun:stun.l.google.com:19302' },
  { urls: 'stun:stun.cloudflare.com:3478' },
]

export const defaultConfig: FerryConfig = {
  appId: defaultAppId,
  relayUrls: defaultRelayUrls,
  relayRedundancy: defaultRelayRedundancy,
  iceServers: defaultIceServers,
  iceTransportPolicy: 'all',
  testHooks: false,
}

const isRelayUrl = (url: string): boolean => {
  if (url.length > maxUrlChars) return false
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'wss:' || parsed.protocol === 'ws:'
  } catch {
    return false
  }
}

/** Comma-separated relay URLs, as in `?relays=` or VITE_FERRY_RELAYS; invalid entries are dropped. */
export const parseRelayList = (text: string | null | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(isRelayUrl)
    .slice(0, maxRelayUrls)

const isIceServer = (value: unknown): value is RTCIceServer => {
  if (typeof value !== 'object' || value === null) return false
  const { urls, username, credential } = value as Record<string, unknown>
  const urlList = typeof urls === 'string' ? [urls] : urls
  return (
    Array.isArray(urlList) &&
    urlList.length > 0 &&
    urlList.every(
      (url) =>
        typeof url === 'string' &&
        url.length <= maxUrlChars &&
        /^(stun|stuns|turn|turns):/.test(url),
    ) &&
    (username === undefined || typeof username === 'string') &&
    (credential === undefined || typeof credential === 'string')
  )
}

/**
 * Reads overrides from an untrusted object (a config file or JSON env): unknown keys are ignored,
 * invalid values are dropped rather than half-applied.
 */
export const parseOverrides = (value: unknown): ConfigOverrides => {
  if (typeof value !== 'object' || value === null) return {}
  const raw = value as Record<string, unknown>
  const overrides: ConfigOverrides = {}
  if (typeof raw['appId'] === 'string' && /^[\w.-]{1,64}$/.test(raw['appId'])) {
    overrides.appId = raw['appId']
  }
  if (Array.isArray(raw['relayUrls'])) {
    const urls = raw['relayUrls'].filter((u): u is string => typeof u === 'string' && isRelayUrl(u))
    if (urls.length > 0) overrides.relayUrls = urls.slice(0, maxRelayUrls)
  }
  const redundancy = raw['relayRedundancy']
  if (typeof redundancy === 'number' && Number.isInteger(redundancy) && redundancy >= 1) {
    overrides.relayRedundancy = Math.min(redundancy, maxRelayUrls)
  }
  if (Array.isArray(raw['iceServers']) && raw['iceServers'].every(isIceServer)) {
    overrides.iceServers = raw['iceServers'].slice(0, maxIceServers)
  }
  const policy = raw['iceTransportPolicy']
  if (policy === 'all' || policy === 'relay') overrides.iceTransportPolicy = policy
  if (raw['testHooks'] === true) overrides.testHooks = true
  return overrides
}

/** Overrides baked in at build time through VITE_FERRY_RELAYS and VITE_FERRY_ICE_SERVERS (JSON). */
export const buildTimeOverrides = (env: Record<string, unknown>): ConfigOverrides => {
  const overrides: ConfigOverrides = {}
  const relays = parseRelayList(
    typeof env['VITE_FERRY_RELAYS'] === 'string' ? env['VITE_FERRY_RELAYS'] : '',
  )
  if (relays.length > 0) overrides.relayUrls = relays
  const ice = env['VITE_FERRY_ICE_SERVERS']
  if (typeof ice === 'string' && ice.trim() !== '') {
    try {
      Object.assign(overrides, parseOverrides({ iceServers: JSON.parse(ice) as unknown }))
    } catch {
      // A malformed build setting falls back to the defaults rather than breaking the app.
    }
  }
  return overrides
}

/** Relays named in a page URL (`?relays=wss://a,wss://b`), so a shared link can carry them. */
export const urlOverrides = (url: URL): ConfigOverrides => {
  const relays = parseRelayList(url.searchParams.get('relays'))
  return relays.length > 0 ? { relayUrls: relays } : {}
}

export const resolveConfig = (...layers: ConfigOverrides[]): FerryConfig => {
  const config = { ...defaultConfig }
  for (const layer of layers) Object.assign(config, layer)
  return config
}
