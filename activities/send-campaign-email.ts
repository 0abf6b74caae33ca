import { ApplicationFailure } from '@temporalio/activity'
import { Readable } from 'node:stream'
import type { Transporter } from 'nodemailer'
import MailComposer from 'nodemailer/lib/mail-composer'
import type { Sql } from 'postgres'
import { campaignFairJoin } from '../db/fairs'
import { settleInterruptedSend, type RelayReceipts } from '../db/messages'
import type { EnrolmentRef } from '../engine/nodes'
import { resolveTimeZone } from '../engine/nodes/contact-facts'
import { nextSendWindowStart, type SendWindow } from '../engine/nodes/zoned-time'
import { bookingTokenExpiry, signFairToken } from '../fairs/tokens'
import type { TemplateRenderer } from '../templates/renderer'
import type { TemplateStore } from '../templates/template-store'
import { startHeartbeat } from './activity-context'
import type { TokenSigner } from '../tracking/tokens'
import { lockContact } from '../db/contacts'
import type { SendCampaignEmailInput, SendOutcome } from '../engine/nodes/step-activities'
export type { SendCampaignEmailInput, SendOutcome }

export interface MailDeps {
  sql: Sql
  mailer: Transporter
  renderer: TemplateRenderer
  /** The account's template versions; without it (some tests) mail renders from the built-in files. */
  templateStore?: TemplateStore
  tokens: TokenSigner
  publicUrl: string
  mailDomain: string
  /**
   * The relay's record of accepted Message-IDs and how long after a 'sending' mark it may be asked
   * (server/mail-transport.ts). Without receipts, a send interrupted after its final "." stays unknown.
   */
  relay?: { receipts?: RelayReceipts; settleMs: number }
}

/** What a click or open token carries: enough to record the event against the right mail. */
export interface TrackingPayload {
  a: string // account
  c: string // contact
  e: string // enrolment
  p: string // campaign
  n: string // node (step)
  m: string // Message-ID
  u?: string // target URL (clicks)
  g?: string // link tag (clicks)
}

export interface UnsubscribePayload {
  a: string
  c: string
  m: string
}

interface RecipientRow {
  email: string
  first_name: string | null
  last_name: string | null
  salutation: 'mr' | 'ms' | 'none' | null
  company: string | null
  attributes: Record<string, unknown>
  consent_status: string
  subsidiary_code: string
  subsidiary_locale: string
  subsidiary_name: string
  sender_name: string
  sender_email: string
  trigger_properties: Record<string, unknown> | null
  campaign_status: 'draft' | 'live' | 'paused' | 'stopped'
  frequency_cap_per_week: number
  send_window: SendWindow | null
  time_zone: string | null
  subsidiary_time_zone: string | null
  template_pins: Record<string, number> | null
  earlier_status: string | null
  earlier_reason: string | null
  fair_id: string | null
  fair_name: string | null
  fair_place: string | null
  fair_stand: string | null
  fair_starts_on: string | null
  fair_ends_on: string | null
}

/** The fair the campaign invites to (db/fairs.ts campaignFairJoin), with this contact's own signed link to the booking page (as POST /api/fairs/:id/booking-links gives). */
function fairVariables(deps: MailDeps, contactId: string, r: RecipientRow) {
  const token = signFairToken(deps.tokens, 'fair_booking', contactId, r.fair_id!, bookingTokenExpiry(r.fair_ends_on!))
  return { name: r.fair_name, place: r.fair_place, stand: r.fair_stand, startsOn: r.fair_starts_on, endsOn: r.fair_ends_on, bookingUrl: `${deps.publicUrl}/fair/book/${token}` }
}

/** The Message-ID is derived from enrolment, step and pass, so every attempt of one send shares it. */
export function campaignMessageId(input: Pick<SendCampaignEmailInput, 'enrolmentId' | 'nodeId' | 'visit'>, mailDomain: string): string {
  return `<${input.enrolmentId}.${input.nodeId}.${input.visit}@${mailDomain}>`
}

/**
 * Sends one campaign mail. Side effects: a row in `messages` (idempotency key: enrolment + step + pass,
 * also the Message-ID) and one SMTP transaction. The row moves pending → sending → sent before, during
 * and after the transaction, so a retry can tell what happened: sent is not sent again; failed (the server
 * said "not now", or the message never fully left) is retried; sending means an attempt died between its
 * final "." and the answer (or lost the connection there): the retry asks the relay by Message-ID
 * (db/messages.ts settleInterruptedSend) and sends again only if the relay never accepted it; a relay that
 * cannot be asked leaves it unknown, never mailed twice. Contacts without consent are recorded as
 * suppressed, never mailed: consent is read again as each SMTP attempt starts (startAttempt).
 */
export async function sendCampaignEmail(deps: MailDeps, input: SendCampaignEmailInput): Promise<SendOutcome> {
  const { sql } = deps
  const messageId = campaignMessageId(input, deps.mailDomain)
  const [recipient] = await sql<RecipientRow[]>`
    select c.email, c.first_name, c.last_name, c.salutation, c.company, c.attributes, c.consent_status,
           s.code as subsidiary_code, s.locale as subsidiary_locale, s.name as subsidiary_name,
           s.sender_name, s.sender_email, e.properties as trigger_properties,
           ca.status as campaign_status, a.frequency_cap_per_week, a.send_window, c.time_zone, s.time_zone as subsidiary_time_zone,
           cv.template_pins, m.status as earlier_status, m.reason as earlier_reason,
           f.id as fair_id, f.name as fair_name, f.place as fair_place, f.stand as fair_stand, f.starts_on as fair_starts_on, f.ends_on as fair_ends_on
    from enrolments en
    left join campaign_versions cv on cv.id = en.version_id
    join contacts c on c.id = en.contact_id
    join subsidiaries s on s.id = c.subsidiary_id
    join campaigns ca on ca.id = en.campaign_id
    join accounts a on a.id = en.account_id
    left join events e on e.id = en.trigger_event_id
    -- What an earlier attempt of this send left in the log, read in the same round trip.
    left join messages m on m.message_id = ${messageId}
    -- The fair the campaign invites to (or is the campaign of), for an invitation's {{ fair.bookingUrl }}.
    ${campaignFairJoin(sql, 'en.campaign_id')}
    where en.id = ${input.enrolmentId} and en.account_id = ${input.accountId}`
  if (!recipient) throw ApplicationFailure.nonRetryable(`enrolment ${input.enrolmentId} or its contact no longer exists`, 'EnrolmentGone')

  const earlier = recipient.earlier_status === null ? undefined : { status: recipient.earlier_status, reason: recipient.earlier_reason }
  if (earlier?.status === 'sending') {
    // An attempt died after its final "." may have gone out: the relay's record decides (after any live
    // attempt must have had its answer), so the mail is neither lost nor sent twice.
    const stopHeartbeat = startHeartbeat()
    try {
      const settled = await settleInterruptedSend(sql, { messageId, receipts: deps.relay?.receipts, settleMs: deps.relay?.settleMs ?? 0 })
      earlier.status = settled.verdict === 'sent' ? 'sent' : settled.verdict === 'resend' ? 'failed' : settled.verdict === 'unknown' ? 'unknown' : settled.status
    } finally {
      stopHeartbeat()
    }
  }
  switch (earlier?.status) {
    case 'sent':
      return { outcome: 'sent', messageId }
    case 'suppressed':
      return { outcome: 'suppressed', messageId, reason: earlier.reason?.split(':')[0] ?? 'no_consent' }
    case 'unknown':
      return { outcome: 'unknown', messageId }
    case 'sending':
      // Settled by someone else and marked sending again: a live attempt holds it; this one waits its turn.
      throw ApplicationFailure.retryable(`message ${messageId} is being sent by another attempt`, 'SendInProgress')
    case undefined: {
      // First attempt: the campaign and the contact's quota decide whether this mail may go now.
      if (recipient.campaign_status === 'paused') return { outcome: 'paused', messageId }
      if (recipient.campaign_status === 'stopped') return { outcome: 'suppressed', messageId, reason: 'campaign_stopped' }
      if (recipient.consent_status !== 'granted') {
        await sql`
          insert into messages (account_id, enrolment_id, contact_id, campaign_id, node_id, visit, message_id, template, recipient, status, reason)
          values (${input.accountId}, ${input.enrolmentId}, ${input.contactId}, ${input.campaignId}, ${input.nodeId}, ${input.visit},
                  ${messageId}, ${input.template}, ${recipient.email}, 'suppressed', ${`no_consent: consent is ${recipient.consent_status}`})
          on conflict (enrolment_id, node_id, visit) do nothing`
        return { outcome: 'suppressed', messageId, reason: 'no_consent' }
      }
      if (recipient.send_window) {
        // Quiet hours: outside the account's send window on the contact's clock, the mail waits for it to open.
        const now = Date.now()
        const opens = nextSendWindowStart(now, resolveTimeZone(recipient.time_zone, recipient.subsidiary_time_zone), recipient.send_window)
        if (opens > now) return { outcome: 'deferred', messageId, until: new Date(opens).toISOString(), reason: 'quiet_hours' }
      }
      const slot = await claimSlot(sql, input, messageId, recipient)
      if (slot) return { outcome: 'deferred', messageId, until: slot.toISOString(), reason: 'frequency_cap' }
    }
    // 'pending' or 'failed': an earlier attempt holds the slot and certainly delivered nothing; send now.
  }

  const tracking: TrackingPayload = { a: input.accountId, c: input.contactId, e: input.enrolmentId, p: input.campaignId, n: input.nodeId, m: messageId }
  const unsubscribeUrl = `${deps.publicUrl}/u/${deps.tokens.sign('unsubscribe', { a: input.accountId, c: input.contactId, m: messageId } satisfies UnsubscribePayload)}`
  const mail = await deps.renderer.render({
    templateId: input.template,
    // The template versions the campaign version was published with, so a later edit does not change it.
    templates: (await deps.templateStore?.set(input.accountId, recipient.template_pins)) ?? undefined,
    subsidiary: { code: recipient.subsidiary_code, locale: recipient.subsidiary_locale, name: recipient.subsidiary_name },
    contact: {
      email: recipient.email,
      firstName: recipient.first_name,
      lastName: recipient.last_name,
      salutation: recipient.salutation,
      company: recipient.company,
      attributes: recipient.attributes,
    },
    variables: { event: recipient.trigger_properties ?? {}, ...(recipient.fair_id ? { fair: fairVariables(deps, input.contactId, recipient) } : {}) },
    trackLink: (url, tag) => `${deps.publicUrl}/t/c/${deps.tokens.sign('click', { ...tracking, u: url, ...(tag ? { g: tag } : {}) })}`,
    openPixelUrl: `${deps.publicUrl}/t/o/${deps.tokens.sign('open', tracking)}`,
    unsubscribeUrl,
  })

  // The MIME message is built here and handed to SMTP as a stream, so we know whether the server can
  // have received all of it: it cannot accept a message whose end (the final ".") was never sent.
  const message = await new MailComposer({
    from: { name: recipient.sender_name, address: recipient.sender_email },
    to: recipient.email,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    messageId,
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  })
    .compile()
    .build()
  // Consent and the campaign are read again at the moment the attempt starts, not when the mail was first
  // planned: an unsubscribe during an SMTP outage, a pause, quiet hours or a frequency-cap wait stops it here.
  const withheld = await startAttempt(sql, input, messageId)
  if (withheld) return withheld
  // A server accepts a message only with its final "." (sent when this stream ends). Until then a crash
  // delivers nothing and leaves the row pending or failed, so the retry sends again; 'sending' is committed
  // just before the "." goes out, so only a crash between that commit and the server's answer leaves a
  // message to be settled with the relay (workers SIGKILLed every few seconds: production-topology test).
  let bodyHandedOver = false
  let bodyPushed = false
  let attemptCounted = false
  const raw = new Readable({
    read() {
      if (!bodyPushed) {
        bodyPushed = true
        this.push(message)
        return
      }
      sql`update messages set status = 'sending', attempts = attempts + 1, subject = ${mail.subject}, locale = ${mail.locale} where message_id = ${messageId}`.then(
        () => {
          attemptCounted = true
          this.push(null)
        },
        (error: Error) => this.destroy(error),
      )
    },
  }).once('end', () => (bodyHandedOver = true))
  const stopHeartbeat = startHeartbeat()
  try {
    const info = await deps.mailer.sendMail({ envelope: { from: recipient.sender_email, to: [recipient.email] }, raw })
    await sql`update messages set status = 'sent', sent_at = now(), smtp_response = ${String(info.response ?? '')} where message_id = ${messageId}`
    return { outcome: 'sent', messageId }
  } catch (error) {
    const e = error as { message?: string; responseCode?: number }
    const reason = e.message ?? String(error)
    if (typeof e.responseCode === 'number' && e.responseCode >= 500) {
      // The server refused for good (unknown mailbox, policy): retrying would only be refused again.
      await sql`update messages set status = 'failed', reason = ${reason}, attempts = attempts + ${attemptCounted ? 0 : 1} where message_id = ${messageId}`
      return { outcome: 'rejected', messageId, reason: 'mail_rejected' }
    }
    if (typeof e.responseCode === 'number' || !bodyHandedOver) {
      // The server answered "not now", or the message never fully left: nothing was delivered, Temporal retries.
      await sql`update messages set status = 'failed', reason = ${reason}, attempts = attempts + ${attemptCounted ? 0 : 1} where message_id = ${messageId}`
      throw error
    }
    // The whole message was on the wire and no answer came: it may have been accepted. With a relay to ask,
    // the row stays 'sending' and the retry settles it by Message-ID; without one, the outcome is unknown.
    if (deps.relay?.receipts) throw ApplicationFailure.retryable(`no answer from the relay after the whole message: ${reason}`, 'RelayAnswerLost')
    await sql`update messages set status = 'unknown', reason = ${reason} where message_id = ${messageId}`
    return { outcome: 'unknown', messageId }
  } finally {
    stopHeartbeat()
  }
}

/**
 * Takes one of the contact's mail slots for this message, or tells when the next one frees up. The row
 * lock on the contact makes concurrent sends from several campaigns count one after the other, so the
 * cap holds across campaigns. Returns null when the slot was taken (the message row now exists).
 */
async function claimSlot(sql: Sql, input: SendCampaignEmailInput, messageId: string, recipient: RecipientRow): Promise<Date | null> {
  return sql.begin(async (sql) => {
    await lockContact(sql, input.contactId)
    const recent = await sql<{ created_at: Date }[]>`
      select created_at from messages
      where contact_id = ${input.contactId} and status in ('pending', 'sending', 'sent', 'unknown')
        and created_at > now() - interval '7 days'
      order by created_at desc limit ${recipient.frequency_cap_per_week}`
    if (recent.length >= recipient.frequency_cap_per_week) {
      // The slot of the oldest of the last N mails frees up when that mail is a week old.
      return new Date(recent.at(-1)!.created_at.getTime() + 7 * 86_400_000)
    }
    await sql`
      insert into messages (account_id, enrolment_id, contact_id, campaign_id, node_id, visit, message_id, template, recipient)
      values (${input.accountId}, ${input.enrolmentId}, ${input.contactId}, ${input.campaignId}, ${input.nodeId}, ${input.visit},
              ${messageId}, ${input.template}, ${recipient.email})
      on conflict (enrolment_id, node_id, visit) do nothing`
    return null
  })
}

/**
 * The last word before the SMTP transaction: the contact's consent and the campaign's state as they are
 * now, in one statement (no transaction: a row lock here would end with it, before the mail leaves, so it
 * would hold nothing back). An unsubscribe committed before this point is seen. Withdrawn consent or a
 * stopped campaign records the message as suppressed (which frees its frequency-cap slot); a paused
 * campaign leaves the row as it is, and the workflow asks again after the resume.
 */
async function startAttempt(sql: Sql, input: SendCampaignEmailInput, messageId: string): Promise<SendOutcome | null> {
  const [now] = await sql<{ consent_status: string; undeliverable: boolean; campaign_status: RecipientRow['campaign_status'] }[]>`
    select c.consent_status, c.undeliverable_at is not null as undeliverable, ca.status as campaign_status
    from contacts c, campaigns ca
    where c.id = ${input.contactId} and ca.id = ${input.campaignId}`
  if (!now) throw ApplicationFailure.nonRetryable(`contact ${input.contactId} or campaign ${input.campaignId} no longer exists`, 'EnrolmentGone')
  if (now.campaign_status === 'paused') return { outcome: 'paused', messageId }
  const suppressed =
    now.consent_status !== 'granted' ? { reason: 'no_consent', detail: `no_consent: consent is ${now.consent_status}` }
    : now.campaign_status === 'stopped' ? { reason: 'campaign_stopped', detail: 'campaign_stopped: the campaign was stopped before the mail left' }
    // A hard bounce (or soft bounces over the threshold) made the address undeliverable (docs/mailings.md).
    : now.undeliverable ? { reason: 'undeliverable', detail: 'undeliverable: the address bounced' }
    : null
  if (suppressed) {
    // Only a row no attempt has marked 'sending' (a concurrent attempt may have started meanwhile).
    await sql`update messages set status = 'suppressed', reason = ${suppressed.detail} where message_id = ${messageId} and status in ('pending', 'failed')`
    return { outcome: 'suppressed', messageId, reason: suppressed.reason }
  }
  // 'sending' (and the attempt) is recorded only just before the message's final "." (above), so that a
  // worker killed before it leaves a row the retry may send again.
  return null
}
