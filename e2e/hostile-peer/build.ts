/**
 * Bundles the hostile peer (peer.ts) with esbuild and serves it on 127.0.0.1. Trystero is bundled
 * as published, except for what an attacker changes in its own copy (self-id.ts turns it on): it
 * picks its own peer id, and skips its own side of the password check, so that it can be the side
 * that checks and then not check.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { startStaticServer } from '../../scripts/static-server.ts'

/** What the hostile peer changes in Trystero: its id, and its own side of the password check. */
const rewrites: Record<string, { find: string; replace: string }> = {
  'utils.mjs': {
    find: 'const selfId = genId(20);',
    replace: 'const selfId = globalThis.__hostileSelfId ?? genId(20);',
  },
  'handshake.mjs': {
    find: 'if (data.h !== expected) throw overlapRoomPasswordErr;',
    replace:
      'if (data.h !== expected && !globalThis.__hostileSkipPasswordCheck) throw overlapRoomPasswordErr;',
  },
}

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
            { filter: /@trystero-p2p[\\/]core[\\/]dist[\\/](utils|handshake)\.mjs$/ },
            async (args) => {
              const source = await readFile(args.path, 'utf8')
              const file = args.path.split(/[\\/]/).at(-1) ?? ''
              const rewrite = rewrites[file]
              if (!rewrite || !source.includes(rewrite.find)) {
                throw new Error(`hostile peer: Trystero's ${file} no longer has "${rewrite?.find}"`)
              }
              return { contents: source.replace(rewrite.find, rewrite.replace), loader: 'js' }
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
