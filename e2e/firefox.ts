/**
 * A Firefox device for the e2e tests: Debian's Firefox ESR driven over WebDriver BiDi by
 * puppeteer-core (Playwright's own Firefox is a patched build that cannot be installed offline,
 * and its BiDi mode needs commands ESR does not have yet). One Firefox process per device: its own
 * profile, storage, WebRTC stack and download folder.
 *
 * It finds what it clicks by role and accessible name, as a person would, and by the same test ids
 * as the Chromium `Device` (fixtures.ts); `devices.ts` puts both behind one interface.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core'

export const firefoxPath = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr'

/** How long to wait for a condition by default, as Playwright's expect timeout (15 s). */
const defaultTimeoutMs = 15_000

/**
 * Prefs that let two pages of one machine connect inside the test's network namespace (see
 * scripts/in-netns.sh), and that make the page what a person's Firefox would be: English, downloads
 * saved without a dialog, the clipboard readable by the test.
 */
const firefoxPrefs = (downloadDir: string): Record<string, unknown> => ({
  'media.peerconnection.ice.loopback': true,
  // Otherwise host addresses hide behind mDNS names, which nothing resolves in the namespace.
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'intl.accept_languages': 'en-US',
  'intl.locale.requested': 'en-US',
  'browser.download.dir': downloadDir,
  'browser.download.folderList': 2,
  'browser.download.useDownloadDir': true,
  'browser.download.always_ask_before_handling_new_types': false,
  'browser.download.start_downloads_in_tmp_dir': false,
  'browser.download.alwaysOpenPanel': false,
  'dom.events.asyncClipboard.readText': true,
  'dom.events.testing.asyncClipboard': true,
  'browser.shell.checkDefaultBrowser': false,
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it returns something other than undefined, or throws after `timeoutMs`. */
export const waitFor = async <T>(
  what: string | (() => string),
  check: () => Promise<T | undefined>,
  timeoutMs = defaultTimeoutMs,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      const described = typeof what === 'string' ? what : what()
      throw new Error(`firefox device: timed out after ${timeoutMs} ms waiting for ${described}`, {
        cause: last,
      })
    }
    await sleep(200)
  }
}

/** A CSS selector for an element with this test id, optionally with attributes. */
export const byTestId = (testId: string, attributes: Record<string, string> = {}): string =>
  `[data-testid="${testId}"]` +
  Object.entries(attributes)
    .map(([name, value]) => `[${name}="${value.replaceAll('"', '\\"')}"]`)
    .join('')

export class FirefoxDevice {
  /** Downloads already handed out by downloaded(). */
  private readonly seen = new Set<string>()

  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    readonly downloadDir: string,
    private readonly profileDir: string,
  ) {}

  static async open(url: string): Promise<FirefoxDevice> {
    const downloadDir = await mkdtemp(join(tmpdir(), 'ferry-firefox-downloads-'))
    const profileDir = await mkdtemp(join(tmpdir(), 'ferry-firefox-profile-'))
    const browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: firefoxPath,
      headless: true,
      userDataDir: profileDir,
      extraPrefsFirefox: firefoxPrefs(downloadDir),
      // HOME owned by another user makes Firefox refuse to start as root.
      env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
    })
    const page = (await browser.pages())[0] ?? (await browser.newPage())
    if (process.env['FERRY_E2E_CONSOLE']) {
      page.on('console', (m) => console.log(`[firefox] ${m.type()}: ${m.text()}`))
    }
    await page.goto(url)
    const device = new FirefoxDevice(browser, page, downloadDir, profileDir)
    await device.visible(byTestId('my-name'))
    return device
  }

  /** The profile folder, which every process of this Firefox names on its command line. */
  get profilePath(): string {
    return this.profileDir
  }

  /** Waits until an element matching `selector` is shown, and returns it. */
  async visible(selector: string, timeoutMs = defaultTimeoutMs): Promise<ElementHandle> {
    const handle = await this.page.waitForSelector(selector, { visible: true, timeout: timeoutMs })
    if (!handle) throw new Error(`firefox device: ${selector} not found`)
    return handle
  }

  /** Waits until nothing matches `selector`. */
  async gone(selector: string, timeoutMs = defaultTimeoutMs): Promise<void> {
    await waitFor(
      `${selector} to go`,
      async () => ((await this.page.$(selector)) === null ? true : undefined),
      timeoutMs,
    )
  }

  /** The button named `name` (its accessible name, exactly) inside `scope`. */
  async button(scope: string, name: string, timeoutMs = defaultTimeoutMs): Promise<ElementHandle> {
    return waitFor(
      `button "${name}" in ${scope}`,
      async () => {
        const container = await this.page.$(scope)
        if (!container) return undefined
        const found = await container.$(`::-p-aria([name="${name}"][role="button"])`)
        return found ?? undefined
      },
      timeoutMs,
    )
  }

  async click(scope: string, buttonName: string, timeoutMs = defaultTimeoutMs): Promise<void> {
    await (await this.button(scope, buttonName, timeoutMs)).click()
  }

  async text(selector: string): Promise<string> {
    const handle = await this.visible(selector)
    return handle.evaluate((element) => (element as HTMLElement).innerText)
  }

  async attribute(selector: string, name: string): Promise<string | null> {
    return this.page.$eval(selector, (element, wanted) => element.getAttribute(wanted), name)
  }

  /** Waits until the element's attribute has this value. */
  async waitForAttribute(
    selector: string,
    name: string,
    value: string,
    timeoutMs = defaultTimeoutMs,
  ): Promise<void> {
    let seen: string | null | undefined
    await waitFor(
      () => `${selector} [${name}] = ${value} (last seen ${String(seen)})`,
      async () => {
        seen = await this.attribute(selector, name)
        return seen === value ? true : undefined
      },
      timeoutMs,
    )
  }

  /** Waits for a file of this name (or the first new one matching) to finish downloading. */
  async downloaded(name: string | RegExp, timeoutMs = 60_000): Promise<string> {
    return waitFor(
      `download of ${String(name)}`,
      async () => {
        const names = await readdir(this.downloadDir)
        if (names.some((entry) => entry.endsWith('.part'))) return undefined
        const found = names.find((entry) =>
          typeof name === 'string' ? entry === name : name.test(entry) && !this.seen.has(entry),
        )
        if (found === undefined) return undefined
        const path = join(this.downloadDir, found)
        // A finished download no longer grows.
        const before = (await stat(path)).size
        await sleep(200)
        if ((await stat(path)).size !== before) return undefined
        this.seen.add(found)
        return path
      },
      timeoutMs,
    )
  }

  async close(): Promise<void> {
    await this.browser.close()
    await rm(this.profileDir, { recursive: true, force: true })
    await rm(this.downloadDir, { recursive: true, force: true })
  }
}
