/**
 * One shape for a device of any browser, so a cross-browser spec reads the same whichever browser
 * each device is: a Chromium `Device` (fixtures.ts, Playwright) or a `FirefoxDevice` (firefox.ts,
 * puppeteer-core over WebDriver BiDi). Every method waits for its condition, as `expect` does.
 *
 * The Chromium side calls the Device's own locators, so a change to how fixtures.ts finds things
 * carries over; the Firefox side finds the same test ids and the same roles and names.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser } from '@playwright/test'
import { Device, expect, saveAndCompare, sha256File } from './fixtures.ts'
import type { ElementHandle } from 'puppeteer-core'
import { byTestId, FirefoxDevice, waitFor } from './firefox.ts'

export type Direction = 'send' | 'receive'
export type BrowserName = 'chromium' | 'firefox'

export interface SourceFile {
  name: string
  path: string
}

interface FerryTestHooks {
  closePeerConnections(): void
}

export interface TestDevice {
  readonly browserName: BrowserName
  name(): Promise<string>
  shareLink(): Promise<string>
  /** Waits until this device lists `peerName`; resolves to the card's data-rooms. */
  expectPeer(peerName: string): Promise<string>
  /** The nearby line's state (checking, active, unavailable). */
  expectNearby(state: string): Promise<void>
  sendFiles(peerName: string, paths: string[]): Promise<void>
  sendFolder(peerName: string, folder: string): Promise<void>
  sendText(peerName: string, text: string): Promise<void>
  /** Waits for an offer and returns what it says. */
  offerText(): Promise<string>
  answerOffer(answer: 'Accept' | 'Decline'): Promise<void>
  /** Waits until the first transfer card of `direction` is in `state` (data-state). */
  expectTransfer(direction: Direction, state: string, timeoutMs?: number): Promise<void>
  transferText(direction: Direction): Promise<string>
  /** The fraction the first transfer card of `direction` shows done. */
  progress(direction: Direction): Promise<number>
  cancel(direction: Direction): Promise<void>
  /** Saves each received file through its Save button and compares it by SHA-256. */
  saveAndCompare(sources: SourceFile[], outDir: string): Promise<void>
  /** Saves the received transfer as a zip and returns its bytes. */
  saveZip(outDir: string): Promise<Uint8Array>
  /** Waits for a text message; returns its heading line and body. */
  receivedText(): Promise<{ card: string; body: string }>
  /** Opens a peer's Verify disclosure and returns the code's words. */
  verificationWords(peerName: string): Promise<string>
  /** What the app says this browser cannot do (data-limit of each line it shows). */
  limits(): Promise<string[]>
  /** Dismisses every finished transfer card, so the next transfer's card is the first. */
  dismissTransfers(): Promise<void>
  /** Closes every WebRTC connection of the page (a test hook), as a network drop would. */
  cutConnections(): Promise<void>
  close(): Promise<void>
}

const peerSelector = (name: string) => byTestId('peer', { 'data-peer-name': name })
const transferSelector = (direction: Direction) =>
  byTestId('transfer', { 'data-direction': direction })

export class ChromiumTestDevice implements TestDevice {
  readonly browserName = 'chromium'
  constructor(readonly device: Device) {}

  static async open(browser: Browser, url: string): Promise<ChromiumTestDevice> {
    return new ChromiumTestDevice(await Device.open(browser, url))
  }

  /** With an on-disk profile: an incognito-like context's storage is too small for large files. */
  static async openPersistent(profileDir: string, url: string): Promise<ChromiumTestDevice> {
    return new ChromiumTestDevice(await Device.openPersistent(profileDir, url))
  }

  name(): Promise<string> {
    return this.device.name()
  }
  shareLink(): Promise<string> {
    return this.device.shareLink()
  }
  async expectPeer(peerName: string): Promise<string> {
    await expect(this.device.peer(peerName)).toBeVisible()
    return (await this.device.peer(peerName).getAttribute('data-rooms')) ?? ''
  }
  async expectNearby(state: string): Promise<void> {
    await expect(this.device.page.getByTestId('nearby-status')).toHaveAttribute('data-state', state)
  }
  sendFiles(peerName: string, paths: string[]): Promise<void> {
    return this.device.sendFiles(peerName, paths)
  }
  async sendFolder(peerName: string, folder: string): Promise<void> {
    await this.device.peer(peerName).getByTestId('folder-input').setInputFiles(folder)
  }
  async sendText(peerName: string, text: string): Promise<void> {
    const card = this.device.peer(peerName)
    await card.getByRole('button', { name: 'Send text' }).click()
    await this.device.page.getByLabel(`Message or link for ${peerName}`).fill(text)
    await card.getByRole('button', { name: 'Send', exact: true }).click()
  }
  async offerText(): Promise<string> {
    const offer = this.device.page.getByTestId('offer')
    await expect(offer).toBeVisible()
    return offer.innerText()
  }
  async answerOffer(answer: 'Accept' | 'Decline'): Promise<void> {
    await this.device.page.getByTestId('offer').getByRole('button', { name: answer }).click()
  }
  async expectTransfer(direction: Direction, state: string, timeoutMs = 15_000): Promise<void> {
    await expect(this.device.transfer(direction).first()).toHaveAttribute('data-state', state, {
      timeout: timeoutMs,
    })
  }
  transferText(direction: Direction): Promise<string> {
    return this.device.transfer(direction).first().innerText()
  }
  progress(direction: Direction): Promise<number> {
    return this.device
      .transfer(direction)
      .first()
      .locator('progress')
      .evaluate((bar) => (bar as HTMLProgressElement).value)
  }
  async cancel(direction: Direction): Promise<void> {
    await this.device.transfer(direction).first().getByRole('button', { name: 'Cancel' }).click()
  }
  saveAndCompare(sources: SourceFile[], outDir: string): Promise<void> {
    return saveAndCompare(this.device, sources, outDir)
  }
  async saveZip(outDir: string): Promise<Uint8Array> {
    const { page } = this.device
    // The download path, as in browsers without showSaveFilePicker.
    await page.evaluate(() => Reflect.deleteProperty(window, 'showSaveFilePicker'))
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      this.device.transfer('receive').first().getByRole('button', { name: 'Save as zip' }).click(),
    ])
    const saved = join(outDir, `chromium-${Date.now()}-${download.suggestedFilename()}`)
    await download.saveAs(saved)
    return readFile(saved)
  }
  async receivedText(): Promise<{ card: string; body: string }> {
    const message = this.device.page.getByTestId('text-message').first()
    await expect(message).toBeVisible()
    return {
      card: await message.innerText(),
      body: await message.getByTestId('text-body').innerText(),
    }
  }
  async verificationWords(peerName: string): Promise<string> {
    return (await this.device.verificationCode(peerName)).words
  }
  limits(): Promise<string[]> {
    return this.device.page
      .getByTestId('browser-limit')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-limit') ?? ''))
  }
  async dismissTransfers(): Promise<void> {
    const dismiss = this.device.page
      .getByTestId('transfer')
      .getByRole('button', { name: 'Dismiss', exact: true })
    while ((await dismiss.count()) > 0) await dismiss.first().click()
  }
  async cutConnections(): Promise<void> {
    await this.device.page.evaluate(() =>
      (globalThis as unknown as { ferryTest: FerryTestHooks }).ferryTest.closePeerConnections(),
    )
  }
  close(): Promise<void> {
    return this.device.close()
  }
}

export class FirefoxTestDevice implements TestDevice {
  readonly browserName = 'firefox'
  constructor(readonly device: FirefoxDevice) {}

  static async open(url: string): Promise<FirefoxTestDevice> {
    return new FirefoxTestDevice(await FirefoxDevice.open(url))
  }

  name(): Promise<string> {
    return this.device.text(byTestId('my-name'))
  }
  async shareLink(): Promise<string> {
    await this.device.click('body', 'Share a link')
    const link = byTestId('room-link')
    return waitFor('the room link', async () => {
      const value = await this.device.page.$eval(link, (input) => (input as HTMLInputElement).value)
      return value.includes('#room=') ? value : undefined
    })
  }
  async expectPeer(peerName: string): Promise<string> {
    await this.device.visible(peerSelector(peerName))
    return (await this.device.attribute(peerSelector(peerName), 'data-rooms')) ?? ''
  }
  async expectNearby(state: string): Promise<void> {
    await this.device.waitForAttribute(byTestId('nearby-status'), 'data-state', state)
  }
  async sendFiles(peerName: string, paths: string[]): Promise<void> {
    const input = (await this.device.page.waitForSelector(
      `${peerSelector(peerName)} ${byTestId('file-input')}`,
    )) as ElementHandle<HTMLInputElement> | null
    await input?.uploadFile(...paths)
  }
  async sendFolder(peerName: string, folder: string): Promise<void> {
    const input = (await this.device.page.waitForSelector(
      `${peerSelector(peerName)} ${byTestId('folder-input')}`,
    )) as ElementHandle<HTMLInputElement> | null
    await input?.uploadFile(folder)
  }
  async sendText(peerName: string, text: string): Promise<void> {
    await this.device.click(peerSelector(peerName), 'Send text')
    const field = await this.device.page.waitForSelector(
      `::-p-aria([name="Message or link for ${peerName}"])`,
    )
    await field?.type(text)
    await this.device.click(peerSelector(peerName), 'Send')
  }
  offerText(): Promise<string> {
    return this.device.text(byTestId('offer'))
  }
  async answerOffer(answer: 'Accept' | 'Decline'): Promise<void> {
    await this.device.click(byTestId('offer'), answer)
  }
  async expectTransfer(direction: Direction, state: string, timeoutMs = 15_000): Promise<void> {
    await this.device.waitForAttribute(transferSelector(direction), 'data-state', state, timeoutMs)
  }
  transferText(direction: Direction): Promise<string> {
    return this.device.text(transferSelector(direction))
  }
  async progress(direction: Direction): Promise<number> {
    // Waits for the card as Playwright's locator does: right after Accept it may not be drawn yet,
    // and a throw here would end an expect.poll at once instead of polling again.
    const bar = await this.device.visible(`${transferSelector(direction)} progress`)
    return bar.evaluate((element) => (element as HTMLProgressElement).value)
  }
  async cancel(direction: Direction): Promise<void> {
    await this.device.click(transferSelector(direction), 'Cancel')
  }
  async saveAndCompare(sources: SourceFile[]): Promise<void> {
    for (const source of sources) {
      await this.device.click(transferSelector('receive'), `Save ${source.name}`)
      const saved = await this.device.downloaded(source.name)
      expect(await sha256File(saved), source.name).toBe(await sha256File(source.path))
    }
  }
  async saveZip(): Promise<Uint8Array> {
    await this.device.click(transferSelector('receive'), 'Save as zip')
    return readFile(await this.device.downloaded(/\.zip$/))
  }
  async receivedText(): Promise<{ card: string; body: string }> {
    const card = await this.device.text(byTestId('text-message'))
    return {
      card,
      body: await this.device.text(`${byTestId('text-message')} ${byTestId('text-body')}`),
    }
  }
  async verificationWords(peerName: string): Promise<string> {
    const verify = `${peerSelector(peerName)} ${byTestId('verify')}`
    await (await this.device.visible(`${verify} summary`)).click()
    const code = `${verify} ${byTestId('verification-code')}`
    await this.device.visible(code)
    return waitFor('the verification code', async () => {
      const words = await this.device.attribute(code, 'data-words')
      return words ? words : undefined
    })
  }
  limits(): Promise<string[]> {
    return this.device.page.$$eval(byTestId('browser-limit'), (items) =>
      items.map((item) => item.getAttribute('data-limit') ?? ''),
    )
  }
  async dismissTransfers(): Promise<void> {
    const dismiss = `${byTestId('transfer')} ::-p-aria([name="Dismiss"][role="button"])`
    for (;;) {
      const buttons = await this.device.page.$$(dismiss)
      if (buttons.length === 0) return
      await buttons[0]?.click()
      await waitFor('a dismissed card to go', async () =>
        (await this.device.page.$$(dismiss)).length < buttons.length ? true : undefined,
      )
    }
  }
  async cutConnections(): Promise<void> {
    await this.device.page.evaluate(() =>
      (globalThis as unknown as { ferryTest: FerryTestHooks }).ferryTest.closePeerConnections(),
    )
  }
  close(): Promise<void> {
    return this.device.close()
  }
}

/** Opens a device of `browserName` at `url`. */
export const openDevice = (
  browserName: BrowserName,
  browser: Browser,
  url: string,
): Promise<TestDevice> =>
  browserName === 'chromium' ? ChromiumTestDevice.open(browser, url) : FirefoxTestDevice.open(url)

/** Two devices of the given browsers in one private room, each listing the other. */
export const connectByLink = async (
  browser: Browser,
  url: string,
  first: BrowserName,
  second: BrowserName,
): Promise<{ a: TestDevice; b: TestDevice; aName: string; bName: string }> => {
  const a = await openDevice(first, browser, url)
  const link = await a.shareLink()
  const b = await openDevice(second, browser, link)
  const [aName, bName] = [await a.name(), await b.name()]
  await a.expectPeer(bName)
  await b.expectPeer(aName)
  return { a, b, aName, bName }
}
