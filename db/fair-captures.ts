import type { Sql, TransactionSql } from 'postgres'
import type { CapturedFields } from '../fairs/merge'

/**
 * Owner of fair_captures and fair_capture_ids (migration 020): the visitors of a fair as the stand
 * captured them (one row per fair and contact, fields merged by time), and every client-generated capture
 * id already synced. Also reads the visitor profile the booth app shows (contacts, scores, events and
 * handovers are read here, written by their own modules).
 */
type Tx = Sql | TransactionSql

export interface CaptureRow {
  id: string
  contact_id: string
  source: 'scan' | 'form'
  fields: CapturedFields
  consent: Record<string, unknown> | null
  consent_submission_id: string | null
  handover_id: string | null
}

/** The visitor row a client capture id went into, when it was synced before. */
export async function syncedCapture(sql: Tx, clientId: string): Promise<{ capture_id: string; contact_id: string } | null> {
  const [row] = await sql<{ capture_id: string; contact_id: string }[]>`
    select i.capture_id, c.contact_id from fair_capture_ids i join fair_captures c on c.id = i.capture_id where i.client_id = ${clientId}`
  return row ?? null
}

/** The fair's row for a contact, locked for the merge (callers hold the transaction). */
export async function captureForUpdate(sql: TransactionSql, fairId: string, contactId: string): Promise<CaptureRow | null> {
  const [row] = await sql<CaptureRow[]>`
    select id, contact_id, source, fields, consent, consent_submission_id, handover_id from fair_captures
    where fair_id = ${fairId} and contact_id = ${contactId} for update`
  return row ?? null
}

export async function insertCapture(sql: TransactionSql, row: { accountId: string; fairId: string; contactId: string; source: 'scan' | 'form'; fields: CapturedFields; by: string }): Promise<string> {
  const [created] = await sql<{ id: string }[]>`
    insert into fair_captures (account_id, fair_id, contact_id, source, fields, first_captured_by)
    values (${row.accountId}, ${row.fairId}, ${row.contactId}, ${row.source}, ${sql.json(row.fields as never)}, ${row.by})
    returning id`
  return created!.id
}

export async function updateCaptureFields(sql: TransactionSql, captureId: string, fields: CapturedFields): Promise<void> {
  await sql`update fair_captures set fields = ${sql.json(fields as never)}, updated_at = now() where id = ${captureId}`
}

export async function noteCaptureId(sql: TransactionSql, clientId: string, captureId: string, by: string, device: string): Promise<void> {
  await sql`insert into fair_capture_ids (client_id, capture_id, synced_by, device) values (${clientId}, ${captureId}, ${by}, ${device}) on conflict (client_id) do nothing`
}

export async function noteCaptureHandover(sql: TransactionSql, captureId: string, handoverId: string): Promise<void> {
  await sql`update fair_captures set handover_id = ${handoverId} where id = ${captureId}`
}

export async function noteCaptureConsent(sql: Tx, captureId: string, consent: Record<string, unknown>, submissionId: string): Promise<void> {
  await sql`update fair_captures set consent = ${sql.json(consent as never)}, consent_submission_id = ${submissionId} where id = ${captureId} and consent_submission_id is null`
}

export interface VisitorProfileRow {
  contact_id: string
  email: string
  first_name: string | null
  last_name: string | null
  company: string | null
  subsidiary: string
  consent_status: 'none' | 'pending' | 'granted' | 'revoked'
  attributes: Record<string, unknown>
  tags: string[]
  grade: string | null
  level: number | null
  recent: { type: string; at: string }[]
  handovers: { id: string; createdAt: string; repEmail: string | null }[]
  captured: CapturedFields | null
}

/** Everything the booth app shows about these visitors: contact, scores, last events, open handovers, what the stand captured. */
export async function visitorProfiles(sql: Tx, accountId: string, fairId: string, contactIds: string[]): Promise<VisitorProfileRow[]> {
  if (!contactIds.length) return []
  return sql<VisitorProfileRow[]>`
    select c.id as contact_id, c.email, c.first_name, c.last_name, c.company, s.code as subsidiary, c.consent_status, c.attributes, c.tags,
      cs.profile_grade as grade, cs.activity_level as level,
      coalesce((select json_agg(json_build_object('type', e.type, 'at', e.occurred_at) order by e.occurred_at desc)
        from (select type, occurred_at from events where contact_id = c.id and not suspected_machine order by occurred_at desc limit 5) e), '[]') as recent,
      coalesce((select json_agg(json_build_object('id', h.id, 'createdAt', h.created_at, 'repEmail', r.email))
        from handovers h left join sales_reps r on r.id = h.rep_id where h.contact_id = c.id and h.status = 'open'), '[]') as handovers,
      fc.fields as captured
    from contacts c join subsidiaries s on s.id = c.subsidiary_id
      left join contact_scores cs on cs.contact_id = c.id
      left join fair_captures fc on fc.contact_id = c.id and fc.fair_id = ${fairId}
    where c.account_id = ${accountId} and c.id = any(${contactIds}::uuid[])`
}

/** The visitors the stand captured (for the day's prefetch beside the appointments). */
export async function capturedContactIds(sql: Tx, fairId: string): Promise<string[]> {
  return (await sql<{ contact_id: string }[]>`select contact_id from fair_captures where fair_id = ${fairId} order by updated_at desc limit 500`).map((r) => r.contact_id)
}

/** The newest marketing consent text in every language it exists in (what the booth app shows at "start double opt-in"). */
export async function currentConsentTexts(sql: Tx, accountId: string): Promise<{ version: number; locale: string; text: string }[]> {
  return sql<{ version: number; locale: string; text: string }[]>`
    select version, locale, text from consent_texts where account_id = ${accountId} and purpose = 'marketing'
      and version = (select max(version) from consent_texts where account_id = ${accountId} and purpose = 'marketing')`
}

/** Serialises the syncs of one visitor at one fair (several reps' phones at once) until the transaction ends. */
export async function lockVisitor(sql: TransactionSql, fairId: string, contactId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`fair:${fairId}:${contactId}`}, 0))`
}

/**
 * A new visitor in the event path: fair_visit (campaigns trigger on it), fair_scan (reporting's touch of
 * the fair's campaign; reporting folds these, not fair_visit) and, for the form, fair_capture.
 */
export async function recordFairVisit(sql: TransactionSql, visit: { accountId: string; contactId: string; source: 'scan' | 'form'; at: Date; facts: Record<string, string> }): Promise<void> {
  const types = visit.source === 'form' ? ['fair_visit', 'fair_scan', 'fair_capture'] : ['fair_visit', 'fair_scan']
  for (const type of types) {
    await sql`insert into events (account_id, contact_id, type, properties, source, occurred_at)
      values (${visit.accountId}, ${visit.contactId}, ${type}, ${sql.json(visit.facts)}, 'fair', ${visit.at})`
  }
}

/** The visitor's scoring cell ("A3", or "-" unscored), with their score locked as the scoring module does before a handover. */
export async function lockedScoreCell(sql: TransactionSql, contactId: string): Promise<string> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`score:${contactId}`}, 0))`
  const [score] = await sql<{ profile_grade: string; activity_level: number }[]>`select profile_grade, activity_level from contact_scores where contact_id = ${contactId}`
  return score ? `${score.profile_grade}${score.activity_level}` : '-'
}

/** A handed-over visitor counts as qualified, as a lead the scoring model handed over does. */
export async function markQualified(sql: TransactionSql, contactId: string): Promise<void> {
  await sql`update contact_scores set qualified = true where contact_id = ${contactId}`
}
