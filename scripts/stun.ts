/**
 * Runs the test STUN server:
 * `tsx scripts/stun.ts [--host 127.0.0.1] [--port 3478] [--mapped 203.0.113.7] [--verbose]`.
 *
 * `--mapped` makes every client see that address as its public one (its own port is kept), so
 * pages pointed at two servers land in two different nearby rooms. Prints exactly one line on
 * stdout, `stun listening on stun:HOST:PORT`, so callers can wait for it; `--verbose` logs dropped
 * packets on stderr. Stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util'
import { DEFAULT_STUN_HOST, StunServerError, startStunServer } from './stun/stun-server.ts'

/** The IANA port for STUN. */
const DEFAULT_PORT = 3478
const PORT_MAX = 65_535
const EXIT_USAGE = 2
const USAGE =
  'usage: tsx scripts/stun.ts [--host 127.0.0.1] [--port 3478] [--mapped 203.0.113.7] [--verbose]'

const fail = (message: string, exitCode: number): never => {
  console.error(message)
  process.exit(exitCode)
}

const readOptions = () => {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string', default: DEFAULT_STUN_HOST },
        port: { type: 'string', default: String(DEFAULT_PORT) },
        mapped: { type: 'string' },
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
    return { host: values.host, port, mapped: values.mapped, verbose: values.verbose }
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`, EXIT_USAGE)
  }
}

const { host, port, mapped, verbose } = readOptions()
const server = await startStunServer({
  host,
  port,
  ...(mapped === undefined ? {} : { mappedAddress: { address: mapped } }),
  ...(verbose ? { log: (line: string) => console.error(`stun: ${line}`) } : {}),
}).catch((error: unknown) =>
  // A bad --mapped, or EADDRINUSE: one clear line instead of a stack trace.
  fail(
    error instanceof Error ? error.message : String(error),
    error instanceof StunServerError && error.code === 'bad-option' ? EXIT_USAGE : 1,
  ),
)
console.log(`stun listening on ${server.url}`)

let stopping = false
const stop = (signal: NodeJS.Signals) => {
  // A second signal means "now": skip the graceful close.
  if (stopping) process.exit(1)
  stopping = true
  if (verbose) console.error(`stun: ${signal}, closing`)
  server.close().then(
    () => process.exit(0),
    (error: unknown) => fail(`stun: close failed: ${String(error)}`, 1),
  )
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
