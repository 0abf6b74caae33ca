import { createServer } from 'node:http'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  seq: number
  receivedAt: Date
  messageId: string
  from: string
  to: string[]
  subject: string
  html: string
  text: string
  headers: Record<string, string>
  /** Attachments and inline images (a QR code, an .ics), as received. */
  attachments: { filename: string | null; contentType: string; cid: string | null; content: Buffer }[]
}

export interface SmtpSink {
  url: string
  port: number
  mails(): ReceivedMail[]
  /** Whether a mail with this Message-ID was accepted (answered 250), however long ago: the relay's record. */
  accepted(messageId: string): boolean
  /** With `receipts`: where the sink answers GET ?messageId=<id> with {"accepted": …} (SMTP_RECEIPTS_URL). */
  receiptsUrl?: string
  /** Resolves once `count` mails matching `filter` have arrived (for tests and the demo), or rejects after timeoutMs. */
  waitFor(filter: (mail: ReceivedMail) => boolean, count?: number, timeoutMs?: number): Promise<ReceivedMail[]>
  stop(): Promise<void>
}

/**
 * A real SMTP server that accepts every mail and keeps it for the outbox page, so nothing leaves the
 * machine in development and the product still speaks SMTP over TCP exactly as it does to a relay.
 */
export async function startSmtpSink(options: { port: number; keep?: number; receipts?: boolean }): Promise<SmtpSink> {
  const received: ReceivedMail[] = []
  // Every Message-ID ever accepted, kept beyond `keep`: a relay must not forget what it took.
  const acceptedIds = new Set<string>()
  const listeners = new Set<() => void>()
  const keep = options.keep ?? 5_000
  let seq = 0
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'Kessler Campaigns SMTP sink',
    // A relay refuses some mailboxes for good: the sink does so for the reserved domain rejected.invalid,
    // so the demo and tests can show a failed mail without a real relay.
    onRcptTo(address, _session, callback) {
      if (/@rejected\.invalid$/i.test(address.address)) return callback(Object.assign(new Error('5.1.1 mailbox unknown (the sink refuses rejected.invalid)'), { responseCode: 550 }))
      callback()
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {}
          for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim()
          received.push({
            seq: ++seq,
            receivedAt: new Date(),
            messageId: parsed.messageId ?? '',
            from: parsed.from?.text ?? '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            text: parsed.text ?? '',
            headers,
            attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, cid: a.cid ?? null, content: a.content })),
          })
          acceptedIds.add(parsed.messageId ?? '')
          if (received.length > keep) received.splice(0, received.length - keep)
          for (const listener of listeners) listener()
          callback()
        })
        .catch((error: Error) => callback(error))
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  // A client that dies mid-session (a worker killed while sending) resets its connection: that is the
  // client's failure, which it retries; the sink keeps serving the others.
  server.on('error', () => {})
  const port = (server.server.address() as { port: number }).port
  const receipts = options.receipts ? await serveReceipts((messageId) => acceptedIds.has(messageId)) : null
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails: () => [...received],
    accepted: (messageId) => acceptedIds.has(messageId),
    receiptsUrl: receipts?.url,
    waitFor: (filter, count = 1, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const matching = received.filter(filter)
          if (matching.length < count) return
          done()
          resolve(matching)
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`SMTP sink: expected ${count} matching mail(s) within ${timeoutMs} ms, got ${received.filter(filter).length} (of ${received.length} received)`))
        }, timeoutMs)
        const done = () => {
          clearTimeout(timer)
          listeners.delete(check)
        }
        listeners.add(check)
        check()
      }),
    stop: async () => {
      await receipts?.stop()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The sink's record over HTTP, as server/relay-receipts.ts asks it, for workers in other processes. */
async function serveReceipts(accepted: (messageId: string) => boolean): Promise<{ url: string; stop(): Promise<void> }> {
  const http = createServer((req, res) => {
    const messageId = new URL(req.url ?? '/', 'http://sink').searchParams.get('messageId')
    if (!messageId) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'messageId: required' }))
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId, accepted: accepted(messageId) }))
  })
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(0, '127.0.0.1', () => resolve())
  })
  http.keepAliveTimeout = 1_000
  return {
    url: `http://127.0.0.1:${(http.address() as { port: number }).port}/receipts`,
    stop: () => new Promise((resolve) => http.close(() => resolve())),
  }
}
