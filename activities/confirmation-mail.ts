import { ApplicationFailure } from '@temporalio/activity'
import { Readable } from 'node:stream'
import type { Transporter } from 'nodemailer'
import MailComposer from 'nodemailer/lib/mail-composer'
import type { Sql } from 'postgres'
import { submissionToMail } from '../db/form-submissions'
import { escapeHtml, textsFor } from '../templates/confirmation-texts'
import type { TokenSigner } from '../tracking/tokens'
import type { ConsentActivities, SendConfirmationMailInput, ConfirmationMailOutcome } from '../engine/workflows/activity-types'
export type { SendConfirmationMailInput, ConfirmationMailOutcome }

export interface ConsentMailDeps {
  sql: Sql
  mailer: Transporter
  tokens: TokenSigner
  publicUrl: string
  mailDomain: string
}

/** What the double opt-in link carries: the submission and when the link expires (epoch seconds). */
export interface ConfirmPayload {
  s: string
  x: number
}

/**
 * Sends the double opt-in mail of one form submission. Side effects: one SMTP transaction and the
 * submission's confirmation_status; idempotency key: the submission (one per form and request id), also
 * the Message-ID. Like campaign mail the status goes pending → sending → sent, so a retry after an
 * attempt died mid-transaction records "unknown" instead of mailing twice.
 */
export async function sendConfirmationMail(deps: ConsentMailDeps, input: SendConfirmationMailInput): Promise<ConfirmationMailOutcome> {
  const { sql } = deps
  const row = await submissionToMail(sql, input.submissionId)
  if (!row) throw ApplicationFailure.nonRetryable(`form submission ${input.submissionId} or its contact no longer exists`, 'SubmissionGone')
  if (row.confirmation_status === 'sent') return 'already_sent'
  if (row.confirmation_status === 'unknown') return 'unknown'
  if (row.confirmation_status === 'sending') {
    await sql`update form_submissions set confirmation_status = 'unknown' where id = ${input.submissionId} and confirmation_status = 'sending'`
    return 'unknown'
  }
  if (row.confirmed_at || row.consent_status === 'granted') {
    await sql`update form_submissions set confirmation_status = 'not_needed' where id = ${input.submissionId}`
    return 'not_needed'
  }

  const t = textsFor(row.locale)
  const expires = new Date(input.expiresAt)
  const token = deps.tokens.sign('confirm', { s: input.submissionId, x: Math.floor(expires.getTime() / 1000) } satisfies ConfirmPayload)
  const link = `${deps.publicUrl}/f/confirm/${token}`
  const days = Math.max(1, Math.round((expires.getTime() - Date.now()) / 86_400_000))
  const name = [row.first_name, row.last_name].filter(Boolean).join(' ') || null
  const messageId = `<doi.${input.submissionId}@${deps.mailDomain}>`
  const lines = [t.greeting(name), '', t.body(row.form_name), '', link, '', t.validity(days), t.ignore]
  const html = `<!doctype html><html lang="${row.locale}"><body style="font-family:Arial,sans-serif;color:#1d2b36">
<p>${escapeHtml(t.greeting(name))}</p><p>${escapeHtml(t.body(row.form_name))}</p>
<p><a href="${escapeHtml(link)}" style="background:#0b4f8a;color:#fff;padding:10px 18px;text-decoration:none;border-radius:4px">${escapeHtml(t.button)}</a></p>
<p>${escapeHtml(t.validity(days))}<br>${escapeHtml(t.ignore)}</p><p style="color:#667">${escapeHtml(row.sender_name)}</p></body></html>`

  await sql`update form_submissions set confirmation_status = 'sending', confirmation_message_id = ${messageId} where id = ${input.submissionId}`
  const message = await new MailComposer({
    from: { name: row.sender_name, address: row.sender_email },
    to: row.email,
    subject: t.subject,
    text: lines.join('\n'),
    html,
    messageId,
  })
    .compile()
    .build()
  // As for campaign mail: only a message whose end never left can safely be sent again.
  let bodyHandedOver = false
  const raw = Readable.from([message]).once('end', () => (bodyHandedOver = true))
  try {
    await deps.mailer.sendMail({ envelope: { from: row.sender_email, to: [row.email] }, raw })
    await sql`update form_submissions set confirmation_status = 'sent', confirmation_sent_at = now() where id = ${input.submissionId}`
    return 'sent'
  } catch (error) {
    const e = error as { responseCode?: number; message?: string }
    // An SMTP answer, or a message that never fully left: nothing was accepted, Temporal retries (5xx ends it).
    if (typeof e.responseCode === 'number' || !bodyHandedOver) {
      await sql`update form_submissions set confirmation_status = 'failed' where id = ${input.submissionId}`
      if ((e.responseCode ?? 0) >= 500) throw ApplicationFailure.nonRetryable(`confirmation mail refused: ${e.message}`, 'MailRejected')
      throw error
    }
    await sql`update form_submissions set confirmation_status = 'unknown' where id = ${input.submissionId}`
    return 'unknown'
  }
}

/** The consent activities the worker registers beside the campaign ones. */
export function createConsentActivities(deps: ConsentMailDeps): ConsentActivities {
  return { sendConfirmationMail: (input: SendConfirmationMailInput) => sendConfirmationMail(deps, input) }
}

export type { ConsentActivities }
