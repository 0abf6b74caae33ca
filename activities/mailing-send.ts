import { ApplicationFailure } from '@temporalio/activity'
import type { Sql } from 'postgres'
import { claimMailingSends, mailingSendStates, markMailingSending, markMailingSent, recordMailingOutcome, renewMailingSending, settleInterruptedSend, type RelayReceipts } from '../db/messages'
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

/**
 * How long after its window's durable 'sending' mark a mail's body may still go without a fresh mark. A
 * retry elsewhere settles a row left 'sending' only SETTLE_INTERRUPTED_SEND_MS (server/mail-transport.ts:
 * the relay's answer timeout + 5 s) after that mark, so a body that goes within 2 s of it has had its
 * answer by then, and the relay's record is complete when asked.
 */
const GO_WITHIN_MS = 2_000

/** A recipient's mail as it will leave: rendered, built and signed. */
interface Built {
  candidate: Candidate
  rowId: string
  message: Buffer
  returnPath: string
  subject: string
  locale: string
}

/** A built mail whose row its window's mark took: `attempts` is the hold, `markedAt` when the mark began. */
interface Held extends Built {
  attempts: number
  markedAt: number
}

/** go: the body may leave; withdrawn: consent gone (or the address bounced); taken: another attempt holds the row. */
type LastLook = 'go' | 'withdrawn' | 'taken'

export function createMailingActivities(deps: MailingSendDeps): MailingActivities {
  const { sql } = deps
  const batchSize = deps.batchSize ?? 500
  const budgetMs = deps.activityBudgetMs ?? 30_000
  const retryAfterMs = deps.retryAfterMs ?? 60_000
  const clock = deps.clock ?? Date.now
  const now = () => new Date(clock())

  // The last look before a body leaves, while the relay takes its envelope (relay-pool.ts beforeBody): is
  // the row still held by this attempt, and may the contact still be mailed (an unsubscribe a second
  // earlier stops the mail)? A read of many connections' rows in one statement, with no commit to wait for:
  // the durable 'sending' mark was made for the whole window before (markWindow).
  const lastLook = microBatch(async (items: Held[]) => {
    const states = await mailingSendStates(sql, items.map((item) => item.rowId))
    return Promise.all(
      items.map(async (item): Promise<LastLook> => {
        const state = states.get(item.rowId)
        if (!state || state.status !== 'sending' || state.attempts !== item.attempts) return 'taken'
        if (!state.mayMail) return 'withdrawn'
        if (Date.now() - item.markedAt <= GO_WITHIN_MS) return 'go'
        // Held too long since its mark (a stalled worker): marked afresh, durably, so that a retry elsewhere
        // still waits the full settling time from now before asking the relay.
        const renewed = await renewMailingSending(sql, item.rowId, item.attempts)
        if (renewed === null) return 'taken'
        item.attempts = renewed
        return 'go'
      }),
    )
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
     * frequency cap are recorded as suppressed. Safe to repeat after a crash (see markWindow).
     */
    async sendMailingRound(input: { mailingId: string }): Promise<MailingRound> {
      const stopHeartbeat = startHeartbeat()
      const started = Date.now()
      let handled = 0
      let mailing = await loadMailing(sql, input.mailingId)
      // Batches still on the wire: their recipients are left out of the next claims until they are settled.
      let flights: { contactIds: string[]; finished: Promise<void> }[] = []
      try {
        // Pipelined: while one batch is delivered, the next is claimed (its send log rows written), and it
        // starts as soon as the last mails of the one before are with the connections, so the relay's
        // connections never wait for the database, a render or a mark between batches.
        let batch = mailing.status === 'sending' ? await prepareBatch(mailing, []) : null
        while (batch && batch.size > 0) {
          const current = batch
          const more = Date.now() - started < budgetMs
          const delivery = deliverBatch(mailing, current)
          const flight = { contactIds: current.contactIds, finished: delivery.finished }
          flights.push(flight)
          void delivery.finished.then(() => (flights = flights.filter((other) => other !== flight)), () => {})
          const following = more ? prepareBatch(mailing, flights.flatMap((other) => other.contactIds)) : Promise.resolve(null)
          await delivery.handedOver
          handled += current.size
          batch = await following
          mailing = await loadMailing(sql, input.mailingId)
          // Paused or cancelled meanwhile: the claimed batch stays queued (its rows pending) for later.
          if (mailing.status !== 'sending') break
        }
        await Promise.all(flights.map((flight) => flight.finished))
      } finally {
        // Never back to the workflow while a mail of this round may still leave.
        await Promise.allSettled(flights.map((flight) => flight.finished))
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
          // Never handed its body to the relay (a hold released before the body is 'failed', see deliver):
          // sending it now cannot make a second copy.
          toSend.push({ candidate, rowId: candidate.message_row_id! })
          break
        case 'sending':
          // An attempt died (or lost its connection) after its window was marked: whether a body arrived
          // is the relay's to say, asked by Message-ID below (a window marked but never sent: it did not).
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

  /**
   * Sends a batch over the relay's connections, window after window: a window's mails are rendered and
   * built, then marked 'sending' in one durable commit (markWindow), and handed to the connections; the next
   * window is marked while this one is on its way, so no connection waits for a commit.
   */
  function deliverBatch(mailing: MailingForSend, batch: Batch): { handedOver: Promise<void>; finished: Promise<void> } {
    let allHandedOver = () => {}
    const handedOver = new Promise<void>((resolve) => (allHandedOver = resolve))
    const finished = deliverWindows(mailing, batch, () => allHandedOver())
    // Resolves once every mail of the batch is with a lane (the next batch may start), or with the batch's end.
    return { handedOver: Promise.race([handedOver, finished]), finished }
  }

  async function deliverWindows(mailing: MailingForSend, batch: Batch, allHandedOver: () => void): Promise<void> {
    if (!batch.toSend.length) return
    const { set, pins } = await mailingTemplates(deps, mailing)
    const domain = senderDomain(mailing)
    const retryLater: string[] = []
    let done: string[] = []
    // Up to two windows wait for a connection: at the relay's rate that must stay well inside GO_WITHIN_MS,
    // or the mails at the end of a window would each need a fresh durable mark.
    const { maxConnections, perSecond } = deps.relay.limits
    const windowSize = Math.max(1, Math.min(Math.max(8, maxConnections * 4), perSecond > 0 ? Math.floor(perSecond / 2) : Infinity))
    const ready: Held[] = []
    let marked = 0
    let marking: Promise<void> | null = null
    let markFailure: { error: unknown } | null = null
    const outcome = async (contactId: string, result: 'done' | 'retry') => {
      if (result === 'retry') retryLater.push(contactId)
      else done.push(contactId)
      // Settled in small groups, so the progress bar moves while a batch is on its way.
      if (done.length >= 50) {
        const group = done
        done = []
        await settle(mailing.id, group)
      }
    }
    // One window marked at a time, the next as soon as fewer than a window's mails are waiting for a connection.
    const markNext = () => {
      if (marking || markFailure || ready.length >= windowSize || marked >= batch.toSend.length) return
      const items = batch.toSend.slice(marked, marked + windowSize)
      marked += items.length
      marking = markWindow(mailing, set, pins, domain, items)
        .then(async ({ held, settled }) => {
          ready.push(...held)
          for (const [contactId, result] of settled) await outcome(contactId, result)
        })
        .catch((error: unknown) => void (markFailure = { error }))
        .finally(() => (marking = null))
    }
    const lane = async () => {
      for (;;) {
        markNext()
        const item = ready.shift()
        if (item && !ready.length && !marking && marked >= batch.toSend.length) allHandedOver()
        if (item) await outcome(item.candidate.contact_id, await deliver(item))
        else if (markFailure) throw markFailure.error
        else if (marking) await marking
        else if (marked >= batch.toSend.length) return
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

  /**
   * Renders and builds a window's mails, then marks them 'sending' in one durable commit: from then on a
   * worker that dies leaves them to be settled with the relay by Message-ID (prepareBatch), never sent twice.
   * Those not taken are settled here: consent gone (suppressed), or another attempt holds them (later).
   */
  async function markWindow(
    mailing: MailingForSend,
    set: TemplateSet,
    pins: Record<string, number>,
    domain: string,
    items: Batch['toSend'],
  ): Promise<{ held: Held[]; settled: [string, 'done' | 'retry'][] }> {
    const settled: [string, 'done' | 'retry'][] = []
    const built = await Promise.all(
      items.map(async ({ candidate, rowId }) => {
        try {
          return await buildRecipientMessage(mailing, set, domain, candidate, rowId)
        } catch (error) {
          // A mailing that cannot render (a global block broken meanwhile) fails for everyone: not sent, retried later.
          await recordMailingOutcome(sql, rowId, { status: 'failed', reason: `render: ${(error as Error).message}`, from: ['pending'] })
          settled.push([candidate.contact_id, 'retry'])
          return null
        }
      }),
    )
    const mails = built.filter((mail): mail is NonNullable<typeof mail> => mail !== null)
    if (!mails.length) return { held: [], settled }
    const markedAt = Date.now()
    const taken = await markMailingSending(
      sql,
      mails.map((mail) => ({ id: mail.rowId, subject: mail.subject, locale: mail.locale, pins })),
    )
    const untaken = mails.filter((mail) => !taken.has(mail.rowId))
    const states = untaken.length ? await mailingSendStates(sql, untaken.map((mail) => mail.rowId)) : new Map()
    for (const mail of untaken) {
      const status = states.get(mail.rowId)?.status
      if (status === 'pending' || status === 'failed') {
        // Consent withdrawn (or the address bounced) since the batch was claimed: recorded, never sent.
        await recordMailingOutcome(sql, mail.rowId, { status: 'suppressed', reason: 'no_consent: withdrawn before the mail left', from: ['pending', 'failed'] })
        settled.push([mail.candidate.contact_id, 'done'])
      } else settled.push([mail.candidate.contact_id, 'retry']) // another attempt holds it (a stale activity still running)
    }
    const held = mails.filter((mail) => taken.has(mail.rowId)).map((mail) => ({ ...mail, attempts: taken.get(mail.rowId)!, markedAt }))
    return { held, settled }
  }

  async function buildRecipientMessage(mailing: MailingForSend, set: TemplateSet, domain: string, candidate: Candidate, rowId: string): Promise<Built> {
    const { mail, messageId, unsubscribeUrl } = await renderRecipientMail(deps, mailing, set, candidate)
    const returnPath = verpAddress(deps.verpSecret, rowId, domain)
    const message = await buildMailingMessage(
      {
        from: { name: mailing.sender_name, address: mailing.sender_email },
        to: candidate.email,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId,
        returnPath,
        unsubscribeUrl,
        listId: listId(mailing.name, mailing.code, domain),
        dkimDomain: domain,
        date: now(),
      },
      deps.dkim,
    )
    return { candidate, rowId, message, returnPath, subject: mail.subject, locale: mail.locale }
  }

  /** Hands one held mail to the relay; its body goes only if the last look says so. */
  async function deliver(item: Held): Promise<'done' | 'retry'> {
    let look: LastLook | undefined
    const result = await deps.relay.deliver({
      from: item.returnPath,
      to: item.candidate.email,
      message: item.message,
      beforeBody: async () => {
        look = await lastLook(item)
        if (look !== 'go') throw new Error(look === 'withdrawn' ? 'consent withdrawn before the mail left' : 'the mail is being sent by another attempt')
      },
    })
    const { rowId, attempts } = item
    if (result.ok) {
      await markSent({ id: rowId, response: result.response ?? '' })
      return 'done'
    }
    const error = result.error!
    const reason = error.message ?? String(error)
    const refused = typeof error.responseCode === 'number' && error.responseCode >= 500
    // Another attempt holds the row: it is that attempt's to record; the recipient stays queued.
    if (look === 'taken') return 'retry'
    if (look === 'withdrawn') {
      // Consent withdrawn (or the address bounced) since the window was marked: recorded, never sent.
      await recordMailingOutcome(sql, rowId, { status: 'suppressed', reason: 'no_consent: withdrawn before the mail left', from: ['sending'], attempts })
      return 'done'
    }
    if (look !== 'go') {
      // Nothing of the body left (no connection, the envelope refused, the last look failed): the hold is
      // released as failed, sent again later, or never if the relay refused the recipient for good.
      await recordMailingOutcome(sql, rowId, { status: 'failed', reason: refused ? `rejected: ${reason}` : reason, from: ['sending'], attempts })
      return refused ? 'done' : 'retry'
    }
    if (refused) {
      // The relay refused for good (unknown mailbox, policy): the same mail would only be refused again.
      await recordMailingOutcome(sql, rowId, { status: 'failed', reason: `rejected: ${reason}` })
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
}

export type { MailingActivities }
