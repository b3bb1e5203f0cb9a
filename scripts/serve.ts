/**
 * `npm start`: serves the built app on 127.0.0.1 together with a local Nostr relay, which the app
 * uses besides a few public relays, so two tabs on this machine find each other with no internet.
 */
import { defaultRelayUrls } from '@trystero-p2p/nostr'
import { startNostrRelay } from './relay/nostr-relay.ts'
import { startStaticServer } from './static-server.ts'

const argValue = (name: string): string | undefined => {
  const index = process.argv.indexOf(name)
  return index >= 0 ? process.argv[index + 1] : undefined
}

const port = Number(argValue('--port') ?? process.env['PORT'] ?? 4173)
const relayPort = Number(argValue('--relay-port') ?? 7447)
const publicRelayCount = 3

const relay = await startNostrRelay({ port: relayPort })
const server = await startStaticServer({
  root: 'dist',
  port,
  config: { relayUrls: [relay.url, ...defaultRelayUrls.slice(0, publicRelayCount)] },
})
console.log(`Ferry is running at ${server.url}`)
console.log(`Local relay: ${relay.url}`)
console.log('Press Ctrl+C to stop.')

const stop = () => {
  void Promise.all([server.close(), relay.close()]).then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
