import type { ProtocolError } from '../protocol/errors.ts'
import type { ControlMessage } from './types.ts'

/** What a running transfer's engine (outgoing or incoming) may ask of the manager that owns it. */
export interface TransferHooks {
  /** True while the transfer is 'transferring'; engines check it after every await. */
  isActive(): boolean
  /** Best effort: a message the peer can no longer receive is dropped (its leaving ends the transfer). */
  send(message: ControlMessage): void
  /** Bytes moved; the manager decides whether that is worth an event. */
  progressed(): void
  /** A file finished (verified). */
  fileEnded(index: number): void
  /** Every file is verified. */
  completed(): void
  /** This side failed the transfer; the manager tells the peer. */
  failed(error: ProtocolError): void
}

/** Runs a promise nobody awaits, routing its rejection to `onError` so it is never lost. */
export const runDetached = (work: Promise<void>, onError: (error: unknown) => void): void => {
  work.catch(onError)
}

/** An exception from a callback must not corrupt our state; rethrown where it is reported, not lost. */
export const reportLater = (error: unknown): void => {
  queueMicrotask(() => {
    throw error
  })
}
