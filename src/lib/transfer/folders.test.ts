import { describe, expect, it } from 'vitest'
import type { ControlMessage } from '../protocol/control.ts'
import { newTransferId } from '../protocol/ids.ts'
import { createHarness, isEnded, randomBytes, sameBytes } from './testing/test-harness.ts'
import type { OutgoingFile } from './types.ts'

const outgoing = (bytes: Uint8Array<ArrayBuffer>, name: string, path?: string): OutgoingFile => ({
  blob: new Blob([bytes]),
  name,
  type: '',
  ...(path === undefined ? {} : { path }),
})

const offerSent = (messages: ControlMessage[]) =>
  messages.find((message) => message.type === 'offer')

describe('folders', () => {
  it('deliver a tree with its empty files and empty folders', async () => {
    const h = createHarness()
    const sources = [randomBytes(70_000, 1), randomBytes(0, 2), randomBytes(5, 3)]
    const files = [
      outgoing(sources[0]!, 'a.bin', 'photos/a.bin'),
      outgoing(sources[1]!, 'empty.txt', 'photos/2024/empty.txt'),
      outgoing(sources[2]!, 'c.bin', 'photos/2024/deep/c.bin'),
    ]
    const id = h.alice.sendFiles('bob', files, ['photos/nothing here', 'photos/2024/also empty'])
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    const offered = h.latest('bob', id)
    expect(offered?.folders).toEqual(['photos/nothing here', 'photos/2024/also empty'])
    expect(offered?.files.map((file) => file.path)).toEqual([
      'photos/a.bin',
      'photos/2024/empty.txt',
      'photos/2024/deep/c.bin',
    ])
    h.bob.accept(id)
    await h.until(() => isEnded(h.latest('alice', id)) && isEnded(h.latest('bob', id)), 'the end')
    const received = h.latest('bob', id)
    expect(received?.state).toBe('complete')
    expect(h.latest('alice', id)?.folders).toEqual(offered?.folders)
    expect(received?.folders).toEqual(offered?.folders)
    for (const [index, source] of sources.entries()) {
      expect(await sameBytes(received?.files[index]?.blob, source)).toBe(true)
    }
  })

  it('leave folders out of snapshots and offers when there are none', async () => {
    const h = createHarness()
    const id = h.alice.sendFiles('bob', [outgoing(randomBytes(3, 1), 'a')], [])
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    expect(h.latest('bob', id)).not.toHaveProperty('folders')
    expect(offerSent(h.sent.alice)).not.toHaveProperty('folders')
  })

  it('make our own names and paths safe before offering them', async () => {
    const h = createHarness()
    const id = h.alice.sendFiles('bob', [
      outgoing(randomBytes(1, 1), 'CON'),
      outgoing(randomBytes(1, 2), 'notes. ', 'my:dir/sub\u202e/notes. '),
      outgoing(randomBytes(1, 3), 'a/b'),
    ])
    await h.until(() => h.latest('bob', id)?.state === 'offered', 'the offer')
    const files = h.latest('bob', id)?.files
    expect(files?.map((file) => file.name)).toEqual(['_CON', 'notes', 'a_b'])
    expect(files?.[1]?.path).toBe('my_dir/sub/notes')
    expect(h.protocolErrors('bob')).toEqual([])
  })

  it('offer only folders that are empty, safe and distinct', () => {
    const h = createHarness()
    h.alice.sendFiles(
      'bob',
      [outgoing(randomBytes(1, 1), 'f', 'top/sub/f'), outgoing(randomBytes(1, 2), 'loose')],
      [
        'top', // holds a file
        'top/sub', // holds a file
        'top/empty',
        'top/empty', // again
        'top/a:b', // made safe
        'top/a_b', // the same once made safe
        'top/x', // holds the next one
        'top/x/y',
        'loose', // a file's name
        'top/sub/f', // a file's path
        '', // nothing
      ],
    )
    expect(offerSent(h.sent.alice)).toMatchObject({
      folders: ['top/empty', 'top/a_b', 'top/x/y'],
    })
  })

  it('decline an offer whose folders are unsafe, rather than repair them', async () => {
    const h = createHarness()
    const transfer = newTransferId()
    const offer = {
      type: 'offer',
      transfer,
      files: [{ index: 0, name: 'a', size: 1, type: '' }],
      folders: ['../outside'],
    }
    h.bob.handleControl('alice', JSON.stringify(offer))
    await h.until(() => h.sent.bob.length > 0, 'the answer')
    expect(h.sent.bob).toEqual([{ type: 'decline', transfer, reason: 'invalid' }])
    expect(h.protocolErrors('bob')).toEqual(['invalid-field'])
    expect(h.latest('bob', transfer)).toBeUndefined()
  })
})
