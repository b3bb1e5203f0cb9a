/**
 * Past transfers and the devices they were with, kept on this device (IndexedDB through idb-keyval).
 * Bounded: the newest maxHistoryEntries transfers and maxKnownDevices devices. Everything read back
 * is checked, entry by entry, since storage outlives versions of Ferry and can be edited by hand.
 */
import { del, get, update } from 'idb-keyval'
import * as v from 'valibot'
import { deviceKinds } from '../protocol/control.ts'
import { maxDeviceNameChars, maxFileNameChars } from '../protocol/limits.ts'
import { maxFingerprintChars } from './trust.ts'

export const historyKey = 'ferry:history'
export const maxHistoryEntries = 200
export const maxKnownDevices = 100
/** An entry keeps the first names of a large transfer, and counts the rest. */
export const maxNamesPerEntry = 20
const maxIdChars = 64
const maxOutcomeChars = 64

export const historyOutcomes = ['complete', 'declined', 'cancelled', 'failed'] as const
export type HistoryOutcome = (typeof historyOutcomes)[number]

const fileSchema = v.object({
  name: v.pipe(v.string(), v.maxLength(maxFileNameChars)),
  size: v.pipe(v.number(), v.integer(), v.minValue(0)),
})

const entrySchema = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(maxIdChars)),
  direction: v.picklist(['send', 'receive']),
  /** Which known device: its certificate fingerprint, or `name:<name>` when it showed none. */
  deviceKey: v.pipe(v.string(), v.maxLength(maxFingerprintChars + maxDeviceNameChars + 5)),
  peerName: v.pipe(v.string(), v.maxLength(maxDeviceNameChars)),
  /** The first maxNamesPerEntry files. */
  files: v.pipe(v.array(fileSchema), v.maxLength(maxNamesPerEntry)),
  fileCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
  totalBytes: v.pipe(v.number(), v.minValue(0)),
  outcome: v.picklist(historyOutcomes),
  /** The transfer's error code when it failed ('hash-mismatch', 'peer-gone', …). */
  errorCode: v.optional(v.pipe(v.string(), v.maxLength(maxOutcomeChars))),
  /** Every file's SHA-256 matched on both sides. */
  verified: v.boolean(),
  endedAtMs: v.pipe(v.number(), v.minValue(0)),
})
export type HistoryEntry = v.InferOutput<typeof entrySchema>

const deviceSchema = v.object({
  key: entrySchema.entries.deviceKey,
  name: entrySchema.entries.peerName,
  device: v.fallback(v.picklist(deviceKinds), 'unknown'),
  lastSeenMs: v.pipe(v.number(), v.minValue(0)),
})
export type KnownDevice = v.InferOutput<typeof deviceSchema>

export interface History {
  /** Newest first. */
  entries: HistoryEntry[]
  /** Most recently seen first. */
  devices: KnownDevice[]
}

/** The part of idb-keyval this store uses, so tests can hand it a Map. */
export interface KeyValueStore {
  get(key: string): Promise<unknown>
  /** Read, change and write one key in one step (one IndexedDB transaction). */
  update(key: string, updater: (old: unknown) => unknown): Promise<void>
  del(key: string): Promise<void>
}

export interface HistoryStore {
  load(): Promise<History>
  record(entry: HistoryEntry): Promise<History>
  /** Adds a device or refreshes its name, kind and last-seen time. */
  sawDevice(device: KnownDevice): Promise<History>
  /** Forgets a device and every transfer with it. */
  forgetDevice(key: string): Promise<History>
  clear(): Promise<History>
  /** Forgets everything, known devices too. */
  erase(): Promise<void>
}

/** The key a device is known by: its certificate if it showed one, else its name. */
export const deviceKey = (fingerprint: string | null, name: string): string =>
  fingerprint ?? `name:${name}`

const empty = (): History => ({ entries: [], devices: [] })

/** Keeps what is valid of whatever storage held. */
const parseHistory = (value: unknown): History => {
  if (typeof value !== 'object' || value === null) return empty()
  const { entries, devices } = value as Record<string, unknown>
  const valid = <T>(schema: v.GenericSchema<unknown, T>, list: unknown, max: number): T[] =>
    Array.isArray(list)
      ? list.slice(0, max).flatMap((item) => {
          const result = v.safeParse(schema, item)
          return result.success ? [result.output] : []
        })
      : []
  return {
    entries: valid(entrySchema, entries, maxHistoryEntries),
    devices: valid(deviceSchema, devices, maxKnownDevices),
  }
}

const idbKeyValue: KeyValueStore = {
  get: (key) => get(key),
  update: (key, updater) => update(key, updater),
  del: (key) => del(key),
}

/** Storage can be missing (private modes, blocked IndexedDB): then history lasts for this visit. */
export const createHistoryStore = (store: KeyValueStore = idbKeyValue): HistoryStore => {
  let memory = empty()
  const change = async (apply: (history: History) => History): Promise<History> => {
    let next = apply(memory)
    try {
      await store.update(historyKey, (old) => {
        next = apply(parseHistory(old))
        return next
      })
    } catch {
      // Not persisted; kept in memory for this visit.
    }
    memory = next
    return next
  }
  return {
    load: async () => {
      try {
        memory = parseHistory(await store.get(historyKey))
      } catch {
        // Unreadable storage: start empty.
      }
      return memory
    },
    record: async (entry) => {
      const checked = v.parse(entrySchema, entry)
      return change((history) => ({
        ...history,
        entries: [checked, ...history.entries.filter((e) => e.id !== checked.id)].slice(
          0,
          maxHistoryEntries,
        ),
      }))
    },
    sawDevice: async (device) => {
      const checked = v.parse(deviceSchema, device)
      return change((history) => ({
        ...history,
        devices: [checked, ...history.devices.filter((d) => d.key !== checked.key)].slice(
          0,
          maxKnownDevices,
        ),
      }))
    },
    forgetDevice: (key) =>
      change((history) => ({
        entries: history.entries.filter((e) => e.deviceKey !== key),
        devices: history.devices.filter((d) => d.key !== key),
      })),
    /** Clears the transfers; known devices stay until forgotten one by one. */
    clear: () => change((history) => ({ ...history, entries: [] })),
    erase: async () => {
      memory = empty()
      try {
        await store.del(historyKey)
      } catch {
        // Nothing persisted to erase.
      }
    },
  }
}
