/**
 * Bundles the hostile peer (peer.ts) with esbuild and serves it on 127.0.0.1. Trystero is bundled
 * as published, except that its peer id may be chosen by the page (self-id.ts): an attacker picks
 * its own id, and this is how a test does.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { startStaticServer } from '../../scripts/static-server.ts'

const selfIdSource = 'const selfId = genId(20);'

export interface HostilePeerServer {
  url: string
  close(): Promise<void>
}

export const serveHostilePeer = async (): Promise<HostilePeerServer> => {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-hostile-'))
  await build({
    entryPoints: ['e2e/hostile-peer/peer.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'peer.js'),
    logLevel: 'warning',
    plugins: [
      {
        name: 'hostile-self-id',
        setup: (builder) => {
          builder.onLoad(
            { filter: /@trystero-p2p[\\/]core[\\/]dist[\\/]utils\.mjs$/ },
            async (args) => {
              const source = await readFile(args.path, 'utf8')
              if (!source.includes(selfIdSource)) {
                throw new Error(
                  `hostile peer: Trystero's utils.mjs no longer has "${selfIdSource}"`,
                )
              }
              return {
                contents: source.replace(
                  selfIdSource,
                  'const selfId = globalThis.__hostileSelfId ?? genId(20);',
                ),
                loader: 'js',
              }
            },
          )
        },
      },
    ],
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
