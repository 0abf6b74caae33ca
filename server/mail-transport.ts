import nodemailer, { type Transporter } from 'nodemailer'

/** SMTP connections the app and each worker keep open to the relay. */
export const SMTP_POOL_CONNECTIONS = 8

/**
 * The SMTP transport of the app and the workers: a pool of open connections, reused for message after
 * message. Unpooled, nodemailer opens a TCP connection and greets the server (EHLO …) for every mail,
 * which held sending to about a tenth of what the relay takes (bench: sending). A send's outcome is
 * still judged per message (activities/send-campaign-email.ts), whichever connection carried it.
 */
export function createMailTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: SMTP_POOL_CONNECTIONS, maxMessages: Infinity })
}
