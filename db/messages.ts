import type { Sql } from 'postgres'

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
