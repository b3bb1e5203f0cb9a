import { describe, expect, it } from 'vitest'
import { launchActionOf, withoutLaunchParams } from './launch.ts'

const at = (path: string) => new URL(path, 'https://ferry.example/')

describe('launchActionOf', () => {
  it('reads the new-link shortcut', () => {
    expect(launchActionOf(at('/?action=new-link'))).toEqual({ kind: 'new-link' })
  })

  it('reads a failed share', () => {
    expect(launchActionOf(at('/?action=share-failed'))).toEqual({ kind: 'share-failed' })
  })

  it('reads a share id', () => {
    expect(launchActionOf(at('/?shared=abc-123'))).toEqual({ kind: 'shared', shareId: 'abc-123' })
  })

  it('ignores unknown actions and malformed share ids', () => {
    expect(launchActionOf(at('/'))).toBeNull()
    expect(launchActionOf(at('/?action=format-disk'))).toBeNull()
    expect(launchActionOf(at('/?shared=../../etc'))).toBeNull()
    expect(launchActionOf(at(`/?shared=${'a'.repeat(65)}`))).toBeNull()
  })
})

describe('withoutLaunchParams', () => {
  it('keeps other parameters and the fragment', () => {
    const clean = withoutLaunchParams(
      at('/?relays=wss://r.example&action=new-link&shared=x#room=1'),
    )
    expect(clean.href).toBe('https://ferry.example/?relays=wss%3A%2F%2Fr.example#room=1')
  })
})
