/**
 * Whether to tell the person that finding devices needs a connection. The browser's own
 * `navigator.onLine` says little (true behind a captive portal, false in a sandbox whose loopback
 * relay works), so the relay sockets decide whenever there are any.
 */
import type { NearbyStatus, RelayStatus } from '../lib/ferry.ts'

export interface ConnectivityInput {
  relays: RelayStatus
  browserOnline: boolean
  nearby: NearbyStatus
}

export const isOffline = (wasOffline: boolean, input: ConnectivityInput): boolean => {
  const { relays, browserOnline, nearby } = input
  if (relays.open > 0) return false
  // Every relay's last attempt failed: Trystero keeps retrying, and the message goes once one opens.
  if (relays.total > 0 && relays.failed === relays.total) return true
  // Attempts under way: keep saying what was said, so the message does not flicker between retries.
  if (relays.total > 0) return wasOffline
  // No room to keep, so no socket: nearby discovery failing on a browser that is offline tells.
  return !browserOnline && nearby.state === 'unavailable' && nearby.reason === 'no-answer'
}
