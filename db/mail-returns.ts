import type { Sql } from 'postgres'

// What mail that came back changes: the contact's deliverability or consent, and an event (`bounce`,
// `complaint`) that running enrolments leave on and statistics count.

export interface ReturnedMessage {
  id: string
  account_id: string
  contact_id: string
  message_id: string
  mailing_id: string | null
  campaign_id: string | null
  enrolment_id: string | null
}

const COLUMNS = (sql: Sql) => sql`id, account_id, contact_id, message_id, mailing_id, campaign_id, enrolment_id`

export async function messageByRowId(sql: Sql, rowId: string): Promise<ReturnedMessage | undefined> {
  const [row] = await sql<ReturnedMessage[]>`select ${COLUMNS(sql)} from messages where id = ${rowId}`
  return row
}

export async function messageByMessageId(sql: Sql, messageId: string): Promise<ReturnedMessage | undefined> {
  const [row] = await sql<ReturnedMessage[]>`select ${COLUMNS(sql)} from messages where message_id = ${messageId}`
  return row
}

export interface BounceFacts {
  severity: 'hard' | 'soft'
  status: string | null
  diagnostic: string | null
}

// Five soft bounces minutes apart must reach a threshold of 5, though the earlier ones have faded by a
// hair (4.9999…): without this slack the fifth never counted, and it took a sixth.
const FADED_BY_A_HAIR = 0.01

/**
 * A hard bounce makes the address undeliverable at once; a soft one adds 1 to a score that halves every
 * `halfLifeMs`, and the address becomes undeliverable when the score reaches `threshold`. Returns
 * whether the contact is undeliverable now. One transaction with the event, so neither is lost alone.
 */
export async function recordBounce(sql: Sql, message: ReturnedMessage, facts: BounceFacts, soft: { threshold: number; halfLifeMs: number }): Promise<{ undeliverable: boolean; score: number }> {
  return sql.begin(async (sql) => {
    const [contact] = await sql<{ undeliverable: boolean; score: number }[]>`
      update contacts set
        soft_bounce_score = case when ${facts.severity} = 'soft'
          then soft_bounce_score * power(0.5, extract(epoch from now() - coalesce(soft_bounce_at, now())) * 1000 / ${soft.halfLifeMs}) + 1
          else soft_bounce_score end,
        soft_bounce_at = case when ${facts.severity} = 'soft' then now() else soft_bounce_at end,
        updated_at = now()
      where id = ${message.contact_id}
      returning undeliverable_at is not null as undeliverable, soft_bounce_score as score`
    const undeliverable = facts.severity === 'hard' || (contact?.score ?? 0) >= soft.threshold - FADED_BY_A_HAIR
    if (undeliverable && !contact?.undeliverable) {
      const why = facts.severity === 'hard' ? `hard bounce ${facts.status ?? ''}`.trim() : `soft bounces reached ${soft.threshold}`
      await sql`update contacts set undeliverable_at = now(), undeliverable_reason = ${why} where id = ${message.contact_id} and undeliverable_at is null`
    }
    await sql`
      insert into events (account_id, contact_id, type, properties, source)
      values (${message.account_id}, ${message.contact_id}, 'bounce', ${sql.json({
        messageId: message.message_id,
        severity: facts.severity,
        // The name the mail statistics (reporting) read.
        bounceType: facts.severity,
        status: facts.status,
        diagnostic: facts.diagnostic,
        undeliverable,
        ...(message.mailing_id ? { mailingId: message.mailing_id } : {}),
        ...(message.campaign_id ? { campaignId: message.campaign_id, enrolmentId: message.enrolment_id } : {}),
      } as never)}, 'inbound_mail')`
    return { undeliverable, score: contact?.score ?? 0 }
  })
}

/** A complaint (the recipient pressed "this is spam") unsubscribes the contact, with the event. */
export async function recordComplaint(sql: Sql, message: ReturnedMessage, feedbackType: string): Promise<void> {
  await sql.begin(async (sql) => {
    await sql`update contacts set consent_status = 'revoked', consent_source = 'complaint', consent_at = now(), updated_at = now() where id = ${message.contact_id}`
    await sql`
      insert into events (account_id, contact_id, type, properties, source)
      values (${message.account_id}, ${message.contact_id}, 'complaint', ${sql.json({
        messageId: message.message_id,
        feedbackType,
        ...(message.mailing_id ? { mailingId: message.mailing_id } : {}),
        ...(message.campaign_id ? { campaignId: message.campaign_id, enrolmentId: message.enrolment_id } : {}),
      } as never)}, 'inbound_mail')`
  })
}
