import type { ISql, Sql } from 'postgres'
import { resolveTimeZone, type ConsentStatus, type ContactFacts } from '../engine/nodes/contact-facts'

// Contacts: the one global record per person (the table of migration 001 with the columns later ones
// added). This module owns the table: its row type, the contact's facts as conditions read them, and the
// reads and writes the engine, activities and routes share. Queries that only join contacts into a
// report of another table's rows stay with that table's owner.

export interface ContactRow {
  id: string
  account_id: string
  subsidiary_id: string
  email: string
  first_name: string | null
  last_name: string | null
  salutation: string | null
  company: string | null
  company_id: string | null
  locale: string | null
  time_zone: string | null
  attributes: Record<string, unknown>
  tags: string[]
  consent_status: ConsentStatus
  consent_source: string | null
  consent_at: Date | null
  lifecycle_stage: string
  lifecycle_stage_at: Date | null
  undeliverable_at: Date | null
  undeliverable_reason: string | null
  soft_bounce_score: number
  soft_bounce_at: Date | null
  created_at: Date
  updated_at: Date
}

export interface ContactRef {
  accountId: string
  contactId: string
}

interface FactsRow {
  attributes: Record<string, unknown>
  tags: string[]
  consent_status: ConsentStatus
  subsidiary_code: string
  time_zone: string | null
  subsidiary_time_zone: string | null
  personas: string[]
  cell: string | null
}

/**
 * The contact's current facts (attributes, tags, consent, subsidiary, time zone, stored persona matches,
 * score cell) as conditions, waits and entry rules read them, or null for a contact that does not exist
 * in the account.
 */
export async function readContactFacts(sql: ISql, input: ContactRef): Promise<ContactFacts | null> {
  const [row] = await (sql as Sql)<FactsRow[]>`
    select c.attributes, c.tags, c.consent_status, s.code as subsidiary_code, c.time_zone, s.time_zone as subsidiary_time_zone,
      array(select p.slug from contact_personas cp join personas p on p.id = cp.persona_id
            where cp.contact_id = c.id and cp.match_percent >= p.threshold order by p.slug) as personas,
      (select cs.profile_grade || cs.activity_level from contact_scores cs where cs.contact_id = c.id) as cell
    from contacts c
    join subsidiaries s on s.id = c.subsidiary_id
    where c.id = ${input.contactId} and c.account_id = ${input.accountId}`
  if (!row) return null
  return {
    attributes: row.attributes,
    tags: row.tags,
    consent: row.consent_status,
    subsidiary: row.subsidiary_code,
    timeZone: resolveTimeZone(row.time_zone, row.subsidiary_time_zone),
    personas: row.personas,
    cell: row.cell,
  }
}

/** What scoring reads of a contact (profile, consent, stage), or null when it is not in the account. */
export async function readScoringContact(sql: ISql, input: ContactRef) {
  const [row] = await (sql as Sql)<(Omit<FactsRow, 'personas' | 'cell'> & { lifecycle_stage: string })[]>`
    select c.attributes, c.tags, c.consent_status, s.code as subsidiary_code, c.time_zone, s.time_zone as subsidiary_time_zone, c.lifecycle_stage
    from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.id = ${input.contactId} and c.account_id = ${input.accountId}`
  return row ?? null
}

export interface ContactChange extends ContactRef {
  /** null clears the attribute. */
  setAttributes: Record<string, string | number | boolean | null>
  addTags: string[]
  removeTags: string[]
}

/**
 * Sets and clears attributes and adds and removes tags, in one statement; false when the contact is not
 * in the account. Idempotent: tags keep the order they were first added in and appear once.
 */
export async function changeContact(sql: ISql, input: ContactChange): Promise<boolean> {
  const entries = Object.entries(input.setAttributes)
  const set = Object.fromEntries(entries.filter(([, value]) => value !== null))
  const cleared = entries.filter(([, value]) => value === null).map(([name]) => name)
  const [row] = await (sql as Sql)<{ id: string }[]>`
    update contacts set
      attributes = (attributes || ${(sql as Sql).json(set)}) - ${cleared}::text[],
      tags = array(
        select tag from unnest(tags || ${input.addTags}::text[]) with ordinality as t(tag, position)
        where tag <> all(${input.removeTags}::text[])
        group by tag order by min(position)),
      updated_at = now()
    where id = ${input.contactId} and account_id = ${input.accountId}
    returning id`
  return Boolean(row)
}

/** Locks the contact's row for the caller's transaction (a send, a stage change); its stage, or null when gone. */
export async function lockContact(sql: ISql, contactId: string): Promise<{ lifecycle_stage: string } | null> {
  const [row] = await (sql as Sql)<{ lifecycle_stage: string }[]>`select lifecycle_stage from contacts where id = ${contactId} for update`
  return row ?? null
}

/** Moves the contact to a lifecycle stage, stamped now (the caller records the lifecycle change). */
export async function setLifecycleStage(sql: ISql, contactId: string, stage: string): Promise<void> {
  await (sql as Sql)`update contacts set lifecycle_stage = ${stage}, lifecycle_stage_at = now(), updated_at = now() where id = ${contactId}`
}

/** Records consent given or revoked, with where it came from. */
export async function setConsent(sql: ISql, contactId: string, status: 'granted' | 'revoked', source: string): Promise<void> {
  await (sql as Sql)`update contacts set consent_status = ${status}, consent_source = ${source}, consent_at = now(), updated_at = now() where id = ${contactId}`
}

/** How many contacts the account row `a` of the surrounding query has (the daily decay jobs' totals). */
export const countContactsOfAccountRow = (sql: ISql) => (sql as Sql)`(select count(*) from contacts c where c.account_id = a.id)`

/** How many contacts the account has (a rescore's total). */
export const countContactsSql = (sql: ISql, accountId: string) => (sql as Sql)`(select count(*) from contacts where account_id = ${accountId})`

/** The next page of the account's contact ids after a cursor, in id order (rescoring walks them). */
export const contactIdsAfter = (sql: ISql, accountId: string, cursor: string | null, limit: number) =>
  (sql as Sql)<{ id: string }[]>`
    select id from contacts where account_id = ${accountId} and (${cursor}::uuid is null or id > ${cursor}::uuid)
    order by id limit ${limit}`

/** The account's contacts among these e-mail addresses (compared case-insensitively), by lower-case address. */
export const contactsByEmail = (sql: ISql, accountId: string, emails: string[]) =>
  (sql as Sql)<{ id: string; email: string }[]>`select id, lower(email) as email from contacts where account_id = ${accountId} and lower(email) = any(${emails})`

// Visitors of a trade fair's stand (fairs/sync.ts) and the people its booking page speaks to (api/fair-booking.ts).

/** A visitor the pool does not know yet, in the fair's subsidiary and language, without consent; null when the address arrived meanwhile. */
export async function insertVisitorContact(sql: ISql, visitor: { accountId: string; subsidiaryId: string; email: string; firstName: string | null; lastName: string | null; company: string | null }): Promise<string | null> {
  const [created] = await (sql as Sql)<{ id: string }[]>`
    insert into contacts (account_id, subsidiary_id, email, first_name, last_name, company, locale, consent_status)
    select ${visitor.accountId}, ${visitor.subsidiaryId}, ${visitor.email}, ${visitor.firstName}, ${visitor.lastName}, ${visitor.company}, s.locale, 'none'
    from subsidiaries s where s.id = ${visitor.subsidiaryId}
    on conflict (account_id, lower(email)) do nothing returning id`
  return created?.id ?? null
}

/** Another contact with the same last name and company (maybe the same person with another address). */
export async function lookAlikeContact(sql: ISql, accountId: string, contactId: string, lastName: string, company: string): Promise<string | null> {
  const [row] = await (sql as Sql)<{ id: string }[]>`
    select id from contacts where account_id = ${accountId} and id <> ${contactId}
      and lower(last_name) = lower(${lastName}) and lower(company) = lower(${company}) limit 1`
  return row?.id ?? null
}

/** What the rep checked on the spot goes onto the contact: names, company and phone when changed (null: unchanged), tags added. */
export async function applyCapturedToContact(
  sql: ISql,
  contactId: string,
  changed: { firstName: string | null; lastName: string | null; company: string | null; phone: string | null; tags: string[] },
): Promise<void> {
  await (sql as Sql)`
    update contacts set first_name = coalesce(${changed.firstName}, first_name), last_name = coalesce(${changed.lastName}, last_name),
      company = coalesce(${changed.company}, company),
      tags = (select coalesce(array_agg(distinct t), '{}') from unnest(tags || ${changed.tags}::text[]) t),
      attributes = case when ${changed.phone}::text is null then attributes else attributes || jsonb_build_object('phone', ${changed.phone}::text) end,
      updated_at = now()
    where id = ${contactId}`
}

/** A contact of the account invited to a fair, with the language of its subsidiary (the booking page speaks it); null when there is none. */
export async function fairInvitee(sql: ISql, accountId: string, contactId: string): Promise<{ id: string; locale: string } | null> {
  const [row] = await (sql as Sql)<{ id: string; locale: string }[]>`
    select c.id, coalesce(s.locale, 'de') as locale from contacts c join subsidiaries s on s.id = c.subsidiary_id where c.id = ${contactId} and c.account_id = ${accountId}`
  return row ?? null
}

/** The contact's e-mail address (consent collected at the stand is confirmed through it). */
export async function visitorEmail(sql: ISql, contactId: string): Promise<string> {
  const [row] = await (sql as Sql)<{ email: string }[]>`select email from contacts where id = ${contactId}`
  if (!row) throw new Error(`contact ${contactId} does not exist`)
  return row.email
}
