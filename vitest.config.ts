import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'
import { trysteroGuardsPlugin } from './scripts/vite-trystero-guards.ts'

export default defineConfig({
  // Compiles runes in *.svelte.ts, which UI helpers under test (the message catalog) use.
  // The Trystero guards run here too, so that their tests load Trystero as the app bundles it.
  plugins: [svelte(), trysteroGuardsPlugin()],
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    server: { deps: { inline: [/@trystero-p2p[\\/]core/] } },
  },
})
