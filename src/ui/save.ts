/**
 * Handing received files over to the person: one file as a download; several, or a folder, as one
 * zip streamed into a file they pick where the browser can (File System Access), else built as a
 * Blob (Chromium keeps large ones on disk) and downloaded.
 */
import { savedName } from '../lib/protocol/paths.ts'
import type { TransferSnapshot } from '../lib/transfer/types.ts'

/**
 * Downloads a blob under a name made safe (it came from a peer). Always as bytes: a blob: URL with
 * the peer's declared type (text/html, SVG) would render on Ferry's origin wherever the browser
 * ignores `download` (some in-app browsers), and a typed blob lets the browser rename the file
 * ('empty' saved as 'empty.txt').
 */
export const downloadBlob = (blob: Blob, name: string): void => {
  const url = URL.createObjectURL(blob.slice(0, blob.size, 'application/octet-stream'))
  const anchor = document.createElement('a')
  anchor.href = url
  anchor.download = savedName(name)
  anchor.rel = 'noopener'
  document.body.append(anchor)
  anchor.click()
  anchor.remove()
  // The download has its own reference by now; give slow browsers a moment before revoking.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** window.showSaveFilePicker, which TypeScript's DOM types do not have yet. */
type ShowSaveFilePicker = (options: {
  suggestedName: string
  types: { description: string; accept: Record<string, string[]> }[]
}) => Promise<FileSystemFileHandle>

const saveFilePicker = (): ShowSaveFilePicker | undefined => {
  const picker = (window as { showSaveFilePicker?: ShowSaveFilePicker }).showSaveFilePicker
  return typeof picker === 'function' ? picker.bind(window) : undefined
}

const isAbort = (error: unknown): boolean =>
  error instanceof DOMException && error.name === 'AbortError'

export type SaveOutcome = 'saved' | 'cancelled'

/**
 * Saves a received transfer's verified files and empty folders as one zip. Call it straight from a
 * click: the file picker needs the click's user activation. Resolves 'cancelled' when the person
 * closes the picker; rejects when writing fails.
 */
export const saveTransferAsZip = async (
  transfer: Pick<TransferSnapshot, 'files' | 'folders'>,
): Promise<SaveOutcome> => {
  // Loaded on first use: most visits never save a zip.
  const { createZipStream, zipContentsOfTransfer, zipFileName } =
    await import('../lib/transfer/zip.ts')
  const contents = zipContentsOfTransfer(transfer)
  const name = zipFileName(contents)
  const picker = saveFilePicker()
  if (picker) {
    let handle: FileSystemFileHandle | undefined
    try {
      handle = await picker({
        suggestedName: name,
        types: [{ description: 'Zip archive', accept: { 'application/zip': ['.zip'] } }],
      })
    } catch (error) {
      if (isAbort(error)) return 'cancelled'
      // Refused for another reason (no user activation left, a policy): download instead.
    }
    if (handle) {
      // pipeTo closes the writable when the zip ends, which commits the file, and aborts it on error.
      await createZipStream(contents).pipeTo(await handle.createWritable())
      return 'saved'
    }
  }
  const zip = await new Response(createZipStream(contents), {
    headers: { 'Content-Type': 'application/zip' },
  }).blob()
  downloadBlob(zip, name)
  return 'saved'
}
