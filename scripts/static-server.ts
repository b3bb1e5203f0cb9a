/**
 * A small static server for the built app (dist/), for `npm start`, the e2e tests and the bench.
 * It listens on 127.0.0.1 only and serves `config.json` from memory, so one build can be pointed at
 * different relays and ICE servers at serve time. Every response carries the security headers a
 * host should send (security-headers.ts).
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { createGzip } from 'node:zlib'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { securityHeaders } from './security-headers.ts'

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
}

export interface StaticServerOptions {
  root: string
  host?: string
  port?: number
  /** Served as /config.json (see src/lib/signalling/config.ts); absent: 404, the app uses its defaults. */
  config?: unknown
}

export interface StaticServer {
  url: string
  port: number
  /** Serves another folder from now on, as a new deployment to the same origin would. */
  setRoot(root: string): void
  close(): Promise<void>
}

/** Types worth compressing, as any static host does (images here are compressed already). */
const compressible = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.webmanifest',
  '.svg',
  '.map',
  '.txt',
  '.wasm',
])

export const startStaticServer = async (options: StaticServerOptions): Promise<StaticServer> => {
  let root = resolve(options.root)
  const host = options.host ?? '127.0.0.1'
  const configBody = options.config === undefined ? null : JSON.stringify(options.config)

  const server: Server = createServer((request, response) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, securityHeaders).end()
        return
      }
      if (pathname === '/config.json') {
        if (configBody === null) {
          response.writeHead(404, securityHeaders).end()
        } else {
          response
            .writeHead(200, {
              ...securityHeaders,
              'Content-Type': contentTypes['.json'],
              'Cache-Control': 'no-store',
            })
            .end(configBody)
        }
        return
      }
      let file = normalize(join(root, pathname))
      if (file !== root && !file.startsWith(root + sep)) {
        response.writeHead(403, securityHeaders).end()
        return
      }
      let info = await stat(file).catch(() => null)
      if (info?.isDirectory()) {
        file = join(file, 'index.html')
        info = await stat(file).catch(() => null)
      }
      if (!info?.isFile()) {
        // Unknown paths without an extension are app routes: serve the shell.
        if (extname(pathname) !== '') {
          response.writeHead(404, securityHeaders).end()
          return
        }
        file = join(root, 'index.html')
        info = await stat(file).catch(() => null)
        if (!info?.isFile()) {
          response.writeHead(404, securityHeaders).end('Build the app first: npm run build')
          return
        }
      }
      const hashed = file.includes(`${sep}assets${sep}`)
      const gzip =
        compressible.has(extname(file)) && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')
      response.writeHead(200, {
        ...securityHeaders,
        'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
        ...(gzip ? { 'Content-Encoding': 'gzip' } : { 'Content-Length': info.size }),
        Vary: 'Accept-Encoding',
        'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      })
      if (request.method === 'HEAD') {
        response.end()
        return
      }
      const body = createReadStream(file)
      if (gzip) body.pipe(createGzip()).pipe(response)
      else body.pipe(response)
    })().catch(() => {
      if (!response.headersSent) response.writeHead(500, securityHeaders)
      response.end()
    })
  })

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolvePromise())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://${host}:${port}/`,
    port,
    setRoot: (next) => {
      root = resolve(next)
    },
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.closeAllConnections()
        server.close(() => resolvePromise())
      }),
  }
}
