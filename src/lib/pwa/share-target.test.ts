import { describe, expect, it } from 'vitest'
import { maxTextChars } from '../protocol/limits.ts'
import { launchActionOf } from './launch.ts'
import { isOwnShare, newShareId, sharedItemsFromForm } from './share-target.ts'

const form = (fields: [string, string | File][]) => {
  const data = new FormData()
  for (const [name, value] of fields) data.append(name, value)
  return data
}

describe('sharedItemsFromForm', () => {
  it('reads every shared file and one text from title, text and link', () => {
    const a = new File(['aaa'], 'a.txt', { type: 'text/plain' })
    const b = new File([new Uint8Array([1, 2])], 'b.bin')
    const items = sharedItemsFromForm(
      form([
        ['files', a],
        ['files', b],
        ['title', 'A page'],
        ['text', 'Look at this'],
        ['url', 'https://example.org/'],
      ]),
    )
    expect(items.files.map((file) => file.name)).toEqual(['a.txt', 'b.bin'])
    expect(items.text).toBe('A page\nLook at this\nhttps://example.org/')
  })

  it('says a link once when the text already holds it', () => {
    const items = sharedItemsFromForm(
      form([
        ['text', 'Read https://example.org/'],
        ['url', 'https://example.org/'],
      ]),
    )
    expect(items.text).toBe('Read https://example.org/')
  })

  it('has no text when none was shared, and ignores strings in the files field', () => {
    const items = sharedItemsFromForm(
      form([
        ['files', 'not a file'],
        ['title', '  '],
      ]),
    )
    expect(items).toEqual({ files: [], text: null })
  })

  it('cuts text at the protocol limit', () => {
    const items = sharedItemsFromForm(form([['text', 'x'.repeat(maxTextChars + 10)]]))
    expect(items.text).toHaveLength(maxTextChars)
  })
})

describe('newShareId', () => {
  it('makes ids the app accepts back from its address', () => {
    const id = newShareId()
    expect(launchActionOf(new URL(`https://f.example/?shared=${id}`))).toEqual({
      kind: 'shared',
      shareId: id,
    })
    expect(newShareId()).not.toBe(id)
  })
})

describe('isOwnShare', () => {
  const app = 'https://ferry.example'
  const request = (referrer: string, site?: string) => ({
    referrer,
    headers: new Headers(site === undefined ? {} : { 'Sec-Fetch-Site': site }),
  })

  it("takes the share sheet's post (no referrer) and Ferry's own pages", () => {
    expect(isOwnShare(request(''), app)).toBe(true)
    expect(isOwnShare(request('', 'none'), app)).toBe(true)
    expect(isOwnShare(request('https://ferry.example/?x=1'), app)).toBe(true)
    expect(isOwnShare(request('https://ferry.example/', 'same-origin'), app)).toBe(true)
  })

  it('refuses a post from another site or origin', () => {
    expect(isOwnShare(request('https://evil.example/form'), app)).toBe(false)
    expect(isOwnShare(request('https://ferry.example.evil.example/'), app)).toBe(false)
    expect(isOwnShare(request('http://ferry.example/'), app)).toBe(false)
    expect(isOwnShare(request('', 'cross-site'), app)).toBe(false)
    expect(isOwnShare(request('', 'same-site'), app)).toBe(false)
    expect(isOwnShare(request('not a url'), app)).toBe(false)
  })
})
