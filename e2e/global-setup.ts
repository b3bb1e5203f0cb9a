/**
 * Starts what the e2e tests talk to, inside the test run's network namespace: the local Nostr relay
 * and the test build of the app (dist-e2e, the only build with fault-injection hooks) on 127.0.0.1,
 * configured with that relay only and no ICE servers; and the production build (dist), for the
 * @hardening test that proves it ignores a served `testHooks`.
 *
 * For the @nearby tests, also two STUN servers on 127.0.0.1 that tell every client a different
 * made-up public address (203.0.113.7 and 198.51.100.9, documentation ranges), and three more
 * servers of the same build, each on its own port and so its own origin (own storage), whose
 * config.json names one STUN server: A, B, or one on a closed port that never answers.
 *
 * For the @trust test of a relay in the middle, a second relay in its hostile `inTheMiddle` mode
 * (devices on it hear only a client on its `/attacker` path) and one more server of the build whose
 * config names only that relay, and STUN server A.
 *
 * For the @turn tests, coturn on 127.0.0.1 (scripts/turn/turn-server.ts, stopped by its PID in the
 * teardown) and one more server of the build whose config.json names only that TURN server, with
 * `iceTransportPolicy: 'relay'`; and one with the same policy but no TURN server at all, where no
 * connection can work. Without coturn installed, the @turn tests fail and say so.
 */
import { createSocket } from 'node:dgram'
import { existsSync } from 'node:fs'
import { startNostrRelay } from '../scripts/relay/nostr-relay.ts'
import { startStaticServer, type StaticServer } from '../scripts/static-server.ts'
import { startStunServer } from '../scripts/stun/stun-server.ts'
import { startTurnServer, turnServerAvailable } from '../scripts/turn/turn-server.ts'
import { testBuildDir } from './test-build.ts'

/** A UDP port nothing listens on: bound to learn a free one, then closed again. */
const closedUdpPort = async (): Promise<number> => {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(`${testBuildDir}/index.html`) || !existsSync('dist/index.html'))
    throw new Error('ferry e2e: build the app first (npm run build && npm run build:e2e)')
  const relay = await startNostrRelay()
  const relayUrls = [relay.url]
  const server = await startStaticServer({
    root: testBuildDir,
    config: { relayUrls, iceServers: [], testHooks: true },
  })
  // The production build, asked for test hooks by its served config (@hardening: it ignores them).
  const production = await startStaticServer({
    root: 'dist',
    config: { relayUrls, iceServers: [], testHooks: true },
  })

  // Chromium drops a server-reflexive candidate equal to its own host address (127.0.0.1 here, with
  // media permission granted), so each server reports an address of its own.
  const stunA = await startStunServer({ mappedAddress: { address: '203.0.113.7' } })
  const stunB = await startStunServer({ mappedAddress: { address: '198.51.100.9' } })
  const nearbyServer = (iceServers: RTCIceServer[]): Promise<StaticServer> =>
    startStaticServer({ root: testBuildDir, config: { relayUrls, iceServers, testHooks: true } })
  const nearbyA = await nearbyServer([{ urls: stunA.url }])
  const nearbyB = await nearbyServer([{ urls: stunB.url }])
  const noStunAnswer = await nearbyServer([{ urls: `stun:127.0.0.1:${await closedUdpPort()}` }])
  const middleRelay = await startNostrRelay({ inTheMiddle: true })
  const middleServed = await startStaticServer({
    root: testBuildDir,
    config: { relayUrls: [middleRelay.url], iceServers: [{ urls: stunA.url }], testHooks: true },
  })

  const turn = turnServerAvailable() ? await startTurnServer() : null
  const relayOnly = (iceServers: RTCIceServer[]): Promise<StaticServer> =>
    startStaticServer({
      root: testBuildDir,
      config: { relayUrls, iceServers, iceTransportPolicy: 'relay', testHooks: true },
    })
  const turnServed = turn
    ? await relayOnly([{ urls: turn.url, username: turn.username, credential: turn.credential }])
    : null
  const noTurnServed = await relayOnly([])

  if (turn && turnServed) {
    process.env['FERRY_TURN_URL'] = turnServed.url
    process.env['FERRY_TURN_SERVER'] = JSON.stringify({
      urls: turn.url,
      username: turn.username,
      credential: turn.credential,
    })
  }
  process.env['FERRY_NO_TURN_URL'] = noTurnServed.url
  process.env['FERRY_APP_URL'] = server.url
  process.env['FERRY_PRODUCTION_URL'] = production.url
  process.env['FERRY_RELAY_URL'] = relay.url
  process.env['FERRY_NEARBY_A_URL'] = nearbyA.url
  process.env['FERRY_NEARBY_B_URL'] = nearbyB.url
  process.env['FERRY_NO_STUN_ANSWER_URL'] = noStunAnswer.url
  process.env['FERRY_MIDDLE_URL'] = middleServed.url
  process.env['FERRY_MIDDLE_RELAY_URL'] = middleRelay.url
  return async () => {
    await Promise.all(
      [
        server,
        production,
        nearbyA,
        nearbyB,
        noStunAnswer,
        middleServed,
        noTurnServed,
        ...(turnServed ? [turnServed] : []),
      ].map((started) => started.close()),
    )
    await turn?.close()
    await Promise.all([stunA.close(), stunB.close()])
    await Promise.all([relay.close(), middleRelay.close()])
  }
}
