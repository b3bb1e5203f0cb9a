/**
 * Ferry's Content Security Policy and security headers, in one place: the build puts the policy
 * into index.html as a meta tag (vite.config.ts), scripts/static-server.ts sends the headers, and
 * docs/self-hosting.md shows them for nginx and `_headers` hosts (a unit test keeps it in step).
 *
 * connect-src: a static policy cannot know the relays a person types into the settings or agrees to
 * from a link, so it allows any secure WebSocket (`wss:`), and plain `ws:` only on this machine
 * (a relay for development and the tests). src/lib/signalling/config.ts accepts no other relay, so
 * the settings never take one the policy would block. A deployment that pins its relays can narrow
 * `wss:` to their hosts in its own header (both policies apply). WebRTC itself is not governed by CSP.
 */
import type { Plugin } from 'vite'

const directives: [string, string][] = [
  ['default-src', "'self'"],
  // hash-wasm compiles its WebAssembly from bytes: 'wasm-unsafe-eval' allows that and nothing else.
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['style-src', "'self'"],
  // Offer previews are data: URLs of JPEG, WebP or PNG images (protocol/control.ts checks them).
  ['img-src', "'self' data:"],
  ['connect-src', "'self' wss: ws://127.0.0.1:* ws://localhost:*"],
  ['worker-src', "'self'"],
  ['manifest-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'self'"],
  ['frame-src', "'none'"],
]

/** The policy of the meta tag (a meta tag cannot carry frame-ancestors). */
export const contentSecurityPolicy = directives
  .map(([name, value]) => `${name} ${value}`)
  .join('; ')

/** Every header a host should send with the app (static-server.ts, docs/self-hosting.md). */
export const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': `${contentSecurityPolicy}; frame-ancestors 'none'`,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy':
    'geolocation=(), payment=(), usb=(), serial=(), hid=(), bluetooth=(), midi=(), display-capture=(), browsing-topics=()',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
}

/** Adds the policy to the built index.html (not in `vite dev`, whose styles are injected inline). */
export const contentSecurityPolicyMeta = (): Plugin => ({
  name: 'ferry:content-security-policy',
  apply: 'build',
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy },
      injectTo: 'head-prepend',
    },
  ],
})
