/** This device's relay and ICE server settings, as the UI sees them (storage/settings.ts). */
import type { ConfigOverrides } from '../lib/signalling/config.ts'

export interface ConnectionSettingsPort {
  /** What is saved on this device (validated again on the way out of storage). */
  load(): Promise<ConfigOverrides>
  /** Throws if the browser would not store it. */
  save(overrides: ConfigOverrides): Promise<void>
  /** Forgets them: back to the built-in, build- or serve-time settings. */
  reset(): Promise<void>
}
