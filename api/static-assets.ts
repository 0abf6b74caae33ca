import compression from 'compression'
import express, { Router } from 'express'

/**
 * A built app's files (the designer, the booth app) gzip- or brotli-compressed on the way out: the booth app is
 * loaded over the fair's mobile network, where its JavaScript is most of the wait. Only these files pass through
 * compression, so API responses (and anything streamed) keep their behaviour.
 */
export function compressedStatic(dir: string, options: Parameters<typeof express.static>[1] = {}): Router {
  const assets = Router()
  assets.use(compression(), express.static(dir, options))
  return assets
}
