import { writeFileSync } from 'node:fs'
import jsQR from 'jsqr'
import { PNG } from 'pngjs'

// The QR code of a mail, read the way a phone would: decoded from the PNG (jsQR), and turned into a
// Y4M video for Chromium's fake camera (--use-file-for-fake-video-capture), so the booth app scans it
// through getUserMedia like a real camera. A tiny Y4M writer: no ffmpeg needed.

/** The text a QR code PNG carries, or null. */
export function readQr(png: Buffer): string | null {
  const image = PNG.sync.read(png)
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null
}

/**
 * Writes a Y4M (4:2:0, 8 bit) of `frames` identical frames showing the PNG centred on white, scaled by
 * whole pixels to fit `width`×`height`. Chromium loops the file, so a few frames are enough.
 */
export function writeQrY4m(png: Buffer, path: string, options: { width?: number; height?: number; frames?: number } = {}): void {
  const width = options.width ?? 640
  const height = options.height ?? 480
  const image = PNG.sync.read(png)
  const scale = Math.max(1, Math.floor(Math.min(width / image.width, height / image.height)))
  const left = Math.floor((width - image.width * scale) / 2)
  const top = Math.floor((height - image.height * scale) / 2)
  const luma = Buffer.alloc(width * height, 235)
  for (let y = 0; y < image.height * scale; y++) {
    for (let x = 0; x < image.width * scale; x++) {
      const i = (Math.floor(y / scale) * image.width + Math.floor(x / scale)) * 4
      const alpha = image.data[i + 3]! / 255
      // Rec. 601 luma, composited over white, in video range 16–235.
      const grey = (0.299 * image.data[i]! + 0.587 * image.data[i + 1]! + 0.114 * image.data[i + 2]!) * alpha + 255 * (1 - alpha)
      luma[(top + y) * width + left + x] = Math.round(16 + (grey * 219) / 255)
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma])
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: options.frames ?? 10 }, () => frame)]))
}
