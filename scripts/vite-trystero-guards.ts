/**
 * Guards Ferry carries inside Trystero 0.25.4, where Trystero offers no hook: a Vite plugin (also run
 * by Vitest for trystero-guards.test.ts) that rewrites exact pieces of Trystero's published dist
 * source. Each rewrite names the text it expects; if the installed Trystero does not have it, the
 * build fails, so an upgrade cannot silently drop a guard. docs/trystero-guards.md describes each
 * one for upstream.
 *
 * 1. Action messages (action-wire.mjs): chunks of an unknown action type are dropped instead of
 *    buffered for a handler that may never come, and a peer's unfinished messages may hold at most
 *    `maxHeldActionBytes` in all; past that they are thrown away (Trystero kept them until the last
 *    chunk, without bound). Ferry itself sends nothing through actions.
 * 2. Room frames (shared-peer.mjs): frames for a room token this page has no binding for are kept
 *    for at most a few tokens and frames (Trystero kept them all), and a peer may announce at most
 *    `maxRemoteRoomTokens` rooms.
 * 3. Connections for unknown peer ids (signal-handler.mjs): a room makes no new RTCPeerConnection for
 *    an announcement or offer from a peer id it has no connection for while `maxPendingPeers`
 *    connections are still being set up (Trystero made one per fresh id, without limit).
 * 4. The offer pool (offer-pool.mjs): joining a room warms `offerPoolSize` offers, each an
 *    RTCPeerConnection gathering candidates, not Trystero's 20, and only `offerPoolWarmupDelayMs`
 *    after the join. Trystero made them exactly while the joining page connects to its first peer
 *    (whose offer it answers: the pool serves peers that come later); until the pool is warm, and
 *    when more peers want one at once, an offer is made when one is needed. Paired join runs listed
 *    the second device sooner with each step (docs/performance.md).
 */
import type { Plugin } from 'vite'

export const maxHeldActionBytes = 1024 * 1024
export const maxPendingTokenFrames = 64
export const maxPendingTokens = 4
export const maxRemoteRoomTokens = 64
export const maxPendingPeers = 16
export const offerPoolSize = 4
export const offerPoolWarmupDelayMs = 2000

interface Rewrite {
  find: string
  replace: string
}

/** By file of @trystero-p2p/core/dist. */
export const trysteroGuards: Record<string, Rewrite[]> = {
  'action-wire.mjs': [
    {
      find: `	const pendingActionPayloads = {};\n`,
      replace: `	const pendingActionPayloads = {};\n	const ferryHeldBytes = {};\n`,
    },
    {
      find: `		const action = actions[type];\n		if (!canReceiveFromPeer(id, Boolean(action?.options.receiveWhilePending))) return;\n`,
      replace: `		const action = actions[type];\n		if (!action) return;\n		if (!canReceiveFromPeer(id, Boolean(action?.options.receiveWhilePending))) return;\n`,
    },
    {
      find: `		if (isMeta) target.meta = fromJson(decodeBytes(payload));\n		else target.chunks.push(payload);\n`,
      replace: `		if (isMeta) target.meta = fromJson(decodeBytes(payload));\n		else target.chunks.push(payload);\n		target.ferryBytes = (target.ferryBytes ?? 0) + payload.byteLength;\n		ferryHeldBytes[id] = (ferryHeldBytes[id] ?? 0) + payload.byteLength;\n		if (ferryHeldBytes[id] > ${maxHeldActionBytes}) {\n			delete pendingTransmissions[id];\n			delete ferryHeldBytes[id];\n			return;\n		}\n`,
    },
    {
      find: `		delete pendingTransmissions[id][type][nonce];\n`,
      replace: `		delete pendingTransmissions[id][type][nonce];\n		ferryHeldBytes[id] = Math.max(0, (ferryHeldBytes[id] ?? 0) - target.ferryBytes);\n`,
    },
    {
      find: `		clearPeer: (id) => {\n			delete pendingTransmissions[id];\n`,
      replace: `		clearPeer: (id) => {\n			delete pendingTransmissions[id];\n			delete ferryHeldBytes[id];\n`,
    },
  ],
  'shared-peer.mjs': [
    {
      find: `			if (decoded.isPresent) shared.remoteRoomTokens.add(decoded.roomToken);\n`,
      replace: `			if (decoded.isPresent && (shared.remoteRoomTokens.has(decoded.roomToken) || shared.remoteRoomTokens.size < ${maxRemoteRoomTokens})) shared.remoteRoomTokens.add(decoded.roomToken);\n			else if (decoded.isPresent) return;\n`,
    },
    {
      find: `			const pending = shared.pendingDataByToken.get(decoded.roomToken) ?? [];\n`,
      replace: `			const pending = shared.pendingDataByToken.get(decoded.roomToken) ?? [];\n			if (pending.length >= ${maxPendingTokenFrames} || pending.length === 0 && shared.pendingDataByToken.size >= ${maxPendingTokens}) return;\n`,
    },
  ],
  'offer-pool.mjs': [
    { find: `const poolSize = 20;\n`, replace: `const poolSize = ${offerPoolSize};\n` },
    {
      find: `		alloc(poolSize, this.makeOffer).forEach((p) => this.push(p));\n		this.active = true;\n`,
      replace: `		clearTimeout(this.ferryWarmupTimer);\n		this.ferryWarmupTimer = setTimeout(() => {\n			if (this.active) alloc(poolSize, this.makeOffer).forEach((p) => this.push(p));\n		}, ${offerPoolWarmupDelayMs});\n		this.active = true;\n`,
    },
    {
      find: `	destroy() {\n		this.active = false;\n`,
      replace: `	destroy() {\n		this.active = false;\n		clearTimeout(this.ferryWarmupTimer);\n`,
    },
  ],
  'signal-handler.mjs': [
    {
      find: `//#region src/signal-handler.ts\n`,
      replace: `//#region src/signal-handler.ts\nconst ferryIsPending = (state) => Boolean(state && !state.connectedPeer && (state.answeringPeer || state.offerPeer || state.offerInitPromise || state.offerRelays.some(Boolean)));\nconst ferryPendingPeers = (ctx) => Object.values(ctx.peerStates).filter(ferryIsPending).length;\n`,
    },
    {
      find: `	const state = ctx.peerStates[peerId];\n	const connectedPeer = state?.connectedPeer;\n`,
      replace: `	const state = ctx.peerStates[peerId];\n	if (!state?.connectedPeer && !ferryIsPending(state) && !ctx.sharedPeers.get(ctx.appId, peerId) && ferryPendingPeers(ctx) >= ${maxPendingPeers}) return;\n	const connectedPeer = state?.connectedPeer;\n`,
    },
  ],
}

const distPath = /[\\/]@trystero-p2p[\\/]core[\\/]dist[\\/]([a-z-]+\.mjs)$/

export class TrysteroGuardError extends Error {
  override readonly name = 'TrysteroGuardError'
}

/**
 * The guarded source of a Trystero dist file, or null for any other file. Throws
 * TrysteroGuardError if a rewrite does not find its text exactly once.
 */
export const guardTrystero = (id: string, code: string): string | null => {
  const file = distPath.exec(id.split('?')[0] ?? '')?.[1]
  const rewrites = file ? trysteroGuards[file] : undefined
  if (!file || !rewrites) return null
  let guarded = code
  for (const { find, replace } of rewrites) {
    const at = guarded.indexOf(find)
    if (at < 0 || guarded.indexOf(find, at + 1) >= 0) {
      throw new TrysteroGuardError(
        `ferry: trystero-guards: ${file} does not hold this text exactly once; Trystero changed, so ` +
          `check docs/trystero-guards.md and update scripts/vite-trystero-guards.ts:\n${find}`,
      )
    }
    guarded = guarded.slice(0, at) + replace + guarded.slice(at + find.length)
  }
  return guarded
}

export const trysteroGuardsPlugin = (): Plugin => {
  const seen = new Set<string>()
  return {
    name: 'ferry:trystero-guards',
    enforce: 'pre',
    transform(code, id) {
      const guarded = guardTrystero(id, code)
      if (guarded === null) return null
      seen.add(distPath.exec(id.split('?')[0] ?? '')?.[1] ?? '')
      return { code: guarded, map: null }
    },
    // A build that bundles Trystero must have guarded every file: one that moved would slip past.
    generateBundle(_options, bundle) {
      const hasTrystero = Object.values(bundle).some(
        (output) =>
          output.type === 'chunk' &&
          Object.keys(output.modules).some((id) => id.includes('@trystero-p2p')),
      )
      if (!hasTrystero) return
      const missing = Object.keys(trysteroGuards).filter((file) => !seen.has(file))
      if (missing.length > 0) {
        this.error(`ferry: trystero-guards: never saw ${missing.join(', ')} in this build`)
      }
    },
  }
}
