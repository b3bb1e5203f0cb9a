/** Composition root: builds the core, mounts the UI, registers the service worker. */
import { mount } from 'svelte'
import { createFerry } from './lib/ferry.ts'
import {
  buildTimeOverrides,
  parseOverrides,
  resolveConfig,
  urlOverrides,
  type ConfigOverrides,
} from './lib/signalling/config.ts'
import { parseRoomFragment } from './lib/signalling/link.ts'
import { createPeerRoom, relayConnectionCount } from './lib/signalling/room.ts'
import { createFaultInjector } from './lib/transfer/fault-injection.ts'
import { createSettingsStore } from './lib/storage/settings.ts'
import { createTransferManager } from './lib/transfer/manager.ts'
import { createSha256Hasher } from './lib/transfer/hashing.ts'
import { createMemorySink } from './lib/transfer/memory-sink.ts'
import { newTransferId } from './lib/protocol/ids.ts'
import { registerServiceWorker } from './lib/pwa/register.ts'
import App from './ui/App.svelte'
import { AppState } from './ui/state/app-state.svelte.ts'
import './ui/global.css'

/** Serve-time settings: an optional config.json beside index.html (see README). */
const configFileTimeoutMs = 1500
const loadServedConfig = async (): Promise<ConfigOverrides> => {
  try {
    const response = await fetch(new URL('config.json', document.baseURI), {
      cache: 'no-store',
      signal: AbortSignal.timeout(configFileTimeoutMs),
    })
    if (!response.ok) return {}
    return parseOverrides(await response.json())
  } catch {
    return {}
  }
}

/** Test-only: lets the e2e tests damage a frame in flight (enabled by the served config only). */
const withFaultInjection =
  (createRoom: typeof createPeerRoom): typeof createPeerRoom =>
  (options, events) => {
    const injector = createFaultInjector()
    Object.assign(globalThis, { ferryTest: { corruptNextFrame: injector.corruptNextFrame } })
    return createRoom(options, {
      ...events,
      onPeerJoin: (peerId, port) =>
        events.onPeerJoin(peerId, { ...port, bulk: injector.wrap(port.bulk) }),
    })
  }

const start = async () => {
  const target = document.getElementById('app')
  if (!target) throw new Error('ferry: #app element missing')

  const config = resolveConfig(
    buildTimeOverrides(import.meta.env),
    await loadServedConfig(),
    urlOverrides(new URL(location.href)),
  )
  const app = new AppState()
  const ferry = createFerry(
    {
      config,
      settings: createSettingsStore(),
      deviceHints: {
        userAgent: navigator.userAgent,
        maxTouchPoints: navigator.maxTouchPoints,
      },
      pageUrl: () => new URL(location.href),
      showRoomInAddress: (url) => history.replaceState(null, '', url),
      createRoom: config.testHooks ? withFaultInjection(createPeerRoom) : createPeerRoom,
      createTransferManager,
      transferDeps: {
        createSink: (_transferId, file) => createMemorySink(file.type),
        createHasher: createSha256Hasher,
        newId: newTransferId,
        nowMs: () => Date.now(),
      },
      relayStatus: relayConnectionCount,
      setInterval: (callback, ms) => setInterval(callback, ms),
      clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
      nowMs: () => Date.now(),
    },
    app.events,
  )
  mount(App, { target, props: { app, ferry } })
  await ferry.start(parseRoomFragment(location.hash))
  // Opening another room's link in this tab switches rooms.
  addEventListener('hashchange', () => {
    const link = parseRoomFragment(location.hash)
    if (link && link.roomId !== app.room?.roomId) void ferry.joinLink(link)
  })
  // Say goodbye when the page goes away, so peers drop it at once rather than after the connection
  // times out. pagehide also fires where beforeunload does not (iOS Safari); a page restored from the
  // back-forward cache joins its room again.
  addEventListener('pagehide', () => void ferry.leaveRoom())
  addEventListener('pageshow', (event) => {
    const link = parseRoomFragment(location.hash)
    if (event.persisted && link) void ferry.joinLink(link)
  })
  registerServiceWorker()
}

void start()
