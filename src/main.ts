/** Composition root: builds the core, mounts the UI, registers the service worker. */
import { mount } from 'svelte'
import { createFerry, type Ferry } from './lib/ferry.ts'
import {
  buildTimeOverrides,
  parseOverrides,
  resolveConfig,
  linkRelays,
  savedSettingsOverrides,
  type ConfigOverrides,
} from './lib/signalling/config.ts'
import { parseRoomFragment, roomlessUrl, type RoomLink } from './lib/signalling/link.ts'
import { discoverPublicAddress } from './lib/signalling/nearby.ts'
import type { PeerRoom, PeerRoomEvents, PeerRoomOptions } from './lib/signalling/room.ts'
import {
  createFaultInjector,
  createStorageFault,
  type StorageFault,
} from './lib/transfer/testing/fault-injection.ts'
import { loadDeviceCertificate } from './lib/storage/certificate.ts'
import { createHistoryStore } from './lib/storage/history.ts'
import { createResumeStore } from './lib/storage/resume.ts'
import { createPreferencesStore } from './lib/storage/preferences.ts'
import { createConnectionSettingsStore, createSettingsStore } from './lib/storage/settings.ts'
import { createTrustStore } from './lib/storage/trust.ts'
import { createTransferManager } from './lib/transfer/manager.ts'
import { createSha256Hasher } from './lib/transfer/hashing.ts'
import { createMemorySink } from './lib/transfer/memory-sink.ts'
import { getOpfsRoot, startOpfsWorker } from './lib/transfer/opfs-sink.ts'
import { createSinkFactory } from './lib/transfer/sink-factory.ts'
import { checkFreeSpace } from './lib/transfer/free-space.ts'
import { canPickDestination, pickDestination } from './lib/transfer/pickers.ts'
import type { Receiving } from './ui/receiving.ts'
import type { ConnectionSettingsPort } from './ui/connection-settings.ts'
import type { OutgoingFile } from './lib/transfer/types.ts'
import { newTransferId } from './lib/protocol/ids.ts'
import { registerServiceWorker } from './lib/pwa/register.ts'
import { launchActionOf, withoutLaunchParams } from './lib/pwa/launch.ts'
import { createNotificationPrefs } from './lib/storage/notification-prefs.ts'
import { createNotifier } from './ui/notify.ts'
import { listenForLaunchedFiles } from './ui/intake.ts'
import { outgoing } from './ui/state/staged.svelte.ts'
import { shareFailedText, stagedText } from './ui/messages.ts'
import App from './ui/App.svelte'
import { AppState } from './ui/state/app-state.svelte.ts'
import { HistoryState } from './ui/state/history.svelte.ts'
import { LinkPrompts } from './ui/state/link-prompts.svelte.ts'
import { PreferencesState } from './ui/state/preferences.svelte.ts'
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

type CreateRoom = (options: PeerRoomOptions, events: PeerRoomEvents) => PeerRoom

/**
 * Fault injection exists only in builds made for the e2e tests (`vite build --mode e2e`, see
 * package.json); a production build ignores `testHooks` in a served config.json, and leaves the
 * hooks' code out.
 */
const testBuild = import.meta.env.MODE === 'e2e'

/**
 * Test-only: lets the e2e tests damage a frame in flight, cut every peer connection and relay
 * connection, and make storage run out once (a test build with the served config's testHooks). One injector for
 * every room, so the hook reaches a peer whichever room it was met in.
 */
const withFaultInjection = (
  createRoom: CreateRoom,
  storage: StorageFault,
  closeRelayConnections: () => void,
): CreateRoom => {
  const injector = createFaultInjector()
  // Every peer connection this page makes, so that a test can cut them as a network drop would.
  const connections = new Set<RTCPeerConnection>()
  const trysteroJoins = new Set<string>()
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
      // Those that reached a peer: a drop leaves Trystero's pre-warmed offers alone (closing
      // them too would leave it handing out dead offers until its pool expires them).
      closePeerConnections: () => {
        for (const connection of connections) {
          if (connection.remoteDescription === null) continue
          connection.close()
          connections.delete(connection)
        }
      },
      closeRelayConnections,
      failStorageOnceAt: (offsetBytes: number) => storage.failOnceAt(offsetBytes),
      /** Peer connections not closed: @trust checks that strangers cannot make it grow. */
      openPeerConnections: () =>
        [...connections].filter((connection) => connection.connectionState !== 'closed').length,
      /** Every `roomId peerId` Trystero reported a join for: what it claims, before session/. */
      trysteroJoins: () => [...trysteroJoins],
    },
  })
  return (options, events) =>
    createRoom(options, {
      ...events,
      onPeerJoin: (peerId, port, descriptions) => {
        trysteroJoins.add(`${options.roomId} ${peerId}`)
        events.onPeerJoin(peerId, { ...port, bulk: injector.wrap(port.bulk) }, descriptions)
      },
    })
}

/** Reading localStorage throws where storage is blocked (some privacy settings). */
const localStorageOrNull = (): Storage | null => {
  try {
    return globalThis.localStorage
  } catch {
    return null
  }
}

/** How long STUN may take to tell this network's address before Nearby says it is unavailable. */
const nearbyLookupTimeoutMs = 5000

/** Which build this page runs (VITE_FERRY_BUILD_ID at build time), e.g. to tell versions apart. */
const buildId = String(import.meta.env['VITE_FERRY_BUILD_ID'] ?? '') || 'dev'

/**
 * Signalling (room.ts, with Trystero) is loaded when the first room opens (the nearby room once
 * STUN has answered), or just after the first render when the address holds a link, never before
 * the first paint: Trystero is a quarter of the app's code and makes an elliptic-curve key as it
 * loads.
 */
const importSignalling = () => import('./lib/signalling/room.ts')
type Signalling = Awaited<ReturnType<typeof importSignalling>>

const start = async () => {
  let signallingLoad: Promise<Signalling> | null = null
  let signalling: Signalling | null = null
  const loadSignalling = () =>
    (signallingLoad ??= importSignalling().then((loaded) => (signalling = loaded)))
  const target = document.getElementById('app')
  if (!target) throw new Error('ferry: #app element missing')
  document.documentElement.dataset['build'] = buildId
  // A shortcut or the share target opened the app: act once, and keep the address clean for reloads.
  const launch = launchActionOf(new URL(location.href))
  if (launch) history.replaceState(null, '', withoutLaunchParams(new URL(location.href)))

  // Not waited for before the first render: only finding devices needs it (ferry.start).
  const connectionSettings = createConnectionSettingsStore()
  const configLoaded = Promise.all([
    loadServedConfig(),
    connectionSettings.load().then(savedSettingsOverrides),
  ]).then(([served, saved]) =>
    // A link's relays are no layer here: they apply to its room alone, if the person agrees.
    resolveConfig(buildTimeOverrides(import.meta.env), served, saved),
  )
  const preferences = new PreferencesState(createPreferencesStore(localStorageOrNull()), () =>
    navigator.languages.length > 0 ? navigator.languages : [navigator.language],
  )
  // The first render is in the chosen language: wait for its catalog (precached, so quick).
  await preferences.apply()
  addEventListener('languagechange', () => void preferences.browserLanguagesChanged())
  const app = new AppState()
  const prompts = new LinkPrompts()
  const transferHistory = new HistoryState(createHistoryStore(), () => Date.now())
  void transferHistory.load()
  // Received files: small ones in memory, large ones streamed into OPFS (see sink-factory.ts).
  const sinks = createSinkFactory({
    opfsRoot: () => getOpfsRoot(),
    startWorker: typeof Worker === 'function' ? startOpfsWorker : null,
    createMemorySink,
    locks: 'locks' in navigator ? navigator.locks : null,
  })
  const resumeStore = createResumeStore()
  /** Set from the config before ferry.start(), so before any room or sink is made. */
  let storageFault: StorageFault | null = null
  let roomMaker: CreateRoom | null = null
  const createRoom = (loaded: Signalling): CreateRoom =>
    (roomMaker ??=
      testBuild && storageFault !== null
        ? withFaultInjection(loaded.createPeerRoom, storageFault, loaded.closeRelayConnections)
        : loaded.createPeerRoom)
  const ferry = createFerry(
    {
      loadConfig: () => configLoaded,
      settings: createSettingsStore(),
      trustStore: createTrustStore(),
      loadCertificate: () => loadDeviceCertificate(),
      discoverPublicAddress: (iceServers) =>
        discoverPublicAddress({
          createPeerConnection: (rtcConfig) => new RTCPeerConnection(rtcConfig),
          iceServers,
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
      createRoom: async (options, events) => createRoom(await loadSignalling())(options, events),
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
      relayStatus: () => signalling?.relayConnectionCount() ?? { open: 0, total: 0, failed: 0 },
      setInterval: (callback, ms) => setInterval(callback, ms),
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      nowMs: () => Date.now(),
    },
    {
      ...app.events,
      onPeer: (peer) => {
        app.events.onPeer(peer)
        transferHistory.observePeer(peer)
      },
      onPeerGone: (peerId) => {
        app.events.onPeerGone(peerId)
        transferHistory.peerGone(peerId)
      },
      onTransfer: (transfer) => {
        app.events.onTransfer(transfer)
        transferHistory.observeTransfer(transfer, app.peerName(transfer.peerId))
      },
    },
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
  const connection: ConnectionSettingsPort = {
    load: () => connectionSettings.load().then(savedSettingsOverrides),
    save: (overrides) => connectionSettings.save(overrides),
    reset: () => connectionSettings.clear(),
  }
  const notifier = createNotifier(
    createNotificationPrefs(),
    new URL('icon-192.png', document.baseURI).href,
  )
  mount(App, {
    target,
    props: {
      app,
      ferry,
      receiving,
      preferences,
      connection,
      notifier,
      history: transferHistory,
      prompts,
    },
  })
  // A link in the address: its room will open once the config and certificate are read, so load
  // signalling now, while they are (only after the first render, which would wait for it).
  if (parseRoomFragment(location.hash)) void loadSignalling()
  // Transfers an earlier visit was receiving are offered to resume; their partial files stay.
  // Other partial or unreleased files (a closed or crashed tab) must not pile up.
  void resumeStore.list().then((records) => {
    void sinks.purgeStale(records.map((record) => record.transferId))
    ferry.restore(records)
  })
  // Things shared from the OS (sw.ts keeps them in the share inbox) or opened with Ferry.
  const stage = (files: OutgoingFile[], text: string | null) => {
    const added = app.staged.addFiles(files)
    if (text !== null) app.staged.addText(text)
    if (added > 0 || text !== null) app.notify('info', stagedText(added, text === null ? 0 : 1))
  }
  if (launch?.kind === 'shared') {
    // Only a share needs the inbox: loaded then.
    import('./lib/storage/share-inbox.ts')
      .then(({ createShareInbox }) => createShareInbox().take(launch.shareId))
      .then(
        (items) =>
          items
            ? stage(items.files.map(outgoing), items.text)
            : app.notify('error', shareFailedText()),
        () => app.notify('error', shareFailedText()),
      )
  }
  if (launch?.kind === 'share-failed') app.notify('error', shareFailedText())
  listenForLaunchedFiles({
    files: (files) => stage(files, null),
    text: (text) => stage([], text),
    failed: () => app.notify('error', shareFailedText()),
  })
  const config = await configLoaded
  if (testBuild && config.testHooks) storageFault = createStorageFault()
  // A link that names relays joins only once the person has said whether to use them.
  const opened = roomLinkOf(new URL(location.href))
  await ferry.start(opened?.relayUrls ? null : opened)
  if (opened?.relayUrls) {
    const { relayUrls, ...link } = opened
    await ferry.joinLink((await prompts.askRelays(relayUrls)) ? opened : link)
  }
  if (launch?.kind === 'new-link' && !app.room) ferry.shareLink()
  // Another room's link in this tab's address (any page holding this window can set the fragment):
  // joined on this device's own relays (the query belongs to the room it is in), and, when that
  // means leaving a room, only once the person agrees.
  addEventListener('hashchange', () => {
    const link = parseRoomFragment(location.hash)
    const current = app.room
    if (!link || link.roomId === current?.roomId) return
    if (!current) {
      void ferry.joinLink(link)
      return
    }
    void prompts.askSwitch().then((join) => {
      if (join) return ferry.joinLink(link)
      history.replaceState(null, '', current?.url ?? roomlessUrl(new URL(location.href)))
    })
  })
  // Say goodbye when the page goes away, so peers drop it at once rather than after the connection
  // times out. pagehide also fires where beforeunload does not (iOS Safari); a page restored from the
  // back-forward cache joins its rooms again.
  // The room is remembered as it was joined (with the relays the person took), not read back from an
  // address another page may have changed meanwhile.
  let roomBeforeHide: string | null = null
  addEventListener('pagehide', () => {
    roomBeforeHide = app.room?.url ?? null
    void ferry.leaveAll()
  })
  addEventListener('pageshow', (event) => {
    if (!event.persisted) return
    void ferry.retryNearby()
    const link = roomBeforeHide === null ? null : roomLinkOf(new URL(roomBeforeHide))
    if (link) void ferry.joinLink(link)
  })
  // A network that comes back may be another network, with another nearby room. (navigator.onLine
  // alone says little: it is true behind a captive portal, false in a sandbox with loopback only.)
  addEventListener('online', () => void ferry.retryNearby())
  parkNearbyWhileHidden(ferry, config.nearbyHiddenLeaveMs)
  // Trystero pauses its relay retries while offline and resumes them when online by itself.
  app.setBrowserOnline(navigator.onLine)
  addEventListener('online', () => app.setBrowserOnline(true))
  addEventListener('offline', () => app.setBrowserOnline(false))
  registerServiceWorker({ onUpdateReady: (activate) => (app.activateUpdate = activate) })
}

/** The room an address names, with the relays it names (absent when none). */
const roomLinkOf = (url: URL): RoomLink | null => {
  const link = parseRoomFragment(url.hash)
  const relayUrls = linkRelays(url)
  if (!link) return null
  return relayUrls.length > 0 ? { ...link, relayUrls } : link
}

/**
 * Relay etiquette: a page hidden for long leaves its nearby room (tried again every period while
 * a device is still connected through it) and looks for it again as soon as it is shown. The
 * link room stays: someone may be about to open the link.
 */
const parkNearbyWhileHidden = (ferry: Ferry, periodMs: number) => {
  let timer: ReturnType<typeof setInterval> | undefined
  let parked = false
  const unpark = () => {
    if (!parked) return
    parked = false
    void ferry.retryNearby()
  }
  document.addEventListener('visibilitychange', () => {
    clearInterval(timer)
    timer = undefined
    if (document.visibilityState === 'visible') {
      unpark()
      return
    }
    timer = setInterval(() => {
      void ferry.parkNearby().then((left) => {
        if (!left) return
        clearInterval(timer)
        parked = true
        // Shown again while leaving: come back at once.
        if (document.visibilityState === 'visible') unpark()
      })
    }, periodMs)
  })
}

void start()
