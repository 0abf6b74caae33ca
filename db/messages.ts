import type { Sql } from 'postgres'
import type { MailingRow } from './mailings'

// The send log (`messages`): the rows campaign steps and mailings write as each mail goes out. This
// module owns what every sender needs to settle a mail whose attempt was interrupted.

/**
 * The relay's own record of what it accepted, asked by Message-ID. `lookup` answers whether the relay
 * accepted (answered 250 to) a message with that Message-ID; it throws when the relay cannot be asked
 * right now, and the caller retries later.
 */
export interface RelayReceipts {
  lookup(messageId: string): Promise<{ accepted: boolean }>
}

/**
 * How a message left 'sending' by an interrupted attempt was settled:
 * - sent: the relay has it; recorded sent, not sent again;
 * - resend: the relay never accepted it; recorded failed, and the caller sends it again;
 * - unknown: the relay cannot be asked; recorded unknown and shown as such (never re-sent blindly);
 * - changed: the row was no longer 'sending' (someone settled it meanwhile); `status` is what it is now.
 */
export type SettledSend = { verdict: 'sent' } | { verdict: 'resend' } | { verdict: 'unknown' } | { verdict: 'changed'; status: string }

export interface SettleOptions {
  messageId: string
  /** The relay's record; without one (a relay that offers none) the outcome stays unknown. */
  receipts?: RelayReceipts
  /**
   * How long after the 'sending' mark an attempt may still get the relay's answer (the SMTP answer
   * timeout plus a margin). The relay is asked only after it, so a slow attempt that is still alive
   * cannot deliver its copy after the relay said "never accepted" and a second copy went out.
   */
  settleMs: number
  /** Waits the rest of settleMs (an activity heartbeats meanwhile). */
  wait?: (ms: number) => Promise<void>
}

/**
 * Settles a message an interrupted attempt left 'sending' (a worker killed between committing 'sending'
 * and the relay's answer, or a connection lost after the final "."): asks the relay by Message-ID whether
 * it accepted the message and records sent, or failed so that the caller sends it again. Safe to repeat
 * and to race: each write applies only while the row is still 'sending'.
 */
export async function settleInterruptedSend(sql: Sql, options: SettleOptions): Promise<SettledSend> {
  const { messageId } = options
  const [row] = await sql<{ status: string; waited_ms: number | null }[]>`
    select status, (extract(epoch from clock_timestamp() - sending_at) * 1000)::float8 as waited_ms from messages where message_id = ${messageId}`
  if (!row) throw new Error(`send log: no message ${messageId}`)
  if (row.status !== 'sending') return { verdict: 'changed', status: row.status }
  if (!options.receipts) {
    const [moved] = await sql`
      update messages set status = 'unknown', reason = 'an earlier attempt stopped during the SMTP transaction; the relay offers no record to ask'
      where message_id = ${messageId} and status = 'sending' returning status`
    return moved ? { verdict: 'unknown' } : changed(sql, messageId)
  }
  // Rows marked before sending_at existed have waited long enough.
  const remaining = row.waited_ms === null ? 0 : options.settleMs - row.waited_ms
  if (remaining > 0) await (options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(remaining)
  const { accepted } = await options.receipts.lookup(messageId)
  const [moved] = accepted
    ? await sql`
        update messages set status = 'sent', sent_at = coalesce(sent_at, now()),
          smtp_response = 'reconciled: the relay has accepted this Message-ID (the attempt that sent it was interrupted before its answer)'
        where message_id = ${messageId} and status = 'sending' returning status`
    : await sql`
        update messages set status = 'failed', reason = 'reconciled: the relay never accepted the interrupted attempt; sent again'
        where message_id = ${messageId} and status = 'sending' returning status`
  if (!moved) return changed(sql, messageId)
  return accepted ? { verdict: 'sent' } : { verdict: 'resend' }
}

async function changed(sql: Sql, messageId: string): Promise<SettledSend> {
  const [row] = await sql<{ status: string }[]>`select status from messages where message_id = ${messageId}`
  return { verdict: 'changed', status: row?.status ?? 'missing' }
}

/** What a campaign mail's frequency-cap slot is claimed for (activities/send-campaign-email.ts). */
export interface SendSlotClaim {
  accountId: string
  enrolmentId: string
  contactId: string
  campaignId: string
  nodeId: string
  visit: number
  messageId: string
  template: string
  recipient: string
  capPerWeek: number
}

/**
 * Takes one of the contact's weekly mail slots for a campaign mail (its pending row), or tells when the
 * next one frees up: one round trip (migration 037, claim_send_slot). The contact's row lock makes
 * concurrent sends from several campaigns and mailings count one after the other, so the cap holds across
 * them. Returns null when the slot was taken (the row exists).
 */
export async function claimSendSlot(sql: Sql, claim: SendSlotClaim): Promise<Date | null> {
  const [row] = await sql<{ next: Date | null }[]>`
    select claim_send_slot(${claim.contactId}::uuid, ${claim.capPerWeek}::int, ${claim.accountId}::uuid, ${claim.enrolmentId}::uuid, ${claim.campaignId}::uuid,
                           ${claim.nodeId}::text, ${claim.visit}::int, ${claim.messageId}::text, ${claim.template}::text, ${claim.recipient}::text) as next`
  return row!.next
}

/**
 * Contact `c` may be sent marketing mail now: consent granted and the address deliverable. Written once for
 * the statements that decide at the last moment before a body leaves (the campaign and mailing 'sending'
 * marks, the mailing's last look), so the rule cannot drift between the two send paths.
 */
const contactMayBeMailed = (sql: Sql) => sql`(c.consent_status = 'granted' and c.undeliverable_at is null)`

/**
 * Marks campaign mails 'sending' as their bodies start to travel (activities/send-campaign-email.ts; the
 * marks of concurrent sends in one statement, committed durably), each only while its row is pending (or
 * failed before), the contact's consent stands, the address is deliverable and the campaign neither paused
 * nor stopped: read in the same statement, at the last moment before the final ".", as markMailingSending
 * does for mailings. Returns the Message-IDs taken: the others must not be sent (the caller reads why).
 */
export async function markCampaignMailsSending(sql: Sql, rows: { messageId: string; subject: string; locale: string }[]): Promise<Set<string>> {
  const taken = await sql<{ message_id: string }[]>`
    update messages m set status = 'sending', attempts = m.attempts + 1, subject = v.subject, locale = v.locale
    from (select unnest(${rows.map((r) => r.messageId)}::text[]) as message_id, unnest(${rows.map((r) => r.subject)}::text[]) as subject,
                 unnest(${rows.map((r) => r.locale)}::text[]) as locale) v,
         contacts c, campaigns ca
    where m.message_id = v.message_id and m.status in ('pending', 'failed')
      and c.id = m.contact_id and ${contactMayBeMailed(sql)}
      and ca.id = m.campaign_id and ca.status not in ('paused', 'stopped')
    returning m.message_id`
  return new Set(taken.map((row) => row.message_id))
}

/**
 * Records campaign mails sent, with the relay's answers, in one statement (the marks of concurrent sends,
 * activities/micro-batch.ts), each committed durably before its send reports back.
 */
export async function markCampaignMailsSent(sql: Sql, rows: { messageId: string; response: string }[]): Promise<void> {
  await sql`
    update messages m set status = 'sent', sent_at = now(), smtp_response = v.response
    from (select unnest(${rows.map((r) => r.messageId)}::text[]) as message_id, unnest(${rows.map((r) => r.response)}::text[]) as response) v
    where m.message_id = v.message_id`
}

export interface UnresolvedMessageRow {
  message_id: string
  enrolment_id: string | null
  node_id: string | null
  visit: number | null
  recipient: string | null
  subsidiary: string
  status: 'unknown' | 'sending'
  reason: string | null
  attempts: number
  created_at: Date
  sending_at: Date | null
}

/**
 * A campaign's mail whose delivery nobody could confirm: 'unknown' (the relay cannot be asked) and
 * 'sending' (an attempt is under way or waits to be settled), within the caller's subsidiaries.
 */
export async function unresolvedMessages(sql: Sql, scope: { accountId: string; campaignId: string; subsidiaries: '*' | string[]; limit: number }) {
  return sql<UnresolvedMessageRow[]>`
    select m.message_id, m.enrolment_id, m.node_id, m.visit, m.recipient, s.code as subsidiary, m.status, m.reason, m.attempts, m.created_at, m.sending_at
    from messages m
    join contacts c on c.id = m.contact_id
    join subsidiaries s on s.id = c.subsidiary_id
    where m.campaign_id = ${scope.campaignId} and m.account_id = ${scope.accountId} and m.status in ('unknown', 'sending')
      ${scope.subsidiaries === '*' ? sql`` : sql`and s.code = any(${scope.subsidiaries})`}
    order by m.created_at desc limit ${scope.limit}`
}

// A mailing's rows in the send log (activities/mailing-send.ts): one per mailing and contact (unique
// mailing_id + contact_id; the Message-ID is derived from both), moving pending → sending → sent, or
// suppressed / failed / unknown. Every write names the statuses it may leave, so a stale attempt cannot
// undo what a newer one recorded.

export type MessageStatus = 'pending' | 'sending' | 'sent' | 'suppressed' | 'failed' | 'unknown'

export interface MailingSendClaim {
  accountId: string
  mailingId: string
  /** The send log's template column for mailings: `mailing:<id>`. */
  template: string
  frequencyCapPerWeek: number
  recipients: { contactId: string; email: string; messageId: string }[]
}

/**
 * The send log rows for a mailing's recipients seen for the first time: suppressed (no consent,
 * undeliverable, over the weekly frequency cap, which campaign mail and mailings share) or pending.
 * Consent is read here, moments before the mail leaves, with the contacts locked as the campaign send
 * path locks them, so the cap holds across both. Rows that exist already are left as they are.
 * Returns the contacts suppressed and the pending rows' ids by contact.
 */
export async function claimMailingSends(sql: Sql, claim: MailingSendClaim): Promise<{ suppressed: string[]; pending: Map<string, string> }> {
  return sql.begin(async (sql) => {
    const ids = claim.recipients.map((r) => r.contactId)
    const locked = await sql<{ id: string; consent_status: string; undeliverable_at: Date | null }[]>`
      select id, consent_status, undeliverable_at from contacts where id = any(${ids}::uuid[]) order by id for update`
    const now = new Map(locked.map((row) => [row.id, row]))
    const recent = await sql<{ contact_id: string; n: number }[]>`
      select contact_id, count(*)::int as n from messages
      where contact_id = any(${ids}::uuid[]) and status in ('pending', 'sending', 'sent', 'unknown') and created_at > now() - interval '7 days'
      group by contact_id`
    const counts = new Map(recent.map((row) => [row.contact_id, row.n]))
    const suppressed: (MailingSendClaim['recipients'][number] & { reason: string })[] = []
    const sendable: MailingSendClaim['recipients'] = []
    for (const recipient of claim.recipients) {
      const current = now.get(recipient.contactId)
      const reason = !current || current.consent_status !== 'granted'
        ? `no_consent: consent is ${current?.consent_status ?? 'gone'}`
        : current.undeliverable_at
          ? 'undeliverable: the address bounced'
          : (counts.get(recipient.contactId) ?? 0) >= claim.frequencyCapPerWeek
            ? `frequency_cap: ${claim.frequencyCapPerWeek} mails in the last 7 days`
            : null
      if (reason) suppressed.push({ ...recipient, reason })
      else sendable.push(recipient)
    }
    if (suppressed.length) {
      await sql`
        insert into messages (account_id, mailing_id, contact_id, message_id, template, recipient, status, reason)
        select ${claim.accountId}, ${claim.mailingId}, v.contact, v.message_id, ${claim.template}, v.email, 'suppressed', v.reason
        from (select unnest(${suppressed.map((s) => s.contactId)}::uuid[]) as contact, unnest(${suppressed.map((s) => s.messageId)}::text[]) as message_id,
                     unnest(${suppressed.map((s) => s.email)}::text[]) as email, unnest(${suppressed.map((s) => s.reason)}::text[]) as reason) v
        on conflict do nothing`
    }
    if (!sendable.length) return { suppressed: suppressed.map((s) => s.contactId), pending: new Map() }
    const rows = await sql<{ id: string; contact_id: string }[]>`
      insert into messages (account_id, mailing_id, contact_id, message_id, template, recipient)
      select ${claim.accountId}, ${claim.mailingId}, v.contact, v.message_id, ${claim.template}, v.email
      from (select unnest(${sendable.map((c) => c.contactId)}::uuid[]) as contact, unnest(${sendable.map((c) => c.messageId)}::text[]) as message_id,
                   unnest(${sendable.map((c) => c.email)}::text[]) as email) v
      on conflict do nothing
      returning id, contact_id`
    return { suppressed: suppressed.map((s) => s.contactId), pending: new Map(rows.map((row) => [row.contact_id, row.id])) }
  })
}

/**
 * Marks a window of mailing rows 'sending' in one statement, committed durably, before any of their
 * bodies goes to the relay (activities/mailing-send.ts). Only a row still pending (or failed before) is
 * taken, and only while the contact's consent stands and the address is deliverable. Returns the rows taken
 * with their attempt number, which is the hold: a row whose attempts moved on was taken by another attempt.
 * The others must not be sent.
 */
export async function markMailingSending(sql: Sql, rows: { id: string; subject: string; locale: string; pins: unknown }[]): Promise<Map<string, number>> {
  const taken = await sql<{ id: string; attempts: number }[]>`
    update messages m set status = 'sending', attempts = attempts + 1, subject = v.subject, locale = v.locale, render_pins = v.pins::jsonb
    from (select unnest(${rows.map((i) => i.id)}::uuid[]) as id, unnest(${rows.map((i) => i.subject)}::text[]) as subject,
                 unnest(${rows.map((i) => i.locale)}::text[]) as locale, unnest(${rows.map((i) => JSON.stringify(i.pins))}::text[]) as pins) v,
         contacts c
    where m.id = v.id and m.status in ('pending', 'failed') and c.id = m.contact_id and ${contactMayBeMailed(sql)}
    returning m.id, m.attempts`
  return new Map(taken.map((row) => [row.id, row.attempts]))
}

/**
 * Marks a row 'sending' again, durably, while `attempts` still holds it (its sending_at moves to now, see
 * migration 023); the new attempt number, or null when another attempt took the row meanwhile.
 */
export async function renewMailingSending(sql: Sql, id: string, attempts: number): Promise<number | null> {
  const [row] = await sql<{ attempts: number }[]>`
    update messages set status = 'sending', attempts = attempts + 1 where id = ${id} and status = 'sending' and attempts = ${attempts} returning attempts`
  return row?.attempts ?? null
}

/** Where mailing rows stand as their bodies are about to leave: status, attempt, and whether the contact may still be mailed (consent, deliverable). */
export interface MailingSendState {
  status: MessageStatus
  attempts: number
  mayMail: boolean
}

/**
 * Reads (never writes) the rows' status and attempt with their contacts' consent and deliverability: the
 * last look before a body goes, moments before it leaves, without a commit to wait for.
 */
export async function mailingSendStates(sql: Sql, ids: string[]): Promise<Map<string, MailingSendState>> {
  const rows = await sql<({ id: string } & MailingSendState)[]>`
    select m.id, m.status, m.attempts, ${contactMayBeMailed(sql)} as "mayMail"
    from messages m join contacts c on c.id = m.contact_id where m.id = any(${ids}::uuid[])`
  return new Map(rows.map(({ id, ...state }) => [id, state]))
}

/** Records mailing rows sent, with the relay's answer, at `at` (the sending's clock). */
export async function markMailingSent(sql: Sql, rows: { id: string; response: string }[], at: Date): Promise<void> {
  await sql`
    update messages m set status = 'sent', sent_at = ${at}, smtp_response = v.response
    from (select unnest(${rows.map((i) => i.id)}::uuid[]) as id, unnest(${rows.map((i) => i.response)}::text[]) as response) v
    where m.id = v.id`
}

/**
 * Records how a mailing row ended for now (failed, suppressed, unknown) with the reason; with `from`, only
 * while it is in one of those statuses; with `attempts`, only while that attempt still holds it.
 */
export async function recordMailingOutcome(
  sql: Sql,
  rowId: string,
  outcome: { status: 'failed' | 'suppressed' | 'unknown'; reason: string; from?: MessageStatus[]; attempts?: number },
): Promise<void> {
  await sql`update messages set status = ${outcome.status}, reason = ${outcome.reason}
    where id = ${rowId} ${outcome.from ? sql`and status = any(${outcome.from}::text[])` : sql``} ${outcome.attempts === undefined ? sql`` : sql`and attempts = ${outcome.attempts}`}`
}

export type MailingAsSentRow = MailingRow & { render_pins: Record<string, number> | null; locale: string | null; sub_locale: string; code: string; sub_name: string }

/** A mailing as one contact's mail left (its template versions and language), for its web version; only once it was sent. */
export async function mailingAsSent(sql: Sql, key: { accountId: string; mailingId: string; contactId: string }): Promise<MailingAsSentRow | undefined> {
  const [row] = await sql<MailingAsSentRow[]>`
    select m.*, msg.render_pins, msg.locale, s.locale as sub_locale, s.code, s.name as sub_name
    from mailings m join messages msg on msg.mailing_id = m.id and msg.contact_id = ${key.contactId}
    join subsidiaries s on s.id = m.subsidiary_id
    where m.id = ${key.mailingId} and m.account_id = ${key.accountId} and msg.status in ('sent', 'unknown')`
  return row
}
