/**
 * Bundles the scripted hostile peer (peer.ts, with esbuild) into a temporary folder and serves it on
 * 127.0.0.1: a page of its own origin that the tests open and drive through `window.hostile`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { startStaticServer } from '../../scripts/static-server.ts'

export interface HostilePeerPage {
  url: string
  close(): Promise<void>
}

export const serveHostilePeer = async (): Promise<HostilePeerPage> => {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-hostile-'))
  await build({
    entryPoints: ['e2e/hostile-peer/peer.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'peer.js'),
    logLevel: 'warning',
  })
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>hostile peer</title><script type="module" src="peer.js"></script>',
  )
  const server = await startStaticServer({ root: dir })
  return {
    url: server.url,
    close: async () => {
      await server.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
