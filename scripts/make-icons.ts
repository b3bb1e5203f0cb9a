/**
 * Renders every PNG icon of the web app manifest from one source image, public/icon.svg, with
 * Debian's Chromium. Run after changing it: `npx tsx scripts/make-icons.ts`.
 *
 * Maskable icons are the same artwork shrunk into the safe zone (the middle 80 %, a circle the OS
 * may crop to) on a full-bleed background of the icon's own colour, so no OS mask cuts into it.
 */
import { readFile } from 'node:fs/promises'
import { chromium } from '@playwright/test'
import { chromiumArgs, chromiumPath } from './chromium.ts'

/** The icon's background colour, as in public/icon.svg (and the manifest's theme colour). */
const maskableBackground = '#0f766e'
/** How much of a maskable icon the artwork may fill: the safe zone is a circle of radius 40 %. */
const maskableArtworkScale = 0.8

interface Target {
  out: string
  size: number
  maskable?: boolean
}

const targets: Target[] = [
  { out: 'public/favicon-32.png', size: 32 },
  { out: 'public/icon-96.png', size: 96 },
  { out: 'public/icon-192.png', size: 192 },
  { out: 'public/icon-512.png', size: 512 },
  { out: 'public/apple-touch-icon.png', size: 180, maskable: true },
  { out: 'public/icon-maskable-192.png', size: 192, maskable: true },
  { out: 'public/icon-maskable-512.png', size: 512, maskable: true },
]

const svg = await readFile('public/icon.svg', 'utf8')
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
try {
  for (const { out, size, maskable = false } of targets) {
    const page = await browser.newPage({ viewport: { width: size, height: size } })
    const artwork = maskable ? Math.round(size * maskableArtworkScale) : size
    await page.setContent(
      `<style>html,body{margin:0;width:${size}px;height:${size}px;display:grid;place-items:center;` +
        `background:${maskable ? maskableBackground : 'transparent'}}` +
        `svg{width:${artwork}px;height:${artwork}px;display:block}</style>${svg}`,
    )
    await page.screenshot({ path: out, omitBackground: !maskable })
    await page.close()
    console.log(`wrote ${out}`)
  }
} finally {
  await browser.close()
}
