/**
 * Small previews of images for an offer (see docs/protocol.md, Previews): scaled on a canvas and
 * encoded as WebP, else JPEG, as a data: URL. Where the browser lacks what this needs, or an image
 * cannot be decoded, there is simply no preview.
 */
import { maxPreviewBytes, maxPreviewsPerOffer, previewSidePixels } from '../lib/protocol/limits.ts'
import type { OutgoingFile } from '../lib/transfer/types.ts'

/** Types a browser decodes; larger sources are skipped rather than decoded into memory. */
const decodable = /^image\/(jpeg|png|webp|gif|avif|bmp)$/
const maxSourceBytes = 40 * 1024 * 1024
const qualities = [0.75, 0.5] as const

type Canvas = OffscreenCanvas | HTMLCanvasElement

const makeCanvas = (width: number, height: number): Canvas | null => {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height)
  if (typeof document === 'undefined') return null
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  return canvas
}

const encode = (canvas: Canvas, type: string, quality: number): Promise<Blob | null> =>
  canvas instanceof HTMLCanvasElement
    ? new Promise((resolve) => canvas.toBlob(resolve, type, quality))
    : canvas.convertToBlob({ type, quality })

const dataUrl = (blob: Blob): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () =>
      typeof reader.result === 'string'
        ? resolve(reader.result)
        : reject(new Error('ferry: preview not read as text'))
    reader.onerror = () => reject(reader.error ?? new Error('ferry: preview unreadable'))
    reader.readAsDataURL(blob)
  })

/** One preview, or null. Encoders that cannot write WebP (Safari) fall back to JPEG. */
export const makeThumbnail = async (image: Blob): Promise<string | null> => {
  if (!decodable.test(image.type) || image.size > maxSourceBytes) return null
  if (typeof createImageBitmap !== 'function') return null
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(image)
  } catch {
    return null
  }
  try {
    const scale = Math.min(1, previewSidePixels / Math.max(bitmap.width, bitmap.height, 1))
    const width = Math.max(1, Math.round(bitmap.width * scale))
    const height = Math.max(1, Math.round(bitmap.height * scale))
    const canvas = makeCanvas(width, height)
    const context = canvas?.getContext('2d') as
      OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null | undefined
    if (!canvas || !context) return null
    context.drawImage(bitmap, 0, 0, width, height)
    for (const type of ['image/webp', 'image/jpeg']) {
      for (const quality of qualities) {
        const blob = await encode(canvas, type, quality)
        // An encoder that does not know the type answers with PNG: try the next type.
        if (!blob || blob.type !== type) break
        if (blob.size <= maxPreviewBytes) return await dataUrl(blob)
      }
    }
    return null
  } catch {
    return null
  } finally {
    bitmap.close()
  }
}

/** The files with previews of their first few images, made one after another. */
export const withPreviews = async (files: OutgoingFile[]): Promise<OutgoingFile[]> => {
  const result = [...files]
  let made = 0
  for (const [index, file] of files.entries()) {
    if (made >= maxPreviewsPerOffer) break
    if (!decodable.test(file.type)) continue
    const preview = await makeThumbnail(file.blob)
    if (preview === null) continue
    result[index] = { ...file, preview }
    made += 1
  }
  return result
}
