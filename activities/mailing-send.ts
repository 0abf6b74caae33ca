import { ApplicationFailure } from '@temporalio/activity'
import type { Sql } from 'postgres'
import { claimMailingSends, markMailingSending, markMailingSent, messageStatus, recordMailingOutcome, settleInterruptedSend, type RelayReceipts } from '../db/messages'
import {
  addRecipients,
  audience,
  cancelQueuedRecipients,
  dueRecipients,
  mailingForSend,
  mailingProgress,
  moveMailingStatus,
  nextDueAt,
  retryRecipientsAt,
  segmentFilterOf,
  settleRecipients,
  type DueRecipientRow,
  type MailingForSend,
  type MailingProgress,
} from '../db/mailings'
import { resolveTimeZone } from '../engine/nodes/contact-facts'
import type { SendWindow } from '../engine/nodes/zoned-time'
import { buildMailingMessage, type DkimKey } from '../mailings/mail-builder'
import { nextInWindows } from '../mailings/model'
import type { RelayPool } from '../mailings/relay-pool'
import { mailingTemplates, recipientLocale, renderMailing, type MailingRenderDeps } from '../mailings/render'
import { verpAddress } from '../mailings/verp'
import { mailContactOf, type RenderedMail } from '../templates/renderer'
import type { TemplateSet } from '../templates/template-set'
import { startHeartbeat } from './activity-context'
import { microBatch } from './micro-batch'
import type { TrackingPayload, UnsubscribePayload } from './send-campaign-email'
import type { TokenSigner } from '../tracking/tokens'
import type { MailingActivities, MailingRound } from '../engine/workflows/activity-types'
export type { MailingRound }

export interface MailingSendDeps extends MailingRenderDeps {
  sql: Sql
  /**
   * The same database with synchronous_commit off, for writes whose loss in a database crash is safe to
   * repeat (pending rows, "sent" marks, settled recipients: a lost one is looked at again, never resent).
   * The "sending" mark always commits durably. Defaults to `sql`.
   */
  relaxedSql?: Sql
  tokens: TokenSigner
  publicUrl: string
  mailDomain: string
  relay: RelayPool
  dkim: DkimKey | null
  /** Signs VERP return paths. */
  verpSecret: string
  /** Recipients handled per round (one claim, one render of the templates, one bulk insert). */
  batchSize?: number
  /** How long one activity keeps sending before it reports back to the workflow (ms). */
  activityBudgetMs?: number
  /** A transient refusal (4xx, no connection) is tried again this much later (ms). */
  retryAfterMs?: number
  /**
   * The relay's record of accepted Message-IDs and when it may be asked (server/relay-receipts.ts): a mail a
   * killed worker left 'sending' is settled with it (db/messages.ts), so it is neither lost nor sent twice.
   * Without receipts such a mail stays unknown.
   */
  settlement?: { receipts?: RelayReceipts; settleMs: number }
  /**
   * What time it is for the sending (ms since epoch): which recipients are due, the mail's Date header, its
   * sent_at. The wall clock (default). On Temporal's time-skipping test server the workflow's clock runs
   * ahead of the wall clock; a worker there passes `temporalClock` (activity-context.ts) so that a mailing
   * due at 9:00 Paris on the server's clock is due for its activities too.
   */
  clock?: () => number
}

/** What a mailing's links carry: a click or open is recorded against the mailing and the mail. */
export interface MailingTrackingPayload extends TrackingPayload {
  l: string // mailing
}

export interface WebVersionPayload {
  a: string
  c: string
  l: string
  m: string
}

/** RFC 2919 List-ID: the mailing's name as an ASCII phrase (accents dropped) and the subsidiary's list id. */
export const listId = (name: string, code: string, domain: string) =>
  `"${name.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '').slice(0, 100)}" <mailings.${code.toLowerCase()}.${domain}>`

export const mailingMessageId = (mailingId: string, contactId: string, mailDomain: string) => `<mailing.${mailingId}.${contactId}@${mailDomain}>`

async function loadMailing(sql: Sql, mailingId: string): Promise<MailingForSend> {
  const row = await mailingForSend(sql, mailingId)
  if (!row) throw ApplicationFailure.nonRetryable(`mailing ${mailingId} no longer exists`, 'MailingGone')
  return row
}

/** The domain a subsidiary's mail comes from: its sender domain, else that of its sender address. */
export const senderDomain = (row: { sender_domain: string | null; sender_email: string }) => row.sender_domain ?? row.sender_email.slice(row.sender_email.lastIndexOf('@') + 1)

type Candidate = DueRecipientRow

/**
 * One recipient's mail as it leaves: the mailing rendered in their language with their tracked, signed
 * links (clicks, opens, unsubscribe, web version). The benchmark's raw side sends this same mail.
 */
export async function renderRecipientMail(
  deps: Pick<MailingSendDeps, 'renderer' | 'templateStore' | 'tokens' | 'publicUrl' | 'mailDomain'>,
  mailing: MailingForSend,
  set: TemplateSet,
  recipient: Pick<Candidate, 'contact_id' | 'email' | 'first_name' | 'last_name' | 'salutation' | 'company' | 'attributes' | 'locale'>,
): Promise<{ mail: RenderedMail; messageId: string; unsubscribeUrl: string }> {
  const messageId = mailingMessageId(mailing.id, recipient.contact_id, deps.mailDomain)
  const a = mailing.account_id
  const c = recipient.contact_id
  const tracking: MailingTrackingPayload = { a, c, e: '', p: '', n: '', m: messageId, l: mailing.id }
  const unsubscribeUrl = `${deps.publicUrl}/u/${deps.tokens.sign('unsubscribe', { a, c, m: messageId } satisfies UnsubscribePayload)}`
  const mail = await renderMailing(
    deps.renderer,
    set,
    mailing,
    { code: mailing.code, locale: mailing.locale, name: mailing.subsidiary_name },
    mailContactOf(recipient),
    {
      locale: recipientLocale(mailing.content, mailing.locale, recipient.locale),
      trackLink: (url, tag) => `${deps.publicUrl}/t/c/${deps.tokens.sign('click', { ...tracking, u: url, ...(tag ? { g: tag } : {}) })}`,
      openPixelUrl: `${deps.publicUrl}/t/o/${deps.tokens.sign('open', tracking)}`,
      unsubscribeUrl,
      webVersionUrl: `${deps.publicUrl}/m/${deps.tokens.sign('web_version', { a, c, l: mailing.id, m: messageId } satisfies WebVersionPayload)}`,
    },
  )
  return { mail, messageId, unsubscribeUrl }
}

export function createMailingActivities(deps: MailingSendDeps): MailingActivities {
  const { sql } = deps
  const batchSize = deps.batchSize ?? 500
  const budgetMs = deps.activityBudgetMs ?? 30_000
  const retryAfterMs = deps.retryAfterMs ?? 60_000
  const clock = deps.clock ?? Date.now
  const now = () => new Date(clock())

  // While the relay takes the envelope, the mail is marked "sending" (see relay-pool.ts: the body waits for
  // the commit, which no longer holds the connection on its own): rows of many connections in one
  // statement. Only a row still pending (or failed before) may be taken, and only while the contact's
  // consent stands and the address is deliverable: read in the same statement, moments before the body
  // leaves (an unsubscribe a second earlier stops the mail).
  const markSending = microBatch(async (items: { id: string; subject: string; locale: string; pins: unknown }[]) => {
    const taken = await markMailingSending(sql, items)
    return items.map((item) => taken.has(item.id))
  })
  const relaxed = deps.relaxedSql ?? sql
  const markSent = microBatch(async (items: { id: string; response: string }[]) => {
    await markMailingSent(relaxed, items, now())
    return items.map(() => true)
  })

  return {
    /**
     * Fixes who a mailing goes to (the subsidiary's contacts in its segment) and when each mail is due:
     * the send time, moved into the account's quiet hours and the mailing's window on each recipient's
     * clock. Side effects: mailing_recipients rows (key: mailing + contact; repeating adds nobody twice)
     * and the mailing's status scheduled → sending.
     */
    async prepareMailingRecipients(input: { mailingId: string }): Promise<{ recipients: number }> {
      const mailing = await loadMailing(sql, input.mailingId)
      if (mailing.status === 'scheduled') await moveMailingStatus(sql, mailing.id, ['scheduled'], 'sending')
      const contacts = await audience(sql, mailing, await segmentFilterOf(sql, mailing.account_id, mailing.segment_id))
      const start = Math.max(clock(), mailing.send_at?.getTime() ?? 0)
      const windows = [mailing.send_window, mailing.schedule?.mode === 'recipient_window' ? mailing.schedule.window : null].filter((w): w is SendWindow => !!w)
      const zones = new Map<string, number>()
      const rows = contacts.map((contact) => {
        if (!windows.length) return { contactId: contact.id, dueAt: new Date(start) }
        const zone = resolveTimeZone(contact.time_zone, mailing.subsidiary_time_zone)
        let due = zones.get(zone)
        if (due === undefined) zones.set(zone, (due = nextInWindows(start, zone, windows)))
        return { contactId: contact.id, dueAt: new Date(due) }
      })
      await addRecipients(sql, mailing.id, mailing.account_id, rows)
      return { recipients: rows.length }
    },

    /**
     * Sends the mailing to its due recipients, round after round, for up to the activity budget.
     * Side effects: per recipient one `messages` row (idempotency key: mailing + contact; the Message-ID
     * too) and at most one SMTP transaction; recipients without consent, undeliverable or over the
     * frequency cap are recorded as suppressed. Safe to repeat after a crash (see markSending).
     */
    async sendMailingRound(input: { mailingId: string }): Promise<MailingRound> {
      const stopHeartbeat = startHeartbeat()
      const started = Date.now()
      let handled = 0
      let mailing = await loadMailing(sql, input.mailingId)
      try {
        // Pipelined: while one batch is delivered, the next is claimed (its send log rows written), so the
        // relay's connections never wait for the database between batches.
        let batch = mailing.status === 'sending' ? await prepareBatch(mailing, []) : null
        while (batch && batch.size > 0) {
          const current = batch
          const more = Date.now() - started < budgetMs
          const following = more ? prepareBatch(mailing, current.contactIds) : Promise.resolve(null)
          await deliverBatch(mailing, current)
          handled += current.size
          batch = await following
          mailing = await loadMailing(sql, input.mailingId)
          // Paused or cancelled meanwhile: the claimed batch stays queued (its rows pending) for later.
          if (mailing.status !== 'sending') break
        }
      } finally {
        stopHeartbeat()
      }
      const next = await nextDueAt(sql, mailing.id)
      return { status: mailing.status, handled, progress: await mailingProgress(sql, mailing.id), nextDueAt: next?.toISOString() ?? null }
    },

    /** Ends a mailing: sent when nobody is queued any more; a cancelled one drops its queue. Side effects: status and counts. */
    async finishMailing(input: { mailingId: string; cancelled: boolean }): Promise<MailingProgress> {
      if (input.cancelled) await cancelQueuedRecipients(sql, input.mailingId)
      else await moveMailingStatus(sql, input.mailingId, ['sending', 'scheduled'], 'sent')
      return mailingProgress(sql, input.mailingId)
    },
  }

  interface Batch {
    size: number
    contactIds: string[]
    toSend: { candidate: Candidate; rowId: string }[]
  }

  /** Claims the next due recipients (not those still being delivered): settles the ones already handled, writes send log rows for the rest. */
  async function prepareBatch(mailing: MailingForSend, inFlight: string[]): Promise<Batch> {
    const candidates = await dueRecipients(sql, mailing.id, { asOf: now(), inFlight, limit: batchSize })
    const done: string[] = []
    const toSend: Batch['toSend'] = []
    const fresh: Candidate[] = []
    const interrupted: Candidate[] = []
    for (const candidate of candidates) {
      switch (candidate.message_status) {
        case null:
          fresh.push(candidate)
          break
        case 'pending':
        case 'failed':
          // Never handed its body to the relay (see markSending): sending it now cannot make a second copy.
          toSend.push({ candidate, rowId: candidate.message_row_id! })
          break
        case 'sending':
          // An attempt died (or lost its connection) after the relay took the envelope: whether the body
          // arrived is the relay's to say, asked by Message-ID below.
          interrupted.push(candidate)
          break
        default:
          done.push(candidate.contact_id)
      }
    }
    // The same settlement as campaign mail (db/messages.ts): after the relay's answer timeout, sent if the
    // relay accepted the Message-ID, sent again if it never did, unknown if the relay cannot be asked.
    const settled = await Promise.all(
      interrupted.map((candidate) => settleInterruptedSend(sql, { messageId: candidate.message_id!, receipts: deps.settlement?.receipts, settleMs: deps.settlement?.settleMs ?? 0 })),
    )
    settled.forEach((result, i) => {
      const candidate = interrupted[i]!
      const status = result.verdict === 'changed' ? result.status : result.verdict
      // 'sending' again: a live attempt holds it (it stays queued); pending/failed/resend: never accepted.
      if (status === 'resend' || status === 'pending' || status === 'failed') toSend.push({ candidate, rowId: candidate.message_row_id! })
      else if (status !== 'sending') done.push(candidate.contact_id)
    })
    if (fresh.length) toSend.push(...(await claim(mailing, fresh, done)))
    await settle(mailing.id, done)
    return { size: candidates.length, contactIds: toSend.map((item) => item.candidate.contact_id), toSend }
  }

  function settle(mailingId: string, contactIds: string[]) {
    return settleRecipients(relaxed, mailingId, contactIds)
  }

  /** Renders and sends a batch over the relay's connections, a few mails ahead of each connection (not the whole batch at once). */
  async function deliverBatch(mailing: MailingForSend, batch: Batch): Promise<void> {
    if (!batch.toSend.length) return
    const { set, pins } = await mailingTemplates(deps, mailing)
    const domain = senderDomain(mailing)
    const retryLater: string[] = []
    let done: string[] = []
    let next = 0
    const lane = async () => {
      while (next < batch.toSend.length) {
        const { candidate, rowId } = batch.toSend[next++]!
        const outcome = await deliver(mailing, set, pins, domain, candidate, rowId)
        if (outcome === 'retry') retryLater.push(candidate.contact_id)
        else done.push(candidate.contact_id)
        // Settled in small groups, so the progress bar moves while a batch is on its way.
        if (done.length >= 50) {
          const group = done
          done = []
          await settle(mailing.id, group)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, deps.relay.limits.maxConnections * 2) }, lane))
    await settle(mailing.id, done)
    await retryRecipientsAt(sql, mailing.id, retryLater, new Date(clock() + retryAfterMs))
  }

  /** The send log rows for recipients seen for the first time (db/messages.ts claimMailingSends): the suppressed are done, the pending are sent. */
  async function claim(mailing: MailingForSend, fresh: Candidate[], done: string[]): Promise<{ candidate: Candidate; rowId: string }[]> {
    const { suppressed, pending } = await claimMailingSends(sql, {
      accountId: mailing.account_id,
      mailingId: mailing.id,
      template: `mailing:${mailing.id}`,
      frequencyCapPerWeek: mailing.frequency_cap_per_week,
      recipients: fresh.map((c) => ({ contactId: c.contact_id, email: c.email, messageId: mailingMessageId(mailing.id, c.contact_id, deps.mailDomain) })),
    })
    done.push(...suppressed)
    return fresh.filter((c) => pending.has(c.contact_id)).map((candidate) => ({ candidate, rowId: pending.get(candidate.contact_id)! }))
  }

  async function deliver(
    mailing: MailingForSend,
    set: Awaited<ReturnType<typeof mailingTemplates>>['set'],
    pins: Record<string, number>,
    domain: string,
    candidate: Candidate,
    rowId: string,
  ): Promise<'done' | 'retry'> {
    let message: Buffer
    let subject: string
    let renderedLocale: string
    try {
      const { mail, messageId, unsubscribeUrl } = await renderRecipientMail(deps, mailing, set, candidate)
      subject = mail.subject
      renderedLocale = mail.locale
      message = await buildMailingMessage(
        {
          from: { name: mailing.sender_name, address: mailing.sender_email },
          to: candidate.email,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          messageId,
          returnPath: verpAddress(deps.verpSecret, rowId, domain),
          unsubscribeUrl,
          listId: listId(mailing.name, mailing.code, domain),
          dkimDomain: domain,
          date: now(),
        },
        deps.dkim,
      )
    } catch (error) {
      // A mailing that cannot render (a global block broken meanwhile) fails for everyone: not sent, retried later.
      await recordMailingOutcome(sql, rowId, { status: 'failed', reason: `render: ${(error as Error).message}`, from: ['pending'] })
      return 'retry'
    }
    let mayGo = false
    let withheld = false
    const result = await deps.relay.deliver({
      from: verpAddress(deps.verpSecret, rowId, domain),
      to: candidate.email,
      message,
      beforeBody: async () => {
        mayGo = await markSending({ id: rowId, subject, locale: renderedLocale, pins })
        if (mayGo) return
        // Consent gone, or another attempt holds this row (a stale activity still running): not sent.
        const status = await messageStatus(sql, rowId)
        withheld = status === 'pending' || status === 'failed'
        throw new Error(withheld ? 'consent withdrawn before the mail left' : 'the mail is being sent by another attempt')
      },
    })
    if (result.ok) {
      await markSent({ id: rowId, response: result.response ?? '' })
      return 'done'
    }
    const error = result.error!
    const reason = error.message ?? String(error)
    if (!mayGo && withheld) {
      // Consent withdrawn (or the address bounced) since the batch was claimed: recorded, never sent.
      await recordMailingOutcome(sql, rowId, { status: 'suppressed', reason: 'no_consent: withdrawn before the mail left', from: ['pending', 'failed'] })
      return 'done'
    }
    if (!mayGo) {
      // Nothing of the body left: the row is still pending (or failed) and the recipient stays queued.
      await recordMailingOutcome(sql, rowId, { status: 'failed', reason, from: ['pending', 'failed'] })
      return typeof error.responseCode === 'number' && error.responseCode >= 500 ? (await rejectFor(rowId, reason), 'done') : 'retry'
    }
    if (typeof error.responseCode === 'number' && error.responseCode >= 500) {
      await rejectFor(rowId, reason)
      return 'done'
    }
    if (typeof error.responseCode === 'number' || !result.bodyHandedOver) {
      await recordMailingOutcome(sql, rowId, { status: 'failed', reason })
      return 'retry'
    }
    // The whole body was on the wire and no answer came: it may have been accepted. With a relay to ask,
    // the row stays 'sending' and a later round settles it by Message-ID; without one it is unknown.
    if (deps.settlement?.receipts) return 'retry'
    await recordMailingOutcome(sql, rowId, { status: 'unknown', reason })
    return 'done'
  }

  async function rejectFor(rowId: string, reason: string) {
    // The relay refused for good (unknown mailbox, policy): the same mail would only be refused again.
    await recordMailingOutcome(sql, rowId, { status: 'failed', reason: `rejected: ${reason}` })
  }
}

export type { MailingActivities }
