import { createServer, type Server } from 'node:http'
import { webhookSignature } from '../../activities/signed-post'

export interface CrmReceiver {
  url: string
  /** Bodies received with a valid signature, in order. */
  received: { body: any; idempotencyKey: string | undefined }[]
  /** Requests refused because the signature did not match. */
  badSignatures: number
  /** Answer the next n requests with 503 (a CRM that is down for a moment). */
  failNext(n: number): void
  stop(): Promise<void>
}

/** A local HTTP server speaking the CRM side of the handover webhook: verifies X-Signature, answers 200. */
export async function startCrmReceiver(secret: string): Promise<CrmReceiver> {
  let failing = 0
  const receiver: CrmReceiver = {
    url: '',
    received: [],
    badSignatures: 0,
    failNext: (n) => void (failing = n),
    stop: () => new Promise((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      if (failing > 0) {
        failing--
        res.writeHead(503).end('maintenance')
        return
      }
      if (req.headers['x-signature'] !== webhookSignature(secret, raw)) {
        receiver.badSignatures++
        res.writeHead(401).end('bad signature')
        return
      }
      receiver.received.push({ body: JSON.parse(raw), idempotencyKey: req.headers['idempotency-key'] as string | undefined })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/crm/leads`
  return receiver
}
