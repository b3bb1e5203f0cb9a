/**
 * Devices for the e2e tests: each one a separate browser context (its own storage, its own WebRTC
 * stack) with the built app open, talking through the real local relay.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts'
import {
  test as base,
  chromium,
  expect,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from '@playwright/test'

const contextOptions = {
  // Without a media permission Chromium hides host candidates behind mDNS names, which do not
  // resolve inside the test's network namespace.
  permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'],
  acceptDownloads: true,
  // The tests find things by their English names: pin the language the app picks from the browser.
  locale: 'en-US',
}

/**
 * Every page of every context a test opens reports Content Security Policy violations here (an
 * init script listens for `securitypolicyviolation`); the test fails if any came (see `test`).
 */
const cspViolations: string[] = []
const watchedContexts = new WeakSet<BrowserContext>()

/** Makes every page of a context, now and later, report CSP violations to the running test. */
export const watchCsp = async (context: BrowserContext): Promise<void> => {
  if (watchedContexts.has(context)) return
  watchedContexts.add(context)
  await context.exposeBinding('ferryCspViolation', ({ page }, report: string) => {
    cspViolations.push(`${page.url()}: ${report}`)
  })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = `${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`
      void (
        globalThis as unknown as { ferryCspViolation(report: string): Promise<void> }
      ).ferryCspViolation(report)
    })
  })
}

export const appUrl = (): string => {
  const url = process.env['FERRY_APP_URL']
  if (!url) throw new Error('ferry e2e: FERRY_APP_URL is not set (global setup did not run)')
  return url
}

/** A server the global set-up started (see global-setup.ts), by the variable it exported. */
export const serverUrl = (
  name:
    | 'FERRY_NEARBY_A_URL'
    | 'FERRY_NEARBY_B_URL'
    | 'FERRY_NO_STUN_ANSWER_URL'
    | 'FERRY_TURN_URL'
    | 'FERRY_NO_TURN_URL'
    | 'FERRY_PRODUCTION_URL'
    | 'FERRY_MIDDLE_URL'
    | 'FERRY_MIDDLE_RELAY_URL',
): string => {
  const url = process.env[name]
  if (!url && name === 'FERRY_TURN_URL') {
    throw new Error(
      'ferry e2e: coturn is not installed (apt-get install coturn), so no TURN server',
    )
  }
  if (!url) throw new Error(`ferry e2e: ${name} is not set (global setup did not run)`)
  return url
}

/**
 * The names of the devices open in this worker. Names are random (30 × 30 of them), so eight
 * devices share one about one run in thirty; the tests find devices by name, so a device that
 * draws a name already open is renamed through the app, as a person would. A page that opens on a
 * prompt (a link naming its own relays) cannot be renamed until the prompt is answered, which is
 * the test's to do: such a device is drawn again from a fresh context instead.
 */
const openNames = new Set<string>()

export class Device {
  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async open(browser: Browser, url = appUrl()): Promise<Device> {
    for (let draw = 0; draw < 5; draw++) {
      const device = await Device.start(await browser.newContext(contextOptions), url)
      if (device) return device
    }
    return Device.unnamed()
  }

  /**
   * A device with an on-disk profile. Contexts from browser.newContext() are incognito-like: their
   * storage (the Origin Private File System among it) lives in memory with a small quota.
   */
  static async openPersistent(profileDir: string, url = appUrl()): Promise<Device> {
    const context = await chromium.launchPersistentContext(profileDir, {
      ...contextOptions,
      executablePath: chromiumPath,
      args: chromiumArgs,
    })
    return (await Device.start(context, url)) ?? Device.unnamed()
  }

  private static unnamed(): never {
    throw new Error('ferry e2e: every name drawn was already open, and a prompt kept the rename')
  }

  /** The device, or null (its context closed) if its name was taken and a prompt blocks renaming. */
  private static async start(context: BrowserContext, url: string): Promise<Device | null> {
    await watchCsp(context)
    const page = context.pages()[0] ?? (await context.newPage())
    if (process.env['FERRY_E2E_CONSOLE']) {
      const tag = Math.random().toString(36).slice(2, 5)
      page.on('console', (m) =>
        console.log(`[${tag} ${new Date().toISOString().slice(14, 23)}] ${m.type()}: ${m.text()}`),
      )
    }
    await page.goto(url)
    await expect(page.getByTestId('my-name')).toBeVisible()
    const device = new Device(context, page)
    const drawn = await device.name()
    let name = drawn
    for (let suffix = 2; openNames.has(name); suffix++) name = `${drawn} ${suffix}`
    if (name !== drawn) {
      if (await page.evaluate(() => document.querySelector('dialog:modal') !== null)) {
        await context.close()
        return null
      }
      await device.rename(name)
    } else {
      device.claim(name)
    }
    context.on('close', () => openNames.delete(device.openName))
    return device
  }

  /** The name this device holds in `openNames`. */
  private openName = ''

  private claim(name: string): void {
    openNames.delete(this.openName)
    openNames.add(name)
    this.openName = name
  }

  /** Renames this device through the header's Rename form. */
  async rename(name: string): Promise<void> {
    await this.closeView()
    await this.page.getByRole('button', { name: 'Rename' }).click()
    await this.page.getByLabel('Device name').fill(name)
    await this.page.getByRole('button', { name: 'Save' }).click()
    await expect(this.page.getByTestId('my-name')).toHaveText(name)
    this.claim(name)
  }

  name(): Promise<string> {
    return this.page.getByTestId('my-name').innerText()
  }

  /** Makes a private room and returns its link. */
  async shareLink(): Promise<string> {
    await this.closeView()
    await this.page.getByRole('button', { name: 'Share a link' }).click()
    const link = this.page.getByTestId('room-link')
    await expect(link).toHaveValue(/#room=/)
    return link.inputValue()
  }

  peer(name: string): Locator {
    return this.page.locator(`[data-testid="peer"][data-peer-name="${name}"]`)
  }

  async sendFiles(peerName: string, paths: string[]): Promise<void> {
    await this.peer(peerName).getByTestId('file-input').setInputFiles(paths)
  }

  /** Every device this one lists. */
  peers(): Locator {
    return this.page.getByTestId('peer')
  }

  /** Opens a peer's "Verify" disclosure and reads the code it shows. */
  async verificationCode(peerName: string): Promise<{ words: string; shown: string }> {
    await this.closeView()
    const verify = this.peer(peerName).getByTestId('verify')
    await verify.locator('summary').click()
    const code = verify.getByTestId('verification-code')
    await expect(code).toBeVisible()
    return { words: (await code.getAttribute('data-words')) ?? '', shown: await code.innerText() }
  }

  /** Settings, opened from the header's icon button if not open yet: its dialog. */
  async openSettings(): Promise<Locator> {
    return this.openView('settings')
  }

  /** History, opened from the header's icon button if not open yet: its dialog. */
  async openHistory(): Promise<Locator> {
    return this.openView('history')
  }

  /** Closes Settings or History, if one is open, with Escape (as a person would). */
  async closeView(): Promise<void> {
    const open = this.page.locator('[data-testid$="-view"][open]')
    if ((await open.count()) === 0) return
    await this.page.keyboard.press('Escape')
    await expect(open).toHaveCount(0)
  }

  private async openView(view: 'settings' | 'history'): Promise<Locator> {
    const dialog = this.page.getByTestId(`${view}-view`)
    if (!(await dialog.isVisible())) {
      await this.closeView()
      // By test id: the button's name changes with the language.
      await this.page.getByTestId(`open-${view}`).click()
    }
    await expect(dialog).toBeVisible()
    return dialog
  }

  transfer(direction: 'send' | 'receive'): Locator {
    return this.page.locator(`[data-testid="transfer"][data-direction="${direction}"]`)
  }

  async close(): Promise<void> {
    await this.context.close()
  }
}

/** Two devices in one private room, each listing the other; `url` picks the served config. */
export const connectPair = async (
  browser: Browser,
  url = appUrl(),
): Promise<{ a: Device; b: Device; aName: string; bName: string; link: string }> => {
  const a = await Device.open(browser, url)
  const link = await a.shareLink()
  const b = await Device.open(browser, link)
  const [aName, bName] = [await a.name(), await b.name()]
  await expect(a.peer(bName)).toBeVisible()
  await expect(b.peer(aName)).toBeVisible()
  return { a, b, aName, bName, link }
}

export const sha256File = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })

/** Random bytes written in pieces, so large files never sit whole in the test's memory. */
export const writeRandomFile = async (path: string, bytes: number): Promise<string> => {
  const pieceBytes = 8 * 1024 * 1024
  const handle = await open(path, 'w')
  try {
    for (let written = 0; written < bytes; written += pieceBytes) {
      await handle.write(randomBytes(Math.min(pieceBytes, bytes - written)))
    }
  } finally {
    await handle.close()
  }
  return path
}

/** Saves a received file through its Save button and checks it against its source by SHA-256. */
export const saveAndCompare = async (
  receiver: Device,
  sources: { name: string; path: string }[],
  outDir: string,
): Promise<void> => {
  const transfer = receiver.transfer('receive').first()
  for (const [index, source] of sources.entries()) {
    const [download] = await Promise.all([
      receiver.page.waitForEvent('download'),
      transfer.getByRole('button', { name: `Save ${source.name}`, exact: true }).click(),
    ])
    expect(download.suggestedFilename()).toBe(source.name)
    const saved = join(outDir, `received-${index}-${Date.now()}`)
    await download.saveAs(saved)
    expect(await sha256File(saved), source.name).toBe(await sha256File(source.path))
  }
}

/**
 * Playwright's test, with every context made through `browser.newContext` watched for CSP
 * violations (Device.openPersistent watches its own), and the test failed when one fired.
 */
export const test = base.extend<{ cspGuard: void }>({
  cspGuard: [
    async ({ browser }, use) => {
      const newContext = browser.newContext.bind(browser)
      browser.newContext = async (...args) => {
        const context = await newContext(...args)
        await watchCsp(context)
        return context
      }
      cspViolations.length = 0
      try {
        await use()
      } finally {
        browser.newContext = newContext
      }
      expect(cspViolations, 'Content Security Policy violations').toEqual([])
    },
    { auto: true },
  ],
})
export { expect }
