import { describe, expect, it } from 'vitest'
import { detectDeviceKind, randomDeviceName } from './identity.ts'

describe('identity', () => {
  it('names a device "Adjective Animal"', () => {
    expect(randomDeviceName(() => 0)).toBe('Amber Badger')
    expect(randomDeviceName(() => 0.9999)).toBe('Witty Wombat')
    expect(randomDeviceName()).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/)
  })

  it('guesses the kind of device', () => {
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148'
    const androidPhone = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120 Mobile Safari/537.36'
    const androidTablet = 'Mozilla/5.0 (Linux; Android 14; SM-X910) Chrome/120 Safari/537.36'
    const mac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15'
    const windows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120'
    expect(detectDeviceKind({ userAgent: iphone, maxTouchPoints: 5 })).toBe('phone')
    expect(detectDeviceKind({ userAgent: androidPhone, maxTouchPoints: 5 })).toBe('phone')
    expect(detectDeviceKind({ userAgent: androidTablet, maxTouchPoints: 5 })).toBe('tablet')
    expect(detectDeviceKind({ userAgent: mac, maxTouchPoints: 5 })).toBe('tablet')
    expect(detectDeviceKind({ userAgent: mac, maxTouchPoints: 0 })).toBe('laptop')
    expect(detectDeviceKind({ userAgent: windows, maxTouchPoints: 0 })).toBe('desktop')
    expect(detectDeviceKind({ userAgent: 'curl/8', maxTouchPoints: 0 })).toBe('unknown')
  })
})
