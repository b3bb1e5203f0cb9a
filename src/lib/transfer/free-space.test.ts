import { describe, expect, it } from 'vitest'
import { checkFreeSpace, freeSpaceMarginBytes, freeSpaceMarginFraction } from './free-space.ts'

const MiB = 1024 * 1024
const GiB = 1024 * MiB
const estimate = (quota?: number, usage?: number) => () => Promise.resolve({ quota, usage })

describe('checkFreeSpace', () => {
  it('reports quota minus usage', async () => {
    expect(await checkFreeSpace(MiB, estimate(10 * GiB, 2 * GiB))).toEqual({
      fits: true,
      freeBytes: 8 * GiB,
    })
  })

  it('keeps a fixed margin plus a fraction of the offer', async () => {
    const totalBytes = 10 * GiB
    const neededBytes =
      totalBytes + freeSpaceMarginBytes + Math.ceil(totalBytes * freeSpaceMarginFraction)
    expect((await checkFreeSpace(totalBytes, estimate(neededBytes, 0))).fits).toBe(true)
    expect((await checkFreeSpace(totalBytes, estimate(neededBytes - 1, 0))).fits).toBe(false)
    // Exactly the offer's size free is not enough.
    expect((await checkFreeSpace(totalBytes, estimate(totalBytes, 0))).fits).toBe(false)
    expect((await checkFreeSpace(0, estimate(freeSpaceMarginBytes, 0))).fits).toBe(true)
    expect((await checkFreeSpace(0, estimate(freeSpaceMarginBytes - 1, 0))).fits).toBe(false)
  })

  it('says nothing (and lets the offer through) when the browser does not know', async () => {
    const unknown = { fits: true, freeBytes: null }
    expect(await checkFreeSpace(GiB, estimate())).toEqual(unknown)
    expect(await checkFreeSpace(GiB, estimate(GiB))).toEqual(unknown)
    expect(await checkFreeSpace(GiB, estimate(Number.NaN, 0))).toEqual(unknown)
    expect(await checkFreeSpace(GiB, () => Promise.reject(new TypeError('no storage')))).toEqual(
      unknown,
    )
  })

  it('treats usage over quota as no free space', async () => {
    expect(await checkFreeSpace(1, estimate(GiB, 2 * GiB))).toEqual({ fits: false, freeBytes: 0 })
  })
})
