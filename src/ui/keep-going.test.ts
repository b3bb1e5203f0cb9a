import { describe, expect, it } from 'vitest'
import { createKeepGoing, stallMs, type KeepGoingDeps } from './keep-going.ts'

const setup = (withWakeLock = true) => {
  const state = { hidden: false, nowMs: 0, held: 0, requests: 0, stalls: 0 }
  const deps: KeepGoingDeps = {
    requestWakeLock: withWakeLock
      ? () => {
          state.requests++
          state.held++
          return Promise.resolve({
            release: () => {
              state.held--
              return Promise.resolve()
            },
          })
        }
      : null,
    isHidden: () => state.hidden,
    nowMs: () => state.nowMs,
    onStalled: () => state.stalls++,
  }
  return { state, keep: createKeepGoing(deps) }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('createKeepGoing', () => {
  it('holds the screen awake while a transfer runs, and lets go after', async () => {
    const { state, keep } = setup()
    keep.update(true, 0)
    await settle()
    expect(state.held).toBe(1)
    keep.update(true, 100)
    await settle()
    expect(state.requests).toBe(1)
    keep.update(false, 200)
    await settle()
    expect(state.held).toBe(0)
  })

  it('asks for the lock again when the page comes back', async () => {
    const { state, keep } = setup()
    keep.update(true, 0)
    await settle()
    state.hidden = true
    state.held = 0 // the browser released it
    keep.visibilityChanged()
    state.hidden = false
    keep.visibilityChanged()
    await settle()
    expect(state.requests).toBe(2)
    expect(state.held).toBe(1)
  })

  it('asks before leaving only while a transfer runs', () => {
    const { keep } = setup(false)
    expect(keep.shouldConfirmLeaving()).toBe(false)
    keep.update(true, 0)
    expect(keep.shouldConfirmLeaving()).toBe(true)
    keep.update(false, 10)
    expect(keep.shouldConfirmLeaving()).toBe(false)
  })

  it('reports a transfer that made no progress while the page was hidden', () => {
    const { state, keep } = setup(false)
    keep.update(true, 50)
    state.hidden = true
    keep.visibilityChanged()
    state.nowMs += stallMs + 1
    state.hidden = false
    keep.visibilityChanged()
    expect(state.stalls).toBe(1)
  })

  it('says nothing when the transfer kept moving, or the page was hidden only briefly', () => {
    const { state, keep } = setup(false)
    keep.update(true, 50)
    state.hidden = true
    keep.visibilityChanged()
    state.nowMs += stallMs + 1
    keep.update(true, 60)
    state.nowMs += 10
    state.hidden = false
    keep.visibilityChanged()
    state.hidden = true
    keep.visibilityChanged()
    state.nowMs += 100
    state.hidden = false
    keep.visibilityChanged()
    expect(state.stalls).toBe(0)
  })
})
