import nodemailer, { type Transporter } from 'nodemailer'

/** SMTP connections the app and each worker keep open to the relay. */
export const SMTP_POOL_CONNECTIONS = 8

/**
 * The longest a connection waits for the relay (its answer after the final "." included) before the
 * attempt fails. It bounds how long an attempt that is still alive can deliver after marking a message
 * 'sending', so an interrupted send is settled with the relay only after it (SETTLE_INTERRUPTED_SEND_MS).
 */
export const SMTP_ANSWER_TIMEOUT_MS = 30_000
/** When a retry may ask the relay about a message an interrupted attempt left 'sending' (db/messages.ts). */
export const SETTLE_INTERRUPTED_SEND_MS = SMTP_ANSWER_TIMEOUT_MS + 5_000

/**
 * The SMTP transport of the app and the workers: a pool of open connections, reused for message after
 * message. Unpooled, nodemailer opens a TCP connection and greets the server (EHLO …) for every mail,
 * which held sending to about a tenth of what the relay takes (bench: sending). A send's outcome is
 * still judged per message (activities/send-campaign-email.ts), whichever connection carried it.
 */
export function createMailTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: SMTP_POOL_CONNECTIONS, maxMessages: Infinity, socketTimeout: SMTP_ANSWER_TIMEOUT_MS })
}
