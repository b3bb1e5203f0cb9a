import { describe, expect, it } from 'vitest'
import { createSha256Hasher } from './hashing.ts'
import {
  createHashWorkerClient,
  createHashWorkerHost,
  maxHashBacklogBytes,
  type HashWorkerReply,
  type HashWorkerRequest,
} from './hash-worker-protocol.ts'

const abcDigest = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
const bytesOf = (text: string) => new TextEncoder().encode(text)

/** A client and host joined by queues the test delivers by hand, as a worker would, in order. */
const wired = () => {
  const toHost: HashWorkerRequest[] = []
  const toClient: HashWorkerReply[] = []
  const client = createHashWorkerClient((message) => toHost.push(message))
  const host = createHashWorkerHost(createSha256Hasher, (reply) => toClient.push(reply))
  /** Carries messages both ways until `until` settles (the first hasher loads hash-wasm). */
  const deliver = async (until: Promise<unknown>) => {
    let settled = false
    until.then(
      () => (settled = true),
      () => (settled = true),
    )
    for (let round = 0; round < 2000 && !settled; round++) {
      for (const message of toHost.splice(0)) host.receive(message)
      await new Promise((resolve) => setTimeout(resolve, 1))
      for (const reply of toClient.splice(0)) client.receive(reply)
    }
  }
  return { client, deliver, toHost }
}

describe('hash worker protocol', () => {
  it('hashes chunks in order and answers the digest', async () => {
    const { client, deliver } = wired()
    const hasher = client.open()
    hasher.update(bytesOf('a'))
    hasher.update(bytesOf('bc'))
    const digest = hasher.digestHex()
    await deliver(digest)
    expect(await digest).toBe(abcDigest)
  })

  it('copies what it is given: the caller may reuse or hand over its buffer at once', async () => {
    const { client, deliver } = wired()
    const hasher = client.open()
    const buffer = bytesOf('abc')
    hasher.update(buffer)
    buffer.fill(0)
    const digest = hasher.digestHex()
    await deliver(digest)
    expect(await digest).toBe(abcDigest)
  })

  it('saves a state another hasher goes on from', async () => {
    const { client, deliver } = wired()
    const first = client.open()
    first.update(bytesOf('a'))
    const state = first.save()
    await deliver(state)
    const resumed = client.open(await state)
    resumed.update(bytesOf('bc'))
    const digest = resumed.digestHex()
    await deliver(digest)
    expect(await digest).toBe(abcDigest)
  })

  it('keeps two hashers apart', async () => {
    const { client, deliver } = wired()
    const one = client.open()
    const two = client.open()
    one.update(bytesOf('ab'))
    two.update(bytesOf('x'))
    one.update(bytesOf('c'))
    const digests = [one.digestHex(), two.digestHex()]
    await deliver(Promise.all(digests))
    expect(await digests[0]).toBe(abcDigest)
    expect(await digests[1]).not.toBe(abcDigest)
  })

  it('makes a caller wait while more than maxHashBacklogBytes are unhashed', async () => {
    const { client, deliver } = wired()
    const hasher = client.open()
    await hasher.backlog()
    hasher.update(new Uint8Array(maxHashBacklogBytes + 1))
    let caughtUp = false
    const waiting = hasher.backlog().then(() => (caughtUp = true))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(caughtUp).toBe(false)
    await deliver(waiting)
    await waiting
    expect(caughtUp).toBe(true)
  })

  it('fails every answer, waiting and later, once the worker dies', async () => {
    const { client } = wired()
    const hasher = client.open()
    const digest = hasher.digestHex()
    client.fail(new Error('gone'))
    await expect(digest).rejects.toThrow('gone')
    expect(() => hasher.update(bytesOf('a'))).toThrow('gone')
    await expect(hasher.save()).rejects.toThrow('gone')
  })

  it('answers a request for an unknown hasher with a failure, not silence', async () => {
    const replies: HashWorkerReply[] = []
    const host = createHashWorkerHost(createSha256Hasher, (reply) => replies.push(reply))
    host.receive({ type: 'digest', id: 99, request: 7 })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(replies).toEqual([{ type: 'failed', request: 7, error: 'no hasher 99' }])
  })
})
