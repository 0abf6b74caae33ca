import { useEffect, useRef, useState } from 'react'
import { t } from './i18n'

// The camera, read for QR codes: the browser's BarcodeDetector where it has one (Chrome on Android),
// otherwise jsQR on the video frames (loaded only then, so phones with the API never download it).

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>
}
declare global {
  interface Window {
    BarcodeDetector?: new (options: { formats: string[] }) => Detector
  }
}

async function makeDetector(): Promise<(video: HTMLVideoElement, canvas: HTMLCanvasElement) => Promise<string | null>> {
  if (window.BarcodeDetector) {
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] })
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null
  }
  const { default: jsQR } = await import('jsqr')
  return async (video, canvas) => {
    canvas.width = video.videoWidth
    canvas.height = video.videoHeight
    const context = canvas.getContext('2d', { willReadFrequently: true })!
    context.drawImage(video, 0, 0)
    const frame = context.getImageData(0, 0, canvas.width, canvas.height)
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' })?.data ?? null
  }
}

/** Phones without BarcodeDetector fetch the decoder at sign-in, while online, so scanning works offline (the service worker keeps it). */
export function warmUpDecoder(): void {
  if (!window.BarcodeDetector) void import('jsqr').catch(() => undefined)
}

export function Scanner({ onCode }: { onCode(code: string): void }) {
  const video = useRef<HTMLVideoElement>(null)
  const canvas = useRef<HTMLCanvasElement>(null)
  const [problem, setProblem] = useState<string | null>(null)

  useEffect(() => {
    let stream: MediaStream | null = null
    let stopped = false
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
        if (stopped) return
        video.current!.srcObject = stream
        await video.current!.play()
        const detect = await makeDetector()
        while (!stopped) {
          const code = video.current!.readyState >= 2 ? await detect(video.current!, canvas.current!) : null
          if (code) {
            onCode(code)
            return
          }
          await new Promise((resolve) => setTimeout(resolve, 150))
        }
      } catch (error) {
        setProblem(String((error as Error).message ?? error))
      }
    })()
    return () => {
      stopped = true
      stream?.getTracks().forEach((track) => track.stop())
    }
  }, [onCode])

  return (
    <section>
      <h2>{t('fair.scanTitle')}</h2>
      {problem ? <p role="alert">{t('fair.scanNoCamera', { message: problem })}</p> : <p>{t('fair.scanStarting')}</p>}
      <video ref={video} data-testid="camera" muted playsInline style={{ width: '100%', borderRadius: 8, background: '#000' }} />
      <canvas ref={canvas} hidden />
    </section>
  )
}
