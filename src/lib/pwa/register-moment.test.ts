import { describe, expect, it } from 'vitest'
import { registerDelayMs, registrationMoment, type RegisterMomentDeps } from './register-moment.ts'

/** A page in memory: load, visibility and timers moved by hand. */
const page = (hidden = false) => {
  let resolveLoad = () => undefined as void
  const loaded = new Promise<void>((resolve) => (resolveLoad = resolve))
  const timers: { at: number; callback: () => void }[] = []
  const listeners = new Set<() => void>()
  let now = 0
  const deps: RegisterMomentDeps = {
    loaded,
    isHidden: () => hidden,
    watchVisibility: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    setTimeout: (callback, ms) => timers.push({ at: now + ms, callback }),
  }
  return {
    deps,
    listeners,
    load: async () => {
      resolveLoad()
      await loaded
      await Promise.resolve()
    },
    advance: (ms: number) => {
      now += ms
      for (const timer of timers.filter((timer) => timer.at <= now)) {
        timers.splice(timers.indexOf(timer), 1)
        timer.callback()
      }
    },
    setHidden: (value: boolean) => {
      hidden = value
      for (const listener of [...listeners]) listener()
    },
  }
}

/** Whether `promise` has settled, after pending callbacks ran. */
const settled = async (promise: Promise<void>) => {
  let done = false
  void promise.then(() => (done = true))
  for (let i = 0; i < 5; i++) await Promise.resolve()
  return done
}

describe('service worker registration moment', () => {
  it('comes registerDelayMs after the page has loaded, not before', async () => {
    const p = page()
    const moment = registrationMoment(p.deps)
    p.advance(registerDelayMs * 2)
    expect(await settled(moment)).toBe(false)
    await p.load()
    p.advance(registerDelayMs - 1)
    expect(await settled(moment)).toBe(false)
    p.advance(1)
    expect(await settled(moment)).toBe(true)
    expect(p.listeners.size).toBe(0)
  })

  it('comes at once when the page is hidden, before or after loading', async () => {
    expect(await settled(registrationMoment(page(true).deps))).toBe(true)

    const p = page()
    const moment = registrationMoment(p.deps)
    p.setHidden(false)
    expect(await settled(moment)).toBe(false)
    p.setHidden(true)
    expect(await settled(moment)).toBe(true)
    expect(p.listeners.size).toBe(0)
  })
})
