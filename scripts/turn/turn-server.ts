/**
 * Runs coturn (Debian package `coturn`, binary `turnserver`) on 127.0.0.1 for the `@turn` tests:
 * long-term credentials for one test user, UDP only, no TLS, no CLI, and no configuration file
 * (`-n`: everything is on the command line, nothing is read from /etc). Loopback peers must be
 * allowed, since both browsers' relayed addresses are on 127.0.0.1.
 *
 * `startTurnServer` resolves once the server answers a STUN Binding Request on its port; `close`
 * stops exactly the process it started, by its PID (SIGTERM, then SIGKILL if it lingers).
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BINDING_SUCCESS_RESPONSE,
  TRANSACTION_ID_BYTES,
  encodeBindingRequest,
  parseStunMessage,
} from '../stun/stun-server.ts'

export interface TurnServerOptions {
  username?: string
  credential?: string
  realm?: string
  /**
   * Relay ports handed out to clients. Every page pre-warms 20 offers (Trystero's offer pool,
   * node_modules/@trystero-p2p/core/dist/offer-pool.mjs), and with relay-only ICE each one takes
   * an allocation, held until the server's lifetime for it runs out if the page goes without
   * freeing it: a few pages need hundreds of ports.
   */
  minRelayPort?: number
  maxRelayPort?: number
}

export interface TurnServer {
  /** `turn:127.0.0.1:PORT`, for RTCIceServer.urls. */
  url: string
  username: string
  credential: string
  pid: number
  close(): Promise<void>
}

const host = '127.0.0.1'
const turnBinary = 'turnserver'
const readyTimeoutMs = 10_000
const probeIntervalMs = 100
const stopTimeoutMs = 3000

/** True if coturn is installed (`apt-get install coturn`). */
export const turnServerAvailable = (): boolean =>
  spawnSync(turnBinary, ['--version'], { stdio: 'ignore' }).status === 0

/** A UDP port free right now: bound to learn one, then released for coturn to take. */
const freeUdpPort = async (): Promise<number> => {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, host, () => resolve()))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/** Sends Binding Requests until one is answered or the time is up; true if answered. */
const answersStun = async (port: number, timeoutMs: number): Promise<boolean> => {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, host, () => resolve()))
  try {
    return await new Promise<boolean>((resolve) => {
      const transactionId = randomBytes(TRANSACTION_ID_BYTES)
      const request = encodeBindingRequest(transactionId)
      socket.on('message', (message) => {
        const parsed = parseStunMessage(message)
        if (parsed.ok && parsed.message.type === BINDING_SUCCESS_RESPONSE) {
          clearInterval(probe)
          clearTimeout(deadline)
          resolve(true)
        }
      })
      const send = () => socket.send(request, port, host)
      const probe = setInterval(send, probeIntervalMs)
      const deadline = setTimeout(() => {
        clearInterval(probe)
        resolve(false)
      }, timeoutMs)
      send()
    })
  } finally {
    socket.close()
  }
}

export const startTurnServer = async (options: TurnServerOptions = {}): Promise<TurnServer> => {
  const username = options.username ?? 'test'
  const credential = options.credential ?? 'secret'
  const realm = options.realm ?? 'ferry.test'
  const port = await freeUdpPort()
  const minRelayPort = options.minRelayPort ?? 40_000
  const maxRelayPort = options.maxRelayPort ?? 59_999
  const dir = await mkdtemp(join(tmpdir(), 'ferry-turn-'))
  const logPath = join(dir, 'turnserver.log')
  const args = [
    '-n',
    `--listening-ip=${host}`,
    `--relay-ip=${host}`,
    `--listening-port=${port}`,
    `--min-port=${minRelayPort}`,
    `--max-port=${maxRelayPort}`,
    '--lt-cred-mech',
    `--user=${username}:${credential}`,
    `--realm=${realm}`,
    '--no-tls',
    '--no-dtls',
    '--no-tcp',
    '--no-tcp-relay',
    '--no-cli',
    '--allow-loopback-peers',
    '--no-rfc5780',
    '--relay-threads=1',
    // Everything it writes stays in our temporary directory: no /var/lib, /var/run, /var/log.
    `--userdb=${join(dir, 'turndb')}`,
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--log-file=${logPath}`,
    '--simple-log',
    '--no-stdout-log',
  ]
  const child = spawn(turnBinary, args, { stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve))
  const pid = child.pid

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && pid !== undefined) {
      process.kill(pid, 'SIGTERM')
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL')
      }, stopTimeoutMs)
      await exited
      clearTimeout(timer)
    }
    await rm(dir, { recursive: true, force: true })
  }

  const ready = await Promise.race([
    answersStun(port, readyTimeoutMs).then((answered) => (answered ? 'ready' : 'timeout')),
    exited.then(() => 'exited' as const),
    spawnFailed.then((error) => error),
  ])
  if (ready !== 'ready' || pid === undefined) {
    const log = await readFile(logPath, 'utf8').catch(() => '')
    await stop()
    const reason = ready instanceof Error ? ready.message : ready
    throw new Error(
      `ferry: turnserver did not start (${reason}); is coturn installed (apt-get install coturn)?\n${log.slice(-2000)}`,
    )
  }
  return { url: `turn:${host}:${port}`, username, credential, pid, close: stop }
}
