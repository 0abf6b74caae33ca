import nodemailer from 'nodemailer'

/** DKIM key for signing outgoing mailings; the domain is the sending subsidiary's. */
export interface DkimKey {
  selector: string
  privateKey: string
}

export interface MailingMessage {
  from: { name: string; address: string }
  to: string
  subject: string
  html: string
  text: string
  messageId: string
  /** The VERP return path (envelope sender and Return-Path). */
  returnPath: string
  unsubscribeUrl: string
  listId: string
  dkimDomain: string
  /** The Date header: when the mail leaves, on the sending's clock. */
  date?: Date
}

// nodemailer's stream transport builds the MIME message (and signs it with its `dkim` option) into a
// buffer without sending it: the relay pool sends it, so it controls when the body goes.
const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })

export async function buildMailingMessage(mail: MailingMessage, dkim: DkimKey | null): Promise<Buffer> {
  const info = await composer.sendMail({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    messageId: mail.messageId,
    ...(mail.date ? { date: mail.date } : {}),
    envelope: { from: mail.returnPath, to: [mail.to] },
    headers: {
      // RFC 8058: a POST to this URL with "List-Unsubscribe=One-Click" unsubscribes, without a page.
      'List-Unsubscribe': `<${mail.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      // Prepared: nodemailer would encode the whole header (angle brackets too) once the name has an accent.
      'List-ID': { prepared: true, value: mail.listId },
      'Return-Path': `<${mail.returnPath}>`,
      Precedence: 'bulk',
    },
    ...(dkim ? { dkim: { domainName: mail.dkimDomain, keySelector: dkim.selector, privateKey: dkim.privateKey } } : {}),
  })
  return info.message as Buffer
}
