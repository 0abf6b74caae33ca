import type { Sql } from 'postgres'
import { SMTPServer } from 'smtp-server'
import { messageByMessageId, messageByRowId, recordBounce, recordComplaint, type ReturnedMessage } from '../db/mail-returns'
import { readInboundReport } from '../mailings/bounce-report'
import { readVerpAddress } from '../mailings/verp'

export interface InboundMail {
  port: number
  stop(): Promise<void>
}

export interface InboundMailDeps {
  sql: Sql
  verpSecret: string
  softBounce: { threshold: number; halfLifeMs: number }
  /** Tells the dispatcher that new events are waiting (enrolments leave on bounce and complaint). */
  onEvent: () => void
  log: (message: string) => void
}

const MAX_REPORT_BYTES = 5 * 1024 * 1024

/**
 * The product's inbound SMTP endpoint: where VERP return paths lead and feedback loops deliver. It takes
 * mail only for addresses it signed (bounce+<message>-<signature>@…) or for complaints (fbl@, abuse@),
 * reads delivery status notifications (RFC 3464) and complaint reports (RFC 5965), and records them.
 * A report it cannot tie to a mail it sent is accepted and dropped (answering 5xx would only bounce the bounce).
 */
export async function startInboundMail(deps: InboundMailDeps, port: number): Promise<InboundMail> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'Kessler Campaigns inbound mail',
    size: MAX_REPORT_BYTES,
    onRcptTo(address, _session, callback) {
      const local = address.address.slice(0, address.address.lastIndexOf('@')).toLowerCase()
      if (readVerpAddress(deps.verpSecret, address.address) || local === 'fbl' || local === 'abuse') return callback()
      callback(Object.assign(new Error('5.1.1 no such mailbox here'), { responseCode: 550 }))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        handle(Buffer.concat(chunks), session.envelope.rcptTo.map((rcpt) => rcpt.address))
          .then(() => callback())
          // Our own failure (database away): 4xx makes the reporting server try again later.
          .catch((error: Error) => {
            deps.log(`inbound mail not recorded: ${error.message}`)
            callback(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 }))
          })
      })
    },
  })

  async function handle(raw: Buffer, recipients: string[]) {
    const report = await readInboundReport(raw)
    if (report.kind === 'other') return
    let message: ReturnedMessage | undefined
    for (const recipient of recipients) {
      const rowId = readVerpAddress(deps.verpSecret, recipient)
      if (rowId) message = await messageByRowId(deps.sql, rowId)
      if (message) break
    }
    // Feedback loops send to a fixed address: the original message's Message-ID names the mail.
    if (!message && report.originalMessageId) message = await messageByMessageId(deps.sql, report.originalMessageId)
    if (!message) return deps.log(`inbound ${report.kind} for a mail we did not send; dropped`)
    if (report.kind === 'complaint') await recordComplaint(deps.sql, message, report.feedbackType)
    else await recordBounce(deps.sql, message, report, deps.softBounce)
    deps.onEvent()
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    port: (server.server.address() as { port: number }).port,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
