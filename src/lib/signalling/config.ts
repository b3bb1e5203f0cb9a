/**
 * One place for the app id, the Nostr relays and the ICE servers.
 *
 * Layers, later ones win: built-in defaults (Trystero's public relays and STUN servers) <- build time
 * (VITE_FERRY_* env) <- serve time (`config.json` beside index.html) <- this device's connection
 * settings (storage/settings.ts). A link's `relays` query parameter is no layer: it applies to that
 * link's room alone (linkRoomConfig), once the person has agreed to it.
 */
export interface FerryConfig {
  appId: string
  /**
   * Nostr relay WebSocket URLs, all used at once; empty: Trystero's list of public relays, of which
   * a room uses `relayRedundancy`. (Trystero itself is loaded after the first paint, so its list is
   * not named here.)
   */
  relayUrls: string[]
  /** How many of Trystero's public relays a room uses at once. */
  relayRedundancy: number
  iceServers: RTCIceServer[]
  /** 'relay' sends everything through a TURN server of iceServers (hides addresses; tests TURN). */
  iceTransportPolicy: RTCIceTransportPolicy
  /**
   * A page hidden this long leaves its nearby room (unless a device is connected through it) and
   * comes back when shown: a forgotten background tab stops announcing itself to public relays.
   */
  nearbyHiddenLeaveMs: number
  /** Test-only fault injection (src/lib/transfer/testing/fault-injection.ts); only a served config.json sets it. */
  testHooks: boolean
}

/** Everything optional, as it comes from env, a file or a URL. */
export type ConfigOverrides = Partial<FerryConfig>

export const defaultAppId = 'app.ferry.p2p'
const defaultRelayRedundancy = 4
/** Bounds on what a config file or a URL may ask for. */
export const maxRelayUrls = 16
export const maxIceServers = 8
const maxUrlChars = 512
export const maxCredentialChars = 256
const minHiddenLeaveMs = 1000
const maxHiddenLeaveMs = 24 * 60 * 60_000

export const defaultIceServers: RTCIceServer[] = [
  { urls: 'stun:stun.l.google.com:19302' },
  { urls: 'stun:stun.cloudflare.com:3478' },
]

export const defaultConfig: FerryConfig = {
  appId: defaultAppId,
  relayUrls: [],
  relayRedundancy: defaultRelayRedundancy,
  iceServers: defaultIceServers,
  iceTransportPolicy: 'all',
  nearbyHiddenLeaveMs: 5 * 60_000,
  testHooks: false,
}

/** Hosts a plain `ws:` relay may be on: this machine only (development, tests). */
const loopbackHosts = new Set(['127.0.0.1', 'localhost'])

/**
 * A relay Ferry will talk to: a secure WebSocket (`wss:`) anywhere, or a plain one on this machine.
 * The Content Security Policy (scripts/security-headers.ts) allows exactly these.
 */
export const isRelayUrl = (url: string): boolean => {
  if (url.length > maxUrlChars) return false
  try {
    const parsed = new URL(url)
    return (
      parsed.protocol === 'wss:' ||
      (parsed.protocol === 'ws:' && loopbackHosts.has(parsed.hostname))
    )
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

/** host, IPv4 or [IPv6], then an optional port. */
const hostPort = String.raw`(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::\d{1,5})?`
const stunUrlPattern = new RegExp(`^stuns?:${hostPort}$`, 'i')
const turnUrlPattern = new RegExp(`^turns?:${hostPort}(?:\\?transport=(?:udp|tcp))?$`, 'i')

export const isStunUrl = (url: string): boolean =>
  url.length <= maxUrlChars && stunUrlPattern.test(url)
export const isTurnUrl = (url: string): boolean =>
  url.length <= maxUrlChars && turnUrlPattern.test(url)

const isCredential = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= maxCredentialChars

/**
 * A STUN or TURN server a browser will take: the RTCPeerConnection constructor throws on a TURN
 * URL without a username and credential, which would break every connection.
 */
const isIceServer = (value: unknown): value is RTCIceServer => {
  if (typeof value !== 'object' || value === null) return false
  const { urls, username, credential } = value as Record<string, unknown>
  const urlList = typeof urls === 'string' ? [urls] : urls
  if (!Array.isArray(urlList) || urlList.length === 0) return false
  if (!urlList.every((url) => typeof url === 'string' && (isStunUrl(url) || isTurnUrl(url)))) {
    return false
  }
  const needsCredentials = urlList.some((url) => isTurnUrl(url as string))
  return needsCredentials
    ? isCredential(username) && isCredential(credential)
    : (username === undefined || typeof username === 'string') &&
        (credential === undefined || typeof credential === 'string')
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
  const hiddenLeaveMs = raw['nearbyHiddenLeaveMs']
  if (
    typeof hiddenLeaveMs === 'number' &&
    Number.isInteger(hiddenLeaveMs) &&
    hiddenLeaveMs >= minHiddenLeaveMs &&
    hiddenLeaveMs <= maxHiddenLeaveMs
  ) {
    overrides.nearbyHiddenLeaveMs = hiddenLeaveMs
  }
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

/**
 * Connection settings saved on this device, read back as untrusted: only relays, ICE servers and
 * the transport policy, never the app id or test hooks.
 */
export const savedSettingsOverrides = (value: unknown): ConfigOverrides => {
  const { relayUrls, iceServers, iceTransportPolicy } = parseOverrides(value)
  return {
    ...(relayUrls ? { relayUrls } : {}),
    ...(iceServers ? { iceServers } : {}),
    ...(iceTransportPolicy ? { iceTransportPolicy } : {}),
  }
}

/**
 * Relays named in a link (`?relays=wss://a,wss://b`). Anyone can make a link, so they are the
 * link's author's choice, not this device's: the app asks before using them, and only for that
 * link's room.
 */
export const linkRelays = (url: URL): string[] => parseRelayList(url.searchParams.get('relays'))

/** The config of one link room: the device's own, with the link's relays if the person took them. */
export const linkRoomConfig = (config: FerryConfig, relayUrls?: readonly string[]): FerryConfig =>
  relayUrls && relayUrls.length > 0 ? { ...config, relayUrls: [...relayUrls] } : config

export const resolveConfig = (...layers: ConfigOverrides[]): FerryConfig => {
  const config = { ...defaultConfig }
  for (const layer of layers) Object.assign(config, layer)
  return config
}
