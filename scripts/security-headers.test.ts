import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { contentSecurityPolicy, securityHeaders } from './security-headers.ts'

describe('security headers', () => {
  it('are what docs/self-hosting.md tells hosts to send, for nginx and for _headers', () => {
    const doc = readFileSync('docs/self-hosting.md', 'utf8')
    for (const [name, value] of Object.entries(securityHeaders)) {
      const nginxValue = /[\s;]/.test(value) ? `"${value}"` : value
      expect(doc, `nginx ${name}`).toContain(`add_header ${name} ${nginxValue} always;`)
      expect(doc, `_headers ${name}`).toContain(`  ${name}: ${value}\n`)
    }
  })

  it('allow no inline script, no plugins, no base tag, no framing, and workers from the app only', () => {
    const directives = new Map(
      securityHeaders['Content-Security-Policy']
        ?.split('; ')
        .map((directive) => [directive.split(' ')[0], directive.split(' ').slice(1)]),
    )
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"])
    expect(directives.get('style-src')).toEqual(["'self'"])
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('base-uri')).toEqual(["'none'"])
    expect(directives.get('worker-src')).toEqual(["'self'"])
    expect(directives.get('frame-ancestors')).toEqual(["'none'"])
    // A meta tag cannot carry frame-ancestors (browsers ignore it there and warn).
    expect(contentSecurityPolicy).not.toContain('frame-ancestors')
  })
})
