/**
 * Runs the local Nostr relay: `tsx scripts/relay.ts [--host 127.0.0.1] [--port 7447] [--verbose]`.
 *
 * Prints exactly one line on stdout, `relay listening on ws://HOST:PORT`, so callers can wait
 * for it; `--verbose` logs connections and refusals on stderr. Stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util'
import { DEFAULT_RELAY_HOST, startNostrRelay } from './relay/nostr-relay.ts'

const DEFAULT_PORT = 7447
const PORT_MAX = 65_535
const EXIT_USAGE = 2
const USAGE = 'usage: tsx scripts/relay.ts [--host 127.0.0.1] [--port 7447] [--verbose]'

const fail = (message: string, exitCode: number): never => {
  console.error(message)
  process.exit(exitCode)
}

const readOptions = () => {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: DEFAULT_RELAY_HOST },
        port: { type: 'string', default: String(DEFAULT_PORT) },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
    if (values.help) {
      console.log(USAGE)
      process.exit(0)
    }
    const port = Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > PORT_MAX) {
      return fail(`--port must be an integer from 0 to ${PORT_MAX}\n${USAGE}`, EXIT_USAGE)
    }
    return { host: values.host, port, verbose: values.verbose }
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, EXIT_USAGE)
  }
}

const { host, port, verbose } = readOptions()
const relay = await startNostrRelay({
  host,
  port,
  ...(verbose ? { log: (line: string) => console.error(`relay: ${line}`) } : {}),
}).catch((error: unknown) =>
  // e.g. EADDRINUSE: one clear line instead of a stack trace.
  fail(
    `relay: cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`,
    1,
  ),
)
console.log(`relay listening on ${relay.url}`)

let stopping = false
const stop = (signal: NodeJS.Signals) => {
  // A second signal means "now": skip the graceful close.
  if (stopping) process.exit(1)
  stopping = true
  if (verbose) console.error(`relay: ${signal}, closing`)
  relay.close().then(
    () => process.exit(0),
    (error: unknown) => fail(`relay: close failed: ${String(error)}`, 1),
  )
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
