import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import * as zlib from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ATTRIBUTE_FINGERPRINT,
  ATTRIBUTE_MAPPED_ADDRESS,
  ATTRIBUTE_SOFTWARE,
  ATTRIBUTE_XOR_MAPPED_ADDRESS,
  BINDING_REQUEST,
  BINDING_SUCCESS_RESPONSE,
  MAGIC_COOKIE,
  MAX_REQUEST_BYTES,
  StunServerError,
  bytesToIp,
  crc32,
  decodeAddressValue,
  encodeAddressValue,
  encodeBindingRequest,
  encodeStunMessage,
  ipToBytes,
  parseStunMessage,
  startStunServer,
  type StunMessage,
  type StunServer,
  type StunServerOptions,
  type TransportAddress,
} from './stun-server.ts'

const WAIT_TIMEOUT_MS = 3000
/** How long a test listens to be sure no answer is coming. */
const SILENCE_MS = 150
/** tsx compiles on first run, which can take a while on a cold cache. */
const CLI_START_TIMEOUT_MS = 15_000
const BINDING_INDICATION = 0x0011

/** RFC 5769 §2.2 and §2.3: the transaction id of the sample responses. */
const RFC5769_TRANSACTION_ID = Uint8Array.from([
  0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
])

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const withTimeout = <T>(promise: Promise<T>, what: string, ms = WAIT_TIMEOUT_MS): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

const start = async (options: StunServerOptions = {}): Promise<StunServer> => {
  const server = await startStunServer(options)
  cleanups.push(() => server.close())
  return server
}

interface Client {
  readonly socket: Socket
  readonly port: number
  readonly received: Buffer[]
  send(bytes: Uint8Array, port: number): Promise<void>
  /** The next datagram, once it has arrived. */
  next(): Promise<Buffer>
}

const connectClient = async (type: 'udp4' | 'udp6' = 'udp4'): Promise<Client> => {
  const socket = createSocket(type)
  const host = type === 'udp4' ? '127.0.0.1' : '::1'
  await new Promise<void>((resolve) => socket.bind(0, host, resolve))
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())))
  const received: Buffer[] = []
  let taken = 0
  let wake = () => {}
  socket.on('message', (datagram: Buffer) => {
    received.push(datagram)
    wake()
  })
  return {
    socket,
    port: socket.address().port,
    received,
    send: (bytes, port) =>
      new Promise<void>((resolve, reject) =>
        socket.send(bytes, port, host, (error) => (error ? reject(error) : resolve())),
      ),
    next: () =>
      withTimeout(
        new Promise<Buffer>((resolve) => {
          const check = () => {
            const datagram = received[taken]
            if (datagram === undefined) return
            taken++
            resolve(datagram)
          }
          wake = check
          check()
        }),
        'a STUN response',
      ),
  }
}

const newTransactionId = () => new Uint8Array(randomBytes(12))

const attributeOf = (message: StunMessage, type: number) =>
  message.attributes.find((attribute) => attribute.type === type)?.value

/** Decodes XOR-MAPPED-ADDRESS by hand, independently of the module's own decoder. */
const decodeXorMappedByHand = (value: Uint8Array, transactionId: Uint8Array): TransportAddress => {
  const data = new DataView(value.buffer, value.byteOffset, value.byteLength)
  const family = data.getUint8(1)
  const port = data.getUint16(2) ^ 0x2112
  if (family === 1) {
    const ip = data.getUint32(4) ^ MAGIC_COOKIE
    return { address: [24, 16, 8, 0].map((shift) => (ip >>> shift) & 0xff).join('.'), port }
  }
  const mask = [0x21, 0x12, 0xa4, 0x42, ...transactionId]
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) {
    const high = (value[4 + i] ?? 0) ^ (mask[i] ?? 0)
    const low = (value[5 + i] ?? 0) ^ (mask[i + 1] ?? 0)
    groups.push(((high << 8) | low).toString(16))
  }
  return { address: groups.join(':'), port }
}

const bindAndDecode = async (
  client: Client,
  server: StunServer,
  transactionId = newTransactionId(),
) => {
  await client.send(encodeBindingRequest(transactionId), server.port)
  const response = await client.next()
  const parsed = parseStunMessage(response)
  if (!parsed.ok) throw new Error(`response did not parse: ${parsed.reason} ${parsed.detail}`)
  return { transactionId, response, message: parsed.message }
}

// -----------------------------------------------------------------------------------------------
// Pure parts

describe('crc32', () => {
  it('gives the CRC-32 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
    expect(crc32(new Uint8Array())).toBe(0)
  })

  it.skipIf(typeof zlib.crc32 !== 'function')('agrees with zlib', () => {
    for (const length of [1, 3, 20, 64, 1500]) {
      const bytes = new Uint8Array(randomBytes(length))
      expect(crc32(bytes)).toBe(zlib.crc32(bytes))
    }
  })
})

describe('addresses', () => {
  it('round-trips IPv4 and IPv6 through bytes', () => {
    expect(ipToBytes('203.0.113.7')).toEqual(Uint8Array.from([203, 0, 113, 7]))
    expect(bytesToIp(ipToBytes('2001:DB8::1')!)).toBe('2001:db8::1')
    expect(bytesToIp(ipToBytes('fe80::1%eth0')!)).toBe('fe80::1')
    expect(ipToBytes('::ffff:1.2.3.4')?.subarray(10)).toEqual(
      Uint8Array.from([255, 255, 1, 2, 3, 4]),
    )
    expect(ipToBytes('::')).toEqual(new Uint8Array(16))
    expect(ipToBytes('example.com')).toBeNull()
    expect(ipToBytes('1.2.3.256')).toBeNull()
  })

  it('decodes the RFC 5769 sample XOR-MAPPED-ADDRESS values', () => {
    const ipv4 = Uint8Array.from([0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43])
    expect(decodeAddressValue(ipv4, RFC5769_TRANSACTION_ID)).toEqual({
      address: '192.0.2.1',
      port: 32853,
    })
    const ipv6 = Uint8Array.from([
      0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa, 0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4,
      0xb5, 0xbe, 0xd2, 0xb9, 0xd9,
    ])
    expect(decodeAddressValue(ipv6, RFC5769_TRANSACTION_ID)).toEqual({
      address: '2001:db8:1234:5678:11:2233:4455:6677',
      port: 32853,
    })
    // And encodes them back byte for byte.
    expect(
      encodeAddressValue({ address: '192.0.2.1', port: 32853 }, RFC5769_TRANSACTION_ID),
    ).toEqual(ipv4)
    expect(
      encodeAddressValue(
        { address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 },
        RFC5769_TRANSACTION_ID,
      ),
    ).toEqual(ipv6)
  })

  it('refuses malformed address values', () => {
    expect(decodeAddressValue(new Uint8Array(3))).toBeNull()
    expect(decodeAddressValue(Uint8Array.from([0, 3, 0, 80, 1, 2, 3, 4]))).toBeNull()
    expect(decodeAddressValue(Uint8Array.from([0, 1, 0, 80, 1, 2, 3]))).toBeNull()
  })
})

describe('parseStunMessage', () => {
  const transactionId = RFC5769_TRANSACTION_ID

  it('reads a request with and without FINGERPRINT', () => {
    for (const fingerprint of [false, true]) {
      const parsed = parseStunMessage(encodeBindingRequest(transactionId, { fingerprint }))
      expect(parsed.ok).toBe(true)
      if (!parsed.ok) continue
      expect(parsed.message.type).toBe(BINDING_REQUEST)
      expect(parsed.message.transactionId).toEqual(transactionId)
      expect(parsed.message.attributes.map((a) => a.type)).toEqual(
        fingerprint ? [ATTRIBUTE_FINGERPRINT] : [],
      )
    }
  })

  it('pads attribute values and keeps them unpadded on reading', () => {
    const software = new TextEncoder().encode('abcde')
    const bytes = encodeStunMessage(BINDING_REQUEST, transactionId, [
      { type: ATTRIBUTE_SOFTWARE, value: software },
    ])
    expect(bytes.length).toBe(20 + 4 + 8)
    const parsed = parseStunMessage(bytes)
    expect(parsed.ok && attributeOf(parsed.message, ATTRIBUTE_SOFTWARE)).toEqual(software)
  })

  it.each([
    ['oversize', new Uint8Array(MAX_REQUEST_BYTES + 1)],
    ['too-short', new Uint8Array(19)],
    ['not-stun', new Uint8Array(20)],
    [
      'not-stun',
      Uint8Array.from([0xc0, 0x01, 0, 0, 0x21, 0x12, 0xa4, 0x42, ...new Uint8Array(12)]),
    ],
    ['bad-length', Uint8Array.from([0, 1, 0, 4, 0x21, 0x12, 0xa4, 0x42, ...new Uint8Array(12)])],
    ['bad-length', Uint8Array.from([0, 1, 0, 2, 0x21, 0x12, 0xa4, 0x42, ...new Uint8Array(14)])],
    [
      'bad-attribute',
      Uint8Array.from([
        0,
        1,
        0,
        4,
        0x21,
        0x12,
        0xa4,
        0x42,
        ...new Uint8Array(12),
        0x80,
        0x22,
        0,
        9,
      ]),
    ],
  ] as const)('drops %s', (reason, bytes) => {
    const parsed = parseStunMessage(bytes)
    expect(parsed.ok ? 'ok' : parsed.reason).toBe(reason)
  })

  it('checks FINGERPRINT and refuses attributes after it', () => {
    const good = encodeBindingRequest(transactionId, { fingerprint: true })
    const corrupt = good.slice()
    corrupt[corrupt.length - 1] = corrupt.at(-1)! ^ 1
    expect(parseStunMessage(corrupt)).toMatchObject({ ok: false, reason: 'bad-fingerprint' })
    // The CRC covers the transaction id too.
    const otherId = good.slice()
    otherId[10] = otherId[10]! ^ 0x80
    expect(parseStunMessage(otherId)).toMatchObject({ ok: false, reason: 'bad-fingerprint' })

    const trailing = new Uint8Array(good.length + 8)
    trailing.set(good)
    trailing.set([0x80, 0x22, 0, 4, 0x61, 0x62, 0x63, 0x64], good.length)
    const data = new DataView(trailing.buffer)
    data.setUint16(2, trailing.length - 20)
    // A valid FINGERPRINT for the new length, so only the trailing attribute is wrong.
    const fingerprintOffset = good.length - 8
    data.setUint32(
      fingerprintOffset + 4,
      (crc32(trailing.subarray(0, fingerprintOffset)) ^ 0x5354554e) >>> 0,
    )
    expect(parseStunMessage(trailing)).toMatchObject({ ok: false, reason: 'bad-attribute' })
  })

  it('never throws on random bytes', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(randomBytes(i % 64))
      // Give some of them a valid header, so the attribute walk is exercised too.
      if (bytes.length >= 20 && i % 2 === 0) {
        bytes.set([0, 1, 0, bytes.length - 20, 0x21, 0x12, 0xa4, 0x42])
      }
      expect(() => parseStunMessage(bytes)).not.toThrow()
    }
  })
})

// -----------------------------------------------------------------------------------------------
// The server over real sockets

describe('startStunServer', () => {
  it('answers a binding request with the client address, transaction id echoed', async () => {
    const server = await start()
    expect(server.url).toBe(`stun:127.0.0.1:${server.port}`)
    const client = await connectClient()
    const { transactionId, response, message } = await bindAndDecode(client, server)

    expect(message.type).toBe(BINDING_SUCCESS_RESPONSE)
    expect(message.transactionId).toEqual(transactionId)
    expect(new DataView(response.buffer, response.byteOffset).getUint32(4)).toBe(MAGIC_COOKIE)
    const xorMapped = attributeOf(message, ATTRIBUTE_XOR_MAPPED_ADDRESS)!
    expect(decodeXorMappedByHand(xorMapped, transactionId)).toEqual({
      address: '127.0.0.1',
      port: client.port,
    })
    expect(decodeAddressValue(attributeOf(message, ATTRIBUTE_MAPPED_ADDRESS)!)).toEqual({
      address: '127.0.0.1',
      port: client.port,
    })
    expect(new TextDecoder().decode(attributeOf(message, ATTRIBUTE_SOFTWARE))).toMatch(/ferry/)
    // FINGERPRINT is present, last, and was verified by parseStunMessage.
    expect(message.attributes.at(-1)?.type).toBe(ATTRIBUTE_FINGERPRINT)
    expect(server.stats()).toMatchObject({ packetsReceived: 1, responsesSent: 1, sendErrors: 0 })
  })

  it('answers with the configured mapped address, IPv4 or IPv6', async () => {
    const client = await connectClient()
    const ipv4 = await start({ mappedAddress: { address: '203.0.113.7' } })
    const first = await bindAndDecode(client, ipv4)
    expect(
      decodeXorMappedByHand(
        attributeOf(first.message, ATTRIBUTE_XOR_MAPPED_ADDRESS)!,
        first.transactionId,
      ),
    ).toEqual({
      address: '203.0.113.7',
      port: client.port,
    })

    const ipv6 = await start({ mappedAddress: { address: '2001:db8:0:1::7', port: 40_000 } })
    const second = await bindAndDecode(client, ipv6)
    const value = attributeOf(second.message, ATTRIBUTE_XOR_MAPPED_ADDRESS)!
    expect(decodeXorMappedByHand(value, second.transactionId)).toEqual({
      address: '2001:db8:0:1:0:0:0:7',
      port: 40_000,
    })
    expect(decodeAddressValue(value, second.transactionId)?.address).toBe('2001:db8:0:1::7')
  })

  it('answers over IPv6', async (context) => {
    const server = await startStunServer({ host: '::1' }).catch(() => null)
    if (!server) return context.skip()
    cleanups.push(() => server.close())
    expect(server.url).toBe(`stun:[::1]:${server.port}`)
    const client = await connectClient('udp6')
    const { message, transactionId } = await bindAndDecode(client, server)
    expect(
      decodeXorMappedByHand(attributeOf(message, ATTRIBUTE_XOR_MAPPED_ADDRESS)!, transactionId),
    ).toEqual({
      address: '0:0:0:0:0:0:0:1',
      port: client.port,
    })
  })

  it('can leave out SOFTWARE and FINGERPRINT', async () => {
    const server = await start({ software: null, fingerprint: false })
    const client = await connectClient()
    const { message } = await bindAndDecode(client, server)
    expect(message.attributes.map((a) => a.type)).toEqual([
      ATTRIBUTE_XOR_MAPPED_ADDRESS,
      ATTRIBUTE_MAPPED_ADDRESS,
    ])
  })

  it('ignores garbage and anything but a binding request, and keeps serving', async () => {
    const server = await start()
    const client = await connectClient()
    const id = newTransactionId()
    const junk: Uint8Array[] = [
      new Uint8Array(0),
      new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      new Uint8Array(20),
      new Uint8Array(MAX_REQUEST_BYTES + 1),
      encodeStunMessage(BINDING_SUCCESS_RESPONSE, id, []),
      encodeStunMessage(BINDING_INDICATION, id, []),
      encodeBindingRequest(id).subarray(0, 19),
    ]
    const corrupt = encodeBindingRequest(id, { fingerprint: true })
    corrupt[corrupt.length - 1] = corrupt.at(-1)! ^ 0xff
    junk.push(corrupt)
    for (const bytes of junk) await client.send(bytes, server.port)

    const { message } = await bindAndDecode(client, server)
    expect(message.type).toBe(BINDING_SUCCESS_RESPONSE)
    await new Promise((resolve) => setTimeout(resolve, SILENCE_MS))
    expect(client.received).toHaveLength(1)
    expect(server.stats()).toEqual({
      packetsReceived: junk.length + 1,
      responsesSent: 1,
      sendErrors: 0,
      dropped: {
        oversize: 1,
        'too-short': 2,
        'not-stun': 2,
        'bad-length': 0,
        'bad-attribute': 0,
        'bad-fingerprint': 1,
        'not-binding-request': 2,
      },
    })
  })

  it('answers a request that carries FINGERPRINT', async () => {
    const server = await start()
    const client = await connectClient()
    const id = newTransactionId()
    await client.send(encodeBindingRequest(id, { fingerprint: true }), server.port)
    const parsed = parseStunMessage(await client.next())
    expect(parsed.ok && parsed.message.transactionId).toEqual(id)
  })

  it('refuses bad options with a code', async () => {
    await expect(
      startStunServer({ mappedAddress: { address: 'nat.example' } }),
    ).rejects.toMatchObject({
      code: 'bad-option',
    })
    await expect(
      startStunServer({ mappedAddress: { address: '203.0.113.7', port: 70_000 } }),
    ).rejects.toBeInstanceOf(StunServerError)
    await expect(startStunServer({ software: 'x'.repeat(200) })).rejects.toMatchObject({
      code: 'bad-option',
    })
    const taken = await start()
    await expect(startStunServer({ port: taken.port })).rejects.toMatchObject({
      code: 'listen-failed',
    })
  })

  it('closes more than once', async () => {
    const server = await startStunServer()
    await Promise.all([server.close(), server.close()])
    await server.close()
  })
})

describe('scripts/stun.ts', () => {
  it('prints its URL, answers with --mapped and exits cleanly on SIGTERM', async () => {
    const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
    // `node --import tsx` keeps it to one process, so the signals reach the server itself.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/stun.ts', '--port', '0', '--mapped', '198.51.100.9'],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    cleanups.push(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    })
    const exited = once(child, 'exit')
    let stdout = ''
    const printed = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8')
        if (stdout.includes('\n')) resolve()
      }),
    )
    await withTimeout(printed, 'the server to print its URL', CLI_START_TIMEOUT_MS)
    const port = /^stun listening on stun:127\.0\.0\.1:(\d+)\n$/.exec(stdout)?.[1]
    expect(port).toBeDefined()

    const client = await connectClient()
    const id = newTransactionId()
    await client.send(encodeBindingRequest(id), Number(port))
    const parsed = parseStunMessage(await client.next())
    const value = parsed.ok ? attributeOf(parsed.message, ATTRIBUTE_XOR_MAPPED_ADDRESS) : undefined
    expect(value && decodeXorMappedByHand(value, id)).toEqual({
      address: '198.51.100.9',
      port: client.port,
    })

    child.kill('SIGTERM')
    const [code] = (await withTimeout(exited, 'the server to exit')) as [number | null]
    expect(code).toBe(0)
  })
})
