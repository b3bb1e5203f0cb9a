import { describe, expect, it } from 'vitest'
import { sharedNames } from './shared-names.ts'

describe('sharedNames', () => {
  it('is empty when every name differs', () => {
    expect(sharedNames(['Calm Heron', 'Swift Fox', 'Teal Owl'])).toEqual(new Set())
  })

  it('names each repeated name once, however often it repeats', () => {
    expect(sharedNames(['Swift Fox', 'Teal Owl', 'Swift Fox', 'Swift Fox', 'Teal Owl'])).toEqual(
      new Set(['Swift Fox', 'Teal Owl']),
    )
  })

  it('tells names apart by their exact text', () => {
    expect(sharedNames(['Swift Fox', 'swift fox', 'Swift Fox '])).toEqual(new Set())
  })
})
