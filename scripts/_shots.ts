import { chromium } from '@playwright/test'
import { writeFile } from 'node:fs/promises'
import { startNostrRelay } from './relay/nostr-relay.ts'
import { startStaticServer } from './static-server.ts'
import { chromiumArgs, chromiumPath } from './chromium.ts'
const relay = await startNostrRelay()
const server = await startStaticServer({ root: 'dist', config: { relayUrls: [relay.url], iceServers: [] } })
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
for (const scheme of ['light', 'dark'] as const) {
  const opts = { permissions: ['camera', 'microphone'], viewport: { width: 360, height: 800 }, colorScheme: scheme }
  const a = await (await browser.newContext(opts)).newPage()
  await a.goto(server.url); await a.getByTestId('my-name').waitFor()
  await a.screenshot({ path: `/tmp/probe/${scheme}-0-empty.png`, fullPage: true })
  await a.getByRole('button', { name: 'Share a link' }).click()
  const link = await a.getByTestId('room-link').inputValue()
  const b = await (await browser.newContext(opts)).newPage()
  await b.goto(link); await b.getByTestId('peer').waitFor(); await a.getByTestId('peer').waitFor()
  await a.screenshot({ path: `/tmp/probe/${scheme}-1-room.png`, fullPage: true })
  await writeFile('/tmp/probe/f.bin', Buffer.alloc(300 * 1024 * 1024))
  await a.getByTestId('file-input').setInputFiles(['/tmp/probe/f.bin'])
  await b.getByTestId('offer').waitFor()
  await b.screenshot({ path: `/tmp/probe/${scheme}-2-offer.png`, fullPage: true })
  await b.getByRole('button', { name: 'Accept' }).click()
  await b.waitForTimeout(1500)
  await b.screenshot({ path: `/tmp/probe/${scheme}-3-progress.png`, fullPage: true })
  await b.locator('[data-state="complete"]').waitFor({ timeout: 60000 })
  await a.getByRole('button', { name: 'Send text' }).click()
  await a.getByRole('textbox', { name: /Message or link/ }).fill('https://example.org/a-long-link')
  await a.getByRole('button', { name: 'Send', exact: true }).click()
  await b.getByTestId('text-message').waitFor()
  await b.screenshot({ path: `/tmp/probe/${scheme}-4-done.png`, fullPage: true })
  await a.context().close(); await b.context().close()
}
await browser.close(); await server.close(); await relay.close()
