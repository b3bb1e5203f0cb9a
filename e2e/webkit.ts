/**
 * A WebKit page for the e2e tests: Debian's WebKitGTK MiniBrowser in automation mode, driven by
 * WebKitWebDriver (W3C WebDriver over HTTP, spoken here with fetch: a handful of commands) on a
 * virtual display (Xvfb), all inside the test's network namespace.
 *
 * Only what the @webkit smoke test needs: open a URL, run a script, read the page, close.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'

export const webkitDriverPath = '/usr/bin/WebKitWebDriver'
export const miniBrowserPath = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'

export const webkitAvailable = (): boolean =>
  existsSync(webkitDriverPath) && existsSync(miniBrowserPath) && existsSync('/usr/bin/Xvfb')

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })

/** Resolves once `exited` or `ready()` says so, or fails after `timeoutMs`. */
const waitUntil = async (what: string, ready: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return
    await sleep(200)
  }
  throw new Error(`webkit: ${what} not ready after ${timeoutMs} ms`)
}

const stop = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await Promise.race([exited, sleep(5000)])
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

export class WebKitPage {
  private constructor(
    private readonly base: string,
    private readonly xvfb: ChildProcess,
    private readonly driver: ChildProcess,
  ) {}

  /** Starts Xvfb, the driver and a MiniBrowser session. */
  static async launch(): Promise<WebKitPage> {
    if (!webkitAvailable()) {
      throw new Error(
        'ferry e2e: WebKitGTK is not installed (apt-get install webkit2gtk-driver xvfb), so no @webkit',
      )
    }
    // A display number of our own: Xvfb picks a free one and writes it to fd 3.
    const xvfb = spawn(
      'Xvfb',
      ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'],
      {
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      },
    )
    const display = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('webkit: Xvfb did not start')), 15_000)
      xvfb.stdio[3]?.on('data', (data: Buffer) => {
        clearTimeout(timer)
        resolve(`:${data.toString().trim()}`)
      })
      xvfb.once('exit', () => reject(new Error('webkit: Xvfb exited')))
    })
    const port = await freePort()
    const driver = spawn(webkitDriverPath, [`--port=${port}`, '--host=127.0.0.1'], {
      env: { ...process.env, DISPLAY: display },
      stdio: process.env['FERRY_E2E_CONSOLE'] ? 'inherit' : 'ignore',
    })
    const base = `http://127.0.0.1:${port}`
    const page = new WebKitPage(base, xvfb, driver)
    try {
      await waitUntil('WebKitWebDriver', async () => (await fetch(`${base}/status`)).ok, 15_000)
      const { value } = (await page.command('POST', '/session', {
        capabilities: {
          alwaysMatch: {
            'webkitgtk:browserOptions': {
              binary: miniBrowserPath,
              args: ['--automation', '--enable-webrtc=true', '--enable-media-stream=true'],
            },
          },
        },
      })) as { value: { sessionId: string } }
      page.sessionId = value.sessionId
    } catch (error) {
      await page.close()
      throw error
    }
    return page
  }

  private sessionId = ''

  private async command(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const reply = (await response.json()) as { value: unknown }
    if (!response.ok) throw new Error(`webkit: ${method} ${path}: ${JSON.stringify(reply.value)}`)
    return reply
  }

  async goto(url: string): Promise<void> {
    await this.command('POST', `/session/${this.sessionId}/url`, { url })
  }

  async reload(): Promise<void> {
    await this.command('POST', `/session/${this.sessionId}/refresh`, {})
  }

  /** Runs `script` (a function body; `arguments` holds `args`) and returns what it returns. */
  async evaluate<T>(script: string, ...args: unknown[]): Promise<T> {
    const { value } = await this.command('POST', `/session/${this.sessionId}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];
        Promise.resolve().then(async () => { ${script} }).then(done, (e) => done({ ferryError: String(e) }))`,
      args,
    })
    if (typeof value === 'object' && value !== null && 'ferryError' in value) {
      throw new Error(`webkit: script failed: ${String(value.ferryError)}`)
    }
    return value as T
  }

  /** Polls `script` until it returns something truthy, and returns that. */
  async waitFor<T>(what: string, script: string, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    let last: unknown
    while (Date.now() < deadline) {
      try {
        const value = await this.evaluate<T>(script)
        if (value) return value
      } catch (error) {
        last = error
      }
      await sleep(250)
    }
    throw new Error(`webkit: timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last })
  }

  async close(): Promise<void> {
    if (this.sessionId) {
      await this.command('DELETE', `/session/${this.sessionId}`).catch(() => undefined)
    }
    await stop(this.driver)
    await stop(this.xvfb)
  }
}
