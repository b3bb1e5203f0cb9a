/**
 * Renders the PNG icons of the web app manifest from public/icon.svg and public/icon-maskable.svg
 * with Debian's Chromium. Run after changing either SVG: `npx tsx scripts/make-icons.ts`.
 */
import { readFile } from 'node:fs/promises'
import { chromium } from '@playwright/test'
import { chromiumArgs, chromiumPath } from './chromium.ts'

const targets = [
  { source: 'public/icon.svg', out: 'public/icon-192.png', size: 192 },
  { source: 'public/icon.svg', out: 'public/icon-512.png', size: 512 },
  { source: 'public/icon.svg', out: 'public/apple-touch-icon.png', size: 180 },
  { source: 'public/icon-maskable.svg', out: 'public/icon-maskable-512.png', size: 512 },
]

const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
try {
  for (const { source, out, size } of targets) {
    const page = await browser.newPage({ viewport: { width: size, height: size } })
    const svg = await readFile(source, 'utf8')
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{width:${size}px;height:${size}px;display:block}</style>${svg}`,
    )
    await page.screenshot({ path: out, omitBackground: true })
    await page.close()
    console.log(`wrote ${out}`)
  }
} finally {
  await browser.close()
}
