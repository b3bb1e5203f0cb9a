/**
 * Starts what the e2e tests talk to, inside the test run's network namespace: the local Nostr relay
 * and the built app on 127.0.0.1, configured with that relay only and no ICE servers.
 */
import { existsSync } from 'node:fs'
import { startNostrRelay } from '../scripts/relay/nostr-relay.ts'
import { startStaticServer } from '../scripts/static-server.ts'

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync('dist/index.html'))
    throw new Error('ferry e2e: build the app first (npm run build)')
  const relay = await startNostrRelay()
  const server = await startStaticServer({
    root: 'dist',
    config: { relayUrls: [relay.url], iceServers: [], testHooks: true },
  })
  process.env['FERRY_APP_URL'] = server.url
  process.env['FERRY_RELAY_URL'] = relay.url
  return async () => {
    await server.close()
    await relay.close()
  }
}
