import { ApplicationFailure } from '@temporalio/activity'
import { Transform } from 'node:stream'
import type { Transporter } from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'
import type { Sql } from 'postgres'
import { sendRecipient, sendState, type RecipientRow } from '../db/enrolments'
import { claimSendSlot, markCampaignMailsSending, markCampaignMailsSent, settleInterruptedSend, type RelayReceipts } from '../db/messages'
import type { EnrolmentRef } from '../engine/nodes'
import { resolveTimeZone } from '../engine/nodes/contact-facts'
import { nextSendWindowStart, type SendWindow } from '../engine/nodes/zoned-time'
import { bookingTokenExpiry, signFairToken } from '../fairs/tokens'
import { mailContactOf, type TemplateRenderer } from '../templates/renderer'
import type { TemplateStore } from '../templates/template-store'
import { startHeartbeat } from './activity-context'
import type { TokenSigner } from '../tracking/tokens'
import { microBatchPerSql } from './micro-batch'
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
 * suppressed, never mailed: consent is read again in the statement that marks the message 'sending', moments
 * before its final "." (db/messages.ts markCampaignMailsSending).
 */
export async function sendCampaignEmail(deps: MailDeps, input: SendCampaignEmailInput): Promise<SendOutcome> {
  const { sql } = deps
  const messageId = campaignMessageId(input, deps.mailDomain)
  const recipient = await sendRecipient(sql, { enrolmentId: input.enrolmentId, accountId: input.accountId, messageId })
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
  // What the activity read as it began may already hold the mail back (an unsubscribe, a pause or a stop
  // since an earlier attempt, a bounce): then no SMTP transaction begins. The 'sending' mark reads it all
  // again at the last moment.
  const withheld = await withhold(sql, messageId, recipient)
  if (withheld) return withheld

  const tracking: TrackingPayload = { a: input.accountId, c: input.contactId, e: input.enrolmentId, p: input.campaignId, n: input.nodeId, m: messageId }
  const unsubscribeUrl = `${deps.publicUrl}/u/${deps.tokens.sign('unsubscribe', { a: input.accountId, c: input.contactId, m: messageId } satisfies UnsubscribePayload)}`
  const mail = await deps.renderer.render({
    templateId: input.template,
    // The template versions the campaign version was published with, so a later edit does not change it.
    templates: (await deps.templateStore?.setAt(input.accountId, { campaignVersionId: recipient.template_version_id, pins: recipient.template_pins, generation: recipient.template_generation })) ?? undefined,
    subsidiary: { code: recipient.subsidiary_code, locale: recipient.subsidiary_locale, name: recipient.subsidiary_name },
    contact: mailContactOf(recipient),
    variables: { event: recipient.trigger_properties ?? {}, ...(recipient.fair_id ? { fair: fairVariables(deps, input.contactId, recipient) } : {}) },
    trackLink: (url, tag) => `${deps.publicUrl}/t/c/${deps.tokens.sign('click', { ...tracking, u: url, ...(tag ? { g: tag } : {}) })}`,
    openPixelUrl: `${deps.publicUrl}/t/o/${deps.tokens.sign('open', tracking)}`,
    unsubscribeUrl,
  })

  // A server accepts a message only with its final "." (sent when the message stream ends). Until then a
  // crash delivers nothing; 'sending' is committed before the "." goes out, so a crash after that commit
  // leaves a message to be settled with the relay (workers SIGKILLed every few seconds: production-topology
  // test), and one before it leaves the row pending or failed, so the retry sends again. The mark starts as
  // nodemailer first streams the message (its connection's transaction has begun) and commits while the
  // body travels: its fsync does not hold the connection on its own. The stream ends (the ".") only once it
  // has committed (the gate below, a transform at the end of nodemailer's own MIME stream, so the message
  // is built once). The mark takes only a row still pending or failed, and only while consent, the address
  // and the campaign allow the mail, read in its own statement: an unsubscribe, a bounce, a pause or a stop
  // committed before it stops the mail, which then fails its stream before the "." (refused below).
  let bodyHandedOver = false
  let refused = false
  let attemptCounted = false
  let marked: Promise<unknown> | null = null
  const gate: SendingGate = {
    start: () => {
      marked ??= markSending(sql, { messageId, subject: mail.subject, locale: mail.locale }).then((taken) => {
        refused = !taken
        if (refused) throw new Error(`message ${messageId} was withheld as it was about to leave`)
        attemptCounted = true
      })
      // Handled here and in finish: a failed mark fails the stream before its end.
      marked.catch(() => {})
    },
    finish: () => (gate.start(), marked!),
    handedOver: () => (bodyHandedOver = true),
  }
  const stopHeartbeat = startHeartbeat()
  try {
    const info = await sendGated(deps.mailer, {
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
      envelope: { from: recipient.sender_email, to: [recipient.email] },
    }, gate)
    await markSent(sql, { messageId, response: String(info.response ?? '') })
    return { outcome: 'sent', messageId }
  } catch (error) {
    // A mark still under way lands first, so the outcome recorded below is not overwritten by it.
    await (marked as Promise<unknown> | null)?.catch(() => {})
    // Nothing was delivered and the row is as it was: the state now says why (refusedOutcome).
    if (refused) return refusedOutcome(sql, input, messageId)
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

/** The contact's frequency-cap slot for this message (db/messages.ts claimSendSlot: lock, count, insert in one round trip). */
function claimSlot(sql: Sql, input: SendCampaignEmailInput, messageId: string, recipient: RecipientRow): Promise<Date | null> {
  return claimSendSlot(sql, {
    accountId: input.accountId,
    enrolmentId: input.enrolmentId,
    contactId: input.contactId,
    campaignId: input.campaignId,
    nodeId: input.nodeId,
    visit: input.visit,
    messageId,
    template: input.template,
    recipient: recipient.email,
    capPerWeek: recipient.frequency_cap_per_week,
  })
}

// The 'sending' marks of the sends running at once on one database go out as one statement, as the 'sent'
// marks below. The same message twice in one statement (a stale attempt beside its retry, in one process)
// is taken for the first only: the update would take its row once and report it to both.
const markSending = microBatchPerSql(async (sql, rows: { messageId: string; subject: string; locale: string }[]) => {
  const taken = await markCampaignMailsSending(sql, rows)
  const seen = new Set<string>()
  return rows.map((row) => taken.has(row.messageId) && !seen.has(row.messageId) && !!seen.add(row.messageId))
})

// The 'sent' marks of the sends running at once on one database go out as one statement (about 4 per
// statement at 32 sends in flight). Each send still waits for its own mark's durable commit before it
// reports 'sent', so a crash can only lose a mark whose activity has not completed: its retry finds the row
// 'sending' and settles it with the relay, never sending twice.
const markSent = microBatchPerSql(async (sql, rows: { messageId: string; response: string }[]) => {
  await markCampaignMailsSent(sql, rows)
  return rows.map(() => undefined)
})

/** Holds a message's end until its 'sending' mark has committed (see sendCampaignEmail). */
interface SendingGate {
  /** The message has begun to stream: the mark starts. */
  start(): void
  /** Resolves once the mark has committed; the end of the message waits for it. */
  finish(): Promise<unknown>
  /** The whole message went to the connection. */
  handedOver(): void
}

const gated = new WeakSet<Transporter>()
/**
 * Sends through the transporter with the gate as the last transform of nodemailer's MIME stream (a
 * 'stream' plugin, registered once per transporter, acting only on mails that carry a gate).
 */
function sendGated(mailer: Transporter, mail: Mail.Options, gate: SendingGate) {
  if (!gated.has(mailer)) {
    gated.add(mailer)
    mailer.use('stream', (message, done) => {
      const own = (message.data as { sendingGate?: SendingGate }).sendingGate
      if (own) {
        message.message.transform(() => {
          const stream = new Transform({
            transform(chunk, _encoding, callback) {
              own.start()
              callback(null, chunk)
            },
            flush(callback) {
              own.finish().then(() => callback(), (error: Error) => callback(error))
            },
          })
          stream.once('end', () => own.handedOver())
          return stream
        })
      }
      done()
    })
  }
  return mailer.sendMail({ ...mail, sendingGate: gate } as Mail.Options)
}

/** Consent, the address and the campaign as a send read them (db/enrolments.ts sendRecipient, sendState). */
interface SendState {
  consent_status: string
  undeliverable: boolean
  campaign_status: RecipientRow['campaign_status']
}

/**
 * Whether the state holds the mail back: a paused campaign leaves the row as it is (the workflow asks
 * again after the resume); withdrawn consent, an undeliverable address or a stopped campaign records the
 * message as suppressed (which frees its frequency-cap slot).
 */
async function withhold(sql: Sql, messageId: string, now: SendState): Promise<SendOutcome | null> {
  if (now.campaign_status === 'paused') return { outcome: 'paused', messageId }
  const suppressed =
    now.consent_status !== 'granted' ? { reason: 'no_consent', detail: `no_consent: consent is ${now.consent_status}` }
    : now.campaign_status === 'stopped' ? { reason: 'campaign_stopped', detail: 'campaign_stopped: the campaign was stopped before the mail left' }
    // A hard bounce (or soft bounces over the threshold) made the address undeliverable (docs/mailings.md).
    : now.undeliverable ? { reason: 'undeliverable', detail: 'undeliverable: the address bounced' }
    : null
  if (!suppressed) return null
  // Only a row no attempt has marked 'sending' (a concurrent attempt may have started meanwhile).
  await sql`update messages set status = 'suppressed', reason = ${suppressed.detail} where message_id = ${messageId} and status in ('pending', 'failed')`
  return { outcome: 'suppressed', messageId, reason: suppressed.reason }
}

/**
 * The 'sending' mark refused the mail as it was about to leave: consent, the address or the campaign
 * changed since the activity began (then as withhold says), or another attempt took the row meanwhile
 * (then this one waits its turn, and its retry finds what that attempt left).
 */
async function refusedOutcome(sql: Sql, input: SendCampaignEmailInput, messageId: string): Promise<SendOutcome> {
  const now = await sendState(sql, { contactId: input.contactId, campaignId: input.campaignId, messageId })
  if (!now) throw ApplicationFailure.nonRetryable(`contact ${input.contactId} or campaign ${input.campaignId} no longer exists`, 'EnrolmentGone')
  const withheld = await withhold(sql, messageId, now)
  if (withheld) return withheld
  throw ApplicationFailure.retryable(`message ${messageId} was held back as it was about to leave (it is ${now.message_status ?? 'missing'} now): another attempt took it`, 'SendInProgress')
}
