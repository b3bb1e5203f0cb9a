import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import { precompileMessages } from './scripts/vite-precompile-messages.ts'

export default defineConfig({
  plugins: [
    svelte(),
    precompileMessages(),
    VitePWA({
      // Our own service worker (src/sw.ts); the precache list is generated into it at build time.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // Registration goes through workbox-window in src/lib/pwa/register.ts.
      injectRegister: false,
      registerType: 'prompt',
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // The serve-time config must always come from the server, never from the cache.
        globIgnores: ['config.json'],
        // A classic worker: Firefox and older Safari cannot run module service workers.
        rollupFormat: 'iife',
      },
      manifest: {
        name: 'Ferry',
        short_name: 'Ferry',
        description:
          'Send files, folders and text between your devices, directly and privately, with no server in between.',
        id: '/',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#0f766e',
        background_color: '#0e1514',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: 'icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
    }),
  ],
  build: { target: 'es2022', sourcemap: true },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
})
