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
import { discoverPublicAddress } from './lib/signalling/nearby.ts'
import { createPeerRoom, relayConnectionCount } from './lib/signalling/room.ts'
import {
  createFaultInjector,
  createStorageFault,
  type StorageFault,
} from './lib/transfer/fault-injection.ts'
import { loadDeviceCertificate } from './lib/storage/certificate.ts'
import { createResumeStore } from './lib/storage/resume.ts'
import { createSettingsStore } from './lib/storage/settings.ts'
import { createTrustStore } from './lib/storage/trust.ts'
import { createTransferManager } from './lib/transfer/manager.ts'
import { createSha256Hasher } from './lib/transfer/hashing.ts'
import { createMemorySink } from './lib/transfer/memory-sink.ts'
import { getOpfsRoot, startOpfsWorker } from './lib/transfer/opfs-sink.ts'
import { createSinkFactory } from './lib/transfer/sink-factory.ts'
import { checkFreeSpace } from './lib/transfer/free-space.ts'
import { canPickDestination, pickDestination } from './lib/transfer/picked-sink.ts'
import type { Receiving } from './ui/receiving.ts'
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

/**
 * Test-only: lets the e2e tests damage a frame in flight, cut every peer connection, and make
 * storage run out once (enabled by the served config only). One injector for every room, so the
 * hook reaches a peer whichever room it was met in.
 */
const withFaultInjection = (
  createRoom: typeof createPeerRoom,
  storage: StorageFault,
): typeof createPeerRoom => {
  const injector = createFaultInjector()
  // Every peer connection this page makes, so that a test can cut them as a network drop would.
  const connections = new Set<RTCPeerConnection>()
  const NativePeerConnection = globalThis.RTCPeerConnection
  globalThis.RTCPeerConnection = class extends NativePeerConnection {
    constructor(configuration?: RTCConfiguration) {
      super(configuration)
      connections.add(this)
    }
  }
  Object.assign(globalThis, {
    ferryTest: {
      corruptNextFrame: () => injector.corruptNextFrame(),
      closePeerConnections: () => {
        for (const connection of connections) connection.close()
        connections.clear()
      },
      failStorageOnceAt: (offsetBytes: number) => storage.failOnceAt(offsetBytes),
    },
  })
  return (options, events) =>
    createRoom(options, {
      ...events,
      onPeerJoin: (peerId, port, descriptions) =>
        events.onPeerJoin(peerId, { ...port, bulk: injector.wrap(port.bulk) }, descriptions),
    })
}

/** How long STUN may take to tell this network's address before Nearby says it is unavailable. */
const nearbyLookupTimeoutMs = 5000

const start = async () => {
  const target = document.getElementById('app')
  if (!target) throw new Error('ferry: #app element missing')

  const config = resolveConfig(
    buildTimeOverrides(import.meta.env),
    await loadServedConfig(),
    urlOverrides(new URL(location.href)),
  )
  const app = new AppState()
  // Received files: small ones in memory, large ones streamed into OPFS (see sink-factory.ts).
  const sinks = createSinkFactory({
    opfsRoot: () => getOpfsRoot(),
    startWorker: typeof Worker === 'function' ? startOpfsWorker : null,
    createMemorySink,
    locks: 'locks' in navigator ? navigator.locks : null,
  })
  const resumeStore = createResumeStore()
  const storageFault = config.testHooks ? createStorageFault() : null
  const ferry = createFerry(
    {
      config,
      settings: createSettingsStore(),
      trustStore: createTrustStore(),
      loadCertificate: () => loadDeviceCertificate(),
      discoverPublicAddress: () =>
        discoverPublicAddress({
          createPeerConnection: (rtcConfig) => new RTCPeerConnection(rtcConfig),
          iceServers: config.iceServers,
          timeoutMs: nearbyLookupTimeoutMs,
          setTimeout: (callback, ms) => setTimeout(callback, ms),
          clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
        }),
      deviceHints: {
        userAgent: navigator.userAgent,
        maxTouchPoints: navigator.maxTouchPoints,
      },
      pageUrl: () => new URL(location.href),
      showRoomInAddress: (url) => history.replaceState(null, '', url),
      createRoom: storageFault ? withFaultInjection(createPeerRoom, storageFault) : createPeerRoom,
      createTransferManager,
      transferDeps: {
        createSink: (transferId, file) => {
          const sink = sinks.createSink(transferId, file)
          return storageFault ? storageFault.wrap(sink) : sink
        },
        reopenSink: async (transferId, file, offsetBytes) => {
          const sink = await sinks.reopenSink(transferId, file, offsetBytes)
          return sink && storageFault ? storageFault.wrap(sink, offsetBytes) : sink
        },
        createHasher: createSha256Hasher,
        resumeStore,
        newId: newTransferId,
        nowMs: () => Date.now(),
      },
      relayStatus: relayConnectionCount,
      setInterval: (callback, ms) => setInterval(callback, ms),
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
      nowMs: () => Date.now(),
    },
    app.events,
  )
  const receiving: Receiving = {
    checkFreeSpace: (totalBytes) => checkFreeSpace(totalBytes),
    canPickDestination: (fileCount) => canPickDestination(fileCount),
    pickDestination: async (offer) => {
      try {
        const destination = await pickDestination(offer.files)
        if (destination === null) return false
        sinks.setDestination(offer.id, destination)
      } catch {
        // The browser refused the picker (policy, no user activation): save as usual instead.
      }
      return true
    },
    release: (transferId) => void sinks.release(transferId),
  }
  mount(App, { target, props: { app, ferry, receiving } })
  // Transfers an earlier visit was receiving are offered to resume; their partial files stay.
  // Other partial or unreleased files (a closed or crashed tab) must not pile up.
  void resumeStore.list().then((records) => {
    void sinks.purgeStale(records.map((record) => record.transferId))
    ferry.restore(records)
  })
  await ferry.start(parseRoomFragment(location.hash))
  // Opening another room's link in this tab switches rooms.
  addEventListener('hashchange', () => {
    const link = parseRoomFragment(location.hash)
    if (link && link.roomId !== app.room?.roomId) void ferry.joinLink(link)
  })
  // Say goodbye when the page goes away, so peers drop it at once rather than after the connection
  // times out. pagehide also fires where beforeunload does not (iOS Safari); a page restored from the
  // back-forward cache joins its rooms again.
  addEventListener('pagehide', () => void ferry.leaveAll())
  addEventListener('pageshow', (event) => {
    if (!event.persisted) return
    void ferry.retryNearby()
    const link = parseRoomFragment(location.hash)
    if (link) void ferry.joinLink(link)
  })
  // A network that comes back may be another network, with another nearby room. (navigator.onLine
  // alone says little: it is true behind a captive portal, false in a sandbox with loopback only.)
  addEventListener('online', () => void ferry.retryNearby())
  registerServiceWorker()
}

void start()
