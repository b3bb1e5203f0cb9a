import { describe, expect, it } from 'vitest'
import { formatDuration } from './format.ts'

describe('formatDuration', () => {
  it('rounds to what people say: seconds, then minutes, then hours', () => {
    expect(formatDuration(0.2)).toMatch(/^1\s?sec/)
    expect(formatDuration(42.1)).toMatch(/^43\s?sec/)
    expect(formatDuration(89)).toMatch(/^1\s?min/)
    expect(formatDuration(61 * 60)).toMatch(/^1(\.0)?\s?hr/)
    expect(formatDuration(2.5 * 3600)).toMatch(/^2\.5\s?hr/)
  })
})
