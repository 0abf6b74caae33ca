import { Readable } from 'node:stream'
import type { Transporter } from 'nodemailer'
import MailComposer from 'nodemailer/lib/mail-composer'
import QRCode from 'qrcode'
import type { Sql } from 'postgres'
import type { TokenSigner } from '../tracking/tokens'
import { escapeHtml } from '../templates/confirmation-texts'
import { claimMeetingMail, fairById, meetingForMail, settleMeetingMail } from '../db/fairs'
import { meetingIcs } from './ics'
import { formatSlot, meetingTextsFor } from './meeting-texts'
import { signFairToken, visitorTokenExpiry } from './tokens'

export interface MeetingMailDeps {
  sql: Sql
  mailer: Transporter
  tokens: TokenSigner
  publicUrl: string
  mailDomain: string
}

export type MeetingMailOutcome = 'sent' | 'already_sent' | 'unknown'

/** What the QR code says: the booth app's address with the signed visitor token, so any camera app opens it too. */
export const visitorCodeUrl = (publicUrl: string, token: string) => `${publicUrl}/fair/#visitor=${token}`

/**
 * Mails the confirmation of a booked meeting: slot, rep, a QR code (inline image) carrying the signed,
 * expiring visitor token, and the meeting as an .ics attachment. Side effects: one SMTP transaction and the
 * meeting's confirmation_status; idempotency key: the meeting (claimed pending → sending first, so a second
 * call, or a retry after a crash mid-send, never mails twice), also the Message-ID.
 */
export async function sendMeetingConfirmation(deps: MeetingMailDeps, meetingId: string): Promise<MeetingMailOutcome> {
  const meeting = await meetingForMail(deps.sql, meetingId)
  if (!meeting) throw new Error(`meeting ${meetingId} does not exist`)
  const fair = await fairById(deps.sql, meeting.fair_id)
  if (!fair) throw new Error(`the fair of meeting ${meetingId} does not exist`)
  const messageId = `<fair-meeting.${meeting.id}.${meeting.starts_at.getTime()}@${deps.mailDomain}>`
  if (!(await claimMeetingMail(deps.sql, meeting.id, messageId))) return meeting.confirmation_status === 'sent' ? 'already_sent' : 'unknown'

  const t = meetingTextsFor(meeting.locale)
  const name = [meeting.first_name, meeting.last_name].filter(Boolean).join(' ') || null
  const when = formatSlot(meeting.locale, fair.time_zone, meeting.starts_at)
  const token = signFairToken(deps.tokens, 'fair_visitor', meeting.contact_id, fair.id, visitorTokenExpiry(fair.ends_on))
  const qr = await QRCode.toBuffer(visitorCodeUrl(deps.publicUrl, token), { type: 'png', width: 360, margin: 2, errorCorrectionLevel: 'M' })
  const confirm = t.confirm(when, meeting.rep_name, fair.stand, `${fair.name}, ${fair.place}`)
  const ics = meetingIcs({
    uid: `fair-meeting-${meeting.id}@${deps.mailDomain}`,
    startsAt: meeting.starts_at,
    endsAt: meeting.ends_at,
    summary: t.subject(fair.name),
    location: `${fair.stand}, ${fair.place}`,
    description: confirm,
    organizer: { name: meeting.rep_name, email: meeting.rep_email },
  })
  const html = `<!doctype html><html lang="${meeting.locale}"><body style="font-family:Arial,sans-serif;color:#1d2b36">
<p>${escapeHtml(t.greeting(name))}</p><p>${escapeHtml(confirm)}</p><p>${escapeHtml(t.showCode)}</p>
<p><img src="cid:visitor-qr@kessler" alt="QR" width="240" height="240"></p><p>${escapeHtml(t.calendar)}</p>
<p style="color:#667">${escapeHtml(meeting.sender_name)}</p></body></html>`
  const message = await new MailComposer({
    from: { name: meeting.sender_name, address: meeting.sender_email },
    to: meeting.email,
    replyTo: meeting.rep_email,
    subject: t.subject(fair.name),
    text: [t.greeting(name), '', confirm, '', t.calendar].join('\n'),
    html,
    messageId,
    attachments: [
      { filename: 'visitor-qr.png', content: qr, contentType: 'image/png', cid: 'visitor-qr@kessler' },
      { filename: 'meeting.ics', content: ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' },
    ],
  })
    .compile()
    .build()
  // As for campaign mail: only a message whose end never left can safely be sent again.
  let bodyHandedOver = false
  const raw = Readable.from([message]).once('end', () => (bodyHandedOver = true))
  try {
    await deps.mailer.sendMail({ envelope: { from: meeting.sender_email, to: [meeting.email] }, raw })
    await settleMeetingMail(deps.sql, meeting.id, 'sent')
    return 'sent'
  } catch (error) {
    const e = error as { responseCode?: number }
    const status = typeof e.responseCode === 'number' || !bodyHandedOver ? 'failed' : 'unknown'
    await settleMeetingMail(deps.sql, meeting.id, status)
    if (status === 'failed') throw error
    return 'unknown'
  }
}
