/** Where received files go, as the UI sees it: free space, a picked destination, clean-up. */
import type { FreeSpace } from '../lib/transfer/free-space.ts'
import type { TransferSnapshot } from '../lib/transfer/types.ts'

export interface Receiving {
  checkFreeSpace(totalBytes: number): Promise<FreeSpace>
  /** The browser can save straight into a file or folder the person picks. */
  canPickDestination(fileCount: number): boolean
  /** Asks where to save; false when the person closed the picker. Call it first in a click handler. */
  pickDestination(offer: TransferSnapshot): Promise<boolean>
  /** The person is done with a transfer: delete what it left in the private file system. */
  release(transferId: string): void
}
