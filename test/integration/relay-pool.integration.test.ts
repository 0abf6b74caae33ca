import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createRelayPool } from '../../mailings/relay-pool'

// Throttling per relay (SMTP_MAX_CONNECTIONS, SMTP_RATE_PER_SECOND): a real SMTP server counts the
// connections open at once and when each mail arrived. Only lower bounds on time are asserted (a busy
// machine makes sending slower, never faster than the limit).

let relay: SMTPServer
let port: number
let open = 0
let mostOpen = 0
const arrivals: number[] = []

beforeAll(async () => {
  relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      mostOpen = Math.max(mostOpen, ++open)
      callback()
    },
    onClose() {
      open--
    },
    onData(stream, _session, callback) {
      stream.on('data', () => {})
      stream.on('end', () => {
        arrivals.push(Date.now())
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
  port = (relay.server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => relay.close(() => resolve())))

it('keeps to the relay\'s connections and mails per second', async () => {
  const pool = createRelayPool(`smtp://127.0.0.1:${port}`, { maxConnections: 2, perSecond: 20 })
  const mails = 30
  try {
    const results = await Promise.all(
      Array.from({ length: mails }, (_, i) =>
        pool.deliver({ from: 'bounce@fr.kessler-hydraulik.example', to: `r${i}@example.com`, message: Buffer.from(`Subject: ${i}\r\nMessage-ID: <${i}@t>\r\n\r\nHallo\r\n`) }),
      ),
    )
    expect(results.every((result) => result.ok)).toBe(true)
    expect(arrivals).toHaveLength(mails)
    // Thirty mails handed over at once: never more than two connections, and both used.
    expect(mostOpen).toBe(2)
    // 20 a second: the 30th starts 29 spacings of 50 ms (1,450 ms) after the first; the first mail's
    // connection set-up delays its arrival and shortens the span of arrivals (about 100 ms here). Unthrottled,
    // the thirty arrive within a few hundred ms.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(1_200)
  } finally {
    pool.close()
  }
})
