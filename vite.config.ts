import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import { contentSecurityPolicyMeta } from './scripts/security-headers.ts'
import { precompileMessages } from './scripts/vite-precompile-messages.ts'
import { trysteroGuardsPlugin } from './scripts/vite-trystero-guards.ts'

export default defineConfig({
  plugins: [
    svelte(),
    precompileMessages(),
    contentSecurityPolicyMeta(),
    trysteroGuardsPlugin(),
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
          { src: 'icon-96.png', sizes: '96x96', type: 'image/png' },
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: 'icon-maskable-192.png',
            sizes: '192x192',
            type: 'image/png',
            purpose: 'maskable',
          },
          {
            src: 'icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
        categories: ['productivity', 'utilities'],
        // Files and text from the OS share menu, posted to the service worker (src/sw.ts).
        share_target: {
          action: '/share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: {
            title: 'title',
            text: 'text',
            url: 'url',
            files: [{ name: 'files', accept: ['*/*'] }],
          },
        },
        // "Open with Ferry" for common kinds of file, where the browser has the File Handling API;
        // the files arrive through window.launchQueue (src/ui/intake.ts).
        file_handlers: [
          {
            action: '/',
            accept: {
              'image/*': ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.avif', '.heic'],
              'video/*': ['.mp4', '.mov', '.webm'],
              'audio/*': ['.mp3', '.m4a', '.ogg', '.wav', '.flac'],
              'application/pdf': ['.pdf'],
              'application/zip': ['.zip'],
              'text/plain': ['.txt', '.md'],
            },
          },
        ],
        // Read by main.ts (launchActions): each opens the app and does one thing.
        shortcuts: [
          {
            name: 'Share a private link',
            short_name: 'New link',
            description: 'Make a private room and show its link and QR code',
            url: '/?action=new-link',
            icons: [{ src: 'icon-96.png', sizes: '96x96', type: 'image/png' }],
          },
        ],
      },
    }),
  ],
  build: { target: 'es2022', sourcemap: true },
  // Pre-bundling would skip the guards' rewrite in the dev server.
  optimizeDeps: { exclude: ['trystero', '@trystero-p2p/core', '@trystero-p2p/nostr'] },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
})
