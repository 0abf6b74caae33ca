import type { Sql, TransactionSql } from 'postgres'
import type { SegmentFilter } from '../engine/segment-filter'
import type { SendWindow } from '../engine/nodes/zoned-time'
import type { MailingContent, MailingSchedule, MailingStatus } from '../mailings/model'
import type { MailContactRow } from '../templates/renderer'
import { segmentCondition } from './segments'
import { withContactScope } from './workspaces'

// The one owner of `mailings` and `mailing_recipients`. A mailing's rows in the send log (`messages`) are
// written by db/messages.ts; progress here only reads them.

export interface MailingRow {
  id: string
  account_id: string
  subsidiary_id: string
  subsidiary_code: string
  name: string
  content: MailingContent
  segment_id: string | null
  schedule: MailingSchedule | null
  status: MailingStatus
  approval_required: boolean
  approved_by: string | null
  approved_at: Date | null
  refused_by: string | null
  refused_at: Date | null
  refusal_reason: string | null
  send_at: Date | null
  workflow_id: string | null
  created_by: string
  created_at: Date
  updated_at: Date
  finished_at: Date | null
}

export interface MailingProgress {
  total: number
  sent: number
  remaining: number
  failed: number
  suppressed: number
  unknown: number
  cancelled: number
}

const SELECT = (sql: Sql) => sql`
  select m.*, s.code as subsidiary_code from mailings m join subsidiaries s on s.id = m.subsidiary_id`

export async function findMailing(sql: Sql, accountId: string, id: string): Promise<MailingRow | undefined> {
  const [row] = await sql<MailingRow[]>`${SELECT(sql)} where m.id = ${id} and m.account_id = ${accountId}`
  return row
}

export async function listMailings(sql: Sql, accountId: string, subsidiaries: readonly string[] | '*'): Promise<MailingRow[]> {
  return sql<MailingRow[]>`
    ${SELECT(sql)} where m.account_id = ${accountId} ${subsidiaries === '*' ? sql`` : sql`and s.code = any(${[...subsidiaries]}::text[])`}
    order by m.created_at desc limit 200`
}

export async function insertMailing(
  sql: Sql,
  input: { accountId: string; subsidiaryId: string; name: string; content: MailingContent; segmentId: string | null; approvalRequired: boolean; createdBy: string },
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into mailings (account_id, subsidiary_id, name, content, segment_id, approval_required, created_by)
    values (${input.accountId}, ${input.subsidiaryId}, ${input.name}, ${sql.json(input.content as never)}, ${input.segmentId}, ${input.approvalRequired}, ${input.createdBy})
    returning id`
  return row!.id
}

/** Saves name, content or segment; only a draft (or one awaiting approval, which goes back to draft) changes. */
export async function updateMailingDraft(sql: Sql, id: string, change: { name: string; content: MailingContent; segmentId: string | null }): Promise<boolean> {
  const updated = await sql`
    update mailings set name = ${change.name}, content = ${sql.json(change.content as never)}, segment_id = ${change.segmentId},
      status = 'draft', approved_by = null, approved_at = null, updated_at = now()
    where id = ${id} and status in ('draft', 'awaiting_approval')`
  return updated.count === 1
}

/** HQ refuses a mailing awaiting its approval: back to draft, with who refused it and why. False when it was not awaiting approval. */
export async function refuseMailing(sql: Sql, id: string, refusal: { by: string; reason: string }): Promise<boolean> {
  const updated = await sql`
    update mailings set status = 'draft', refused_by = ${refusal.by}, refused_at = now(), refusal_reason = ${refusal.reason},
      approved_by = null, approved_at = null, updated_at = now()
    where id = ${id} and status = 'awaiting_approval'`
  return updated.count === 1
}

/** Moves the status only from one of `from`; false when the mailing was elsewhere (a race, or a repeated call). */
export async function moveMailingStatus(
  sql: Sql,
  id: string,
  from: MailingStatus[],
  to: MailingStatus,
  extra: { schedule?: MailingSchedule; sendAt?: Date; workflowId?: string; approvedBy?: string } = {},
): Promise<boolean> {
  const updated = await sql`
    update mailings set status = ${to}, updated_at = now()
      ${extra.schedule ? sql`, schedule = ${sql.json(extra.schedule as never)}` : sql``}
      ${extra.sendAt ? sql`, send_at = ${extra.sendAt}` : sql``}
      ${extra.workflowId ? sql`, workflow_id = ${extra.workflowId}` : sql``}
      ${extra.approvedBy ? sql`, approved_by = ${extra.approvedBy}, approved_at = now(), refused_by = null, refused_at = null, refusal_reason = null` : sql``}
      ${to === 'sent' || to === 'cancelled' ? sql`, finished_at = now()` : sql``}
    where id = ${id} and status = any(${from}::text[])`
  return updated.count === 1
}

export async function mailingProgress(sql: Sql, mailingId: string): Promise<MailingProgress> {
  // Outcomes come from the send log as soon as each mail is through; "remaining" is what has none yet.
  const [row] = await sql<MailingProgress[]>`
    select count(*)::int as total,
      count(*) filter (where r.status = 'queued' and (msg.status is null or msg.status in ('pending', 'sending', 'failed')))::int as remaining,
      count(*) filter (where r.status = 'cancelled')::int as cancelled,
      count(*) filter (where msg.status = 'sent')::int as sent,
      count(*) filter (where r.status = 'done' and msg.status = 'failed')::int as failed,
      count(*) filter (where msg.status = 'suppressed')::int as suppressed,
      count(*) filter (where msg.status = 'unknown' or (r.status = 'done' and msg.status = 'sending'))::int as unknown
    from mailing_recipients r
    left join messages msg on msg.mailing_id = r.mailing_id and msg.contact_id = r.contact_id
    where r.mailing_id = ${mailingId}`
  return row!
}

/** Queued recipients of a mailing: how many a pause holds or a cancel drops. */
export async function queuedRecipients(sql: Sql, mailingId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from mailing_recipients where mailing_id = ${mailingId} and status = 'queued'`
  return row!.n
}

export async function cancelQueuedRecipients(sql: Sql, mailingId: string): Promise<number> {
  const cancelled = await sql`update mailing_recipients set status = 'cancelled' where mailing_id = ${mailingId} and status = 'queued'`
  return cancelled.count
}

export interface RecipientCandidate {
  id: string
  time_zone: string | null
}

/**
 * Runs `work` under the row-level security of the mailing subsidiary's workspace (db/workspaces.ts): its
 * pool alias decides whose contacts it sees (FR: French contacts, and French-speaking ones in Belgium and
 * Switzerland); a subsidiary without a workspace sees its own contacts. The same wall as a request of that
 * subsidiary's marketer, so a mailing can never reach a contact its marketer could not see.
 */
export const inMailingPool = <T>(sql: Sql, mailing: { account_id: string; code: string }, work: (sql: TransactionSql) => Promise<T>): Promise<T> =>
  withContactScope(sql, { accountId: mailing.account_id, workspace: mailing.code, subsidiaries: [mailing.code] }, work)

/** The pool's contacts in the mailing's segment (all of them without one). Consent is not looked at here. */
export async function audience(sql: Sql, mailing: { account_id: string; code: string }, filter: SegmentFilter | null): Promise<RecipientCandidate[]> {
  return inMailingPool(sql, mailing, (sql) => sql<RecipientCandidate[]>`
    select c.id, c.time_zone from contacts c
    where c.account_id = ${mailing.account_id} and (${filter ? segmentCondition(sql, filter) : sql`true`})`)
}

/** How many of the pool's contacts in the segment would get it now: consent and deliverability are checked again as each mail leaves. */
export async function audienceCounts(sql: Sql, mailing: { account_id: string; code: string }, filter: SegmentFilter | null) {
  const [counts] = await inMailingPool(sql, mailing, (sql) => sql<{ total: number; no_consent: number; undeliverable: number }[]>`
    select count(*)::int as total,
           count(*) filter (where c.consent_status <> 'granted')::int as no_consent,
           count(*) filter (where c.consent_status = 'granted' and c.undeliverable_at is not null)::int as undeliverable
    from contacts c
    where c.account_id = ${mailing.account_id} and (${filter ? segmentCondition(sql, filter) : sql`true`})`)
  return { total: counts!.total, noConsent: counts!.no_consent, undeliverable: counts!.undeliverable, sendable: counts!.total - counts!.no_consent - counts!.undeliverable }
}

/** A pool contact as previews read it: what a mail is personalised from, and the language it reads. */
export interface SampleContactRow extends MailContactRow {
  locale: string | null
}

/** A contact of the pool for previews: the one with this address, else the first one. */
export async function poolSampleContact(sql: Sql, mailing: { account_id: string; code: string }, email?: string): Promise<SampleContactRow | undefined> {
  const [row] = await inMailingPool(sql, mailing, (sql) => sql<SampleContactRow[]>`
    select email, first_name, last_name, salutation, company, attributes, locale from contacts
    where account_id = ${mailing.account_id} ${email ? sql`and lower(email) = lower(${email})` : sql``}
    order by created_at limit 1`)
  return row
}

export async function segmentFilterOf(sql: Sql, accountId: string, segmentId: string | null): Promise<SegmentFilter | null> {
  if (!segmentId) return null
  const [row] = await sql<{ filter: SegmentFilter }[]>`select filter from segments where id = ${segmentId} and account_id = ${accountId}`
  if (!row) throw new Error(`segment ${segmentId} no longer exists`)
  return row.filter
}

/** Adds recipients with their due times; repeating it adds nobody twice. */
export async function addRecipients(sql: Sql, mailingId: string, accountId: string, rows: { contactId: string; dueAt: Date }[]): Promise<number> {
  let added = 0
  for (let i = 0; i < rows.length; i += 5_000) {
    const chunk = rows.slice(i, i + 5_000)
    const result = await sql`
      insert into mailing_recipients (mailing_id, contact_id, account_id, due_at)
      select ${mailingId}, unnest(${chunk.map((row) => row.contactId)}::uuid[]), ${accountId}, unnest(${chunk.map((row) => row.dueAt.toISOString())}::timestamptz[])
      on conflict do nothing`
    added += result.count
  }
  return added
}

export async function nextDueAt(sql: Sql, mailingId: string): Promise<Date | null> {
  const [row] = await sql<{ due_at: Date | null }[]>`select min(due_at) as due_at from mailing_recipients where mailing_id = ${mailingId} and status = 'queued'`
  return row?.due_at ?? null
}

/** A mailing with what sending it needs: its subsidiary's identity and zone, the account's cap and quiet hours. */
export interface MailingForSend {
  id: string
  account_id: string
  name: string
  status: string
  content: MailingContent
  schedule: MailingSchedule | null
  subsidiary_id: string
  send_at: Date | null
  code: string
  locale: string
  subsidiary_name: string
  sender_name: string
  sender_email: string
  sender_domain: string | null
  subsidiary_time_zone: string | null
  frequency_cap_per_week: number
  send_window: SendWindow | null
  segment_id: string | null
}

export async function mailingForSend(sql: Sql, mailingId: string): Promise<MailingForSend | undefined> {
  const [row] = await sql<MailingForSend[]>`
    select m.id, m.account_id, m.name, m.status, m.content, m.schedule, m.subsidiary_id, m.send_at, m.segment_id,
           s.code, s.locale, s.name as subsidiary_name, s.sender_name, s.sender_email, s.sender_domain, s.time_zone as subsidiary_time_zone,
           a.frequency_cap_per_week, a.send_window
    from mailings m join subsidiaries s on s.id = m.subsidiary_id join accounts a on a.id = m.account_id
    where m.id = ${mailingId}`
  return row
}

/** A queued recipient that is due, with the contact and their send log row so far (none on the first visit). */
export interface DueRecipientRow {
  contact_id: string
  email: string
  first_name: string | null
  last_name: string | null
  salutation: 'mr' | 'ms' | 'none' | null
  company: string | null
  attributes: Record<string, unknown>
  locale: string | null
  consent_status: string
  undeliverable_at: Date | null
  message_row_id: string | null
  message_id: string | null
  message_status: string | null
}

/** The next queued recipients due at `asOf` (the sending's clock), earliest first, leaving out those still being delivered. */
export async function dueRecipients(sql: Sql, mailingId: string, options: { asOf: Date; inFlight: string[]; limit: number }): Promise<DueRecipientRow[]> {
  return sql<DueRecipientRow[]>`
    select r.contact_id, c.email, c.first_name, c.last_name, c.salutation, c.company, c.attributes, c.locale, c.consent_status, c.undeliverable_at,
           msg.id as message_row_id, msg.message_id, msg.status as message_status
    from mailing_recipients r
    join contacts c on c.id = r.contact_id
    left join messages msg on msg.mailing_id = r.mailing_id and msg.contact_id = r.contact_id
    where r.mailing_id = ${mailingId} and r.status = 'queued' and r.due_at <= ${options.asOf} and r.contact_id <> all(${options.inFlight}::uuid[])
    order by r.due_at limit ${options.limit}`
}

/** Recipients whose mail is through (sent, suppressed, failed for good): no longer queued. */
export async function settleRecipients(sql: Sql, mailingId: string, contactIds: string[]): Promise<void> {
  if (contactIds.length) await sql`update mailing_recipients set status = 'done' where mailing_id = ${mailingId} and contact_id = any(${contactIds}::uuid[]) and status = 'queued'`
}

/** Recipients to try again later (the relay refused for now): due again at `at`. */
export async function retryRecipientsAt(sql: Sql, mailingId: string, contactIds: string[], at: Date): Promise<void> {
  if (contactIds.length) await sql`update mailing_recipients set due_at = ${at} where mailing_id = ${mailingId} and contact_id = any(${contactIds}::uuid[])`
}
