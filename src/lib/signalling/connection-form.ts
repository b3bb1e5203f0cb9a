/**
 * The connection settings form (Settings → Connection): what a person types, checked field by
 * field and turned into the same overrides as a served config.json (config.ts). Loaded with the
 * settings form only, not at start.
 */
import {
  isRelayUrl,
  isStunUrl,
  isTurnUrl,
  maxCredentialChars,
  maxIceServers,
  maxRelayUrls,
  type ConfigOverrides,
} from './config.ts'

/** The connection settings a person can type (Settings → Connection), as text. */
export interface ConnectionForm {
  /** Relay URLs, one per line (or comma-separated); empty: the built-in or served ones. */
  relays: string
  /** STUN URLs, one per line; empty together with the TURN URLs: the built-in or served servers. */
  stunUrls: string
  /** TURN URLs of one server, one per line; needs a username and credential. */
  turnUrls: string
  turnUsername: string
  turnCredential: string
  /** Send everything through the TURN server (iceTransportPolicy 'relay'). */
  relayOnly: boolean
}

export type ConnectionFormField =
  'relays' | 'stunUrls' | 'turnUrls' | 'turnCredentials' | 'relayOnly'

/** Why a field was refused; `entries` are the offending lines, to show back. */
export type ConnectionFormError =
  | { field: 'relays' | 'stunUrls' | 'turnUrls'; code: 'invalid-url'; entries: string[] }
  | { field: 'relays' | 'stunUrls' | 'turnUrls'; code: 'too-many'; max: number }
  | { field: 'turnCredentials'; code: 'missing' | 'too-long' }
  | { field: 'relayOnly'; code: 'no-turn-server' }

export type ConnectionFormResult =
  { ok: true; overrides: ConfigOverrides } | { ok: false; errors: ConnectionFormError[] }

const linesOf = (text: string): string[] =>
  text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== '')

/**
 * Checks what a person typed and turns it into config overrides: every field is validated, and
 * every problem is reported at once, so the form can mark each field. Nothing half-valid passes.
 */
export const parseConnectionForm = (form: ConnectionForm): ConnectionFormResult => {
  const errors: ConnectionFormError[] = []
  const overrides: ConfigOverrides = {}
  const checkList = (
    field: 'relays' | 'stunUrls' | 'turnUrls',
    entries: string[],
    valid: (url: string) => boolean,
    max: number,
  ) => {
    const invalid = entries.filter((entry) => !valid(entry))
    if (invalid.length > 0) errors.push({ field, code: 'invalid-url', entries: invalid })
    else if (entries.length > max) errors.push({ field, code: 'too-many', max })
  }

  const relays = linesOf(form.relays)
  checkList('relays', relays, isRelayUrl, maxRelayUrls)
  if (relays.length > 0) overrides.relayUrls = relays

  const stunUrls = linesOf(form.stunUrls)
  const turnUrls = linesOf(form.turnUrls)
  checkList('stunUrls', stunUrls, isStunUrl, maxIceServers)
  checkList('turnUrls', turnUrls, isTurnUrl, maxIceServers)
  const username = form.turnUsername.trim()
  const credential = form.turnCredential
  if (turnUrls.length > 0 && (username === '' || credential === '')) {
    errors.push({ field: 'turnCredentials', code: 'missing' })
  } else if (username.length > maxCredentialChars || credential.length > maxCredentialChars) {
    errors.push({ field: 'turnCredentials', code: 'too-long' })
  }
  if (stunUrls.length > 0 || turnUrls.length > 0) {
    overrides.iceServers = [
      ...stunUrls.map((url) => ({ urls: url })),
      ...(turnUrls.length > 0 ? [{ urls: turnUrls, username, credential }] : []),
    ]
  }
  if (form.relayOnly) {
    if (turnUrls.length === 0) errors.push({ field: 'relayOnly', code: 'no-turn-server' })
    overrides.iceTransportPolicy = 'relay'
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, overrides }
}

/** The form showing saved overrides (what parseConnectionForm made of it before). */
export const connectionFormOf = (overrides: ConfigOverrides): ConnectionForm => {
  const ice = overrides.iceServers ?? []
  const urlsOf = (server: RTCIceServer) =>
    typeof server.urls === 'string' ? [server.urls] : server.urls
  const turn = ice.find((server) => urlsOf(server).some(isTurnUrl))
  return {
    relays: (overrides.relayUrls ?? []).join('\n'),
    stunUrls: ice.flatMap(urlsOf).filter(isStunUrl).join('\n'),
    turnUrls: turn ? urlsOf(turn).filter(isTurnUrl).join('\n') : '',
    turnUsername: turn?.username ?? '',
    turnCredential: turn?.credential ?? '',
    relayOnly: overrides.iceTransportPolicy === 'relay',
  }
}
