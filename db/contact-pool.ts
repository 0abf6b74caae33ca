import type { Fragment, ISql, Sql } from 'postgres'
import type { ConsentStatus } from '../engine/nodes/contact-facts'

// The contact pool as lists and records for people (the table is owned by db/contacts.ts): the picker's
// search, the 360° profile's head, the record an edit starts from, and the CSV export. `pool` is the
// caller's pool as a condition on `c` (api/contact-edits.ts poolFilter); `subsidiaries` the codes a
// caller sees ('*': all).

const ofSubsidiaries = (sql: ISql, subsidiaries: '*' | string[]) => (subsidiaries === '*' ? (sql as Sql)`true` : (sql as Sql)`s.code = any(${subsidiaries})`)

/** A contact as the picker lists it. */
export interface PoolContactRow {
  id: string
  email: string
  first_name: string | null
  last_name: string | null
  company: string | null
  subsidiary: string
  tags: string[]
  consent_status: 'none' | 'pending' | 'granted' | 'revoked'
  lifecycle_stage: 'lead' | 'nurture' | 'mql' | 'sal' | 'sql' | 'opportunity' | 'won' | 'lost'
}

export interface PoolSearch {
  /** A LIKE pattern (wildcards typed by the user already escaped), or null for everyone. */
  pattern: string | null
  subsidiary?: string
  consent?: string
  lifecycle?: string
  tag?: string
  /** A segment's condition on `c` (db/segments.ts segmentCondition). */
  segment?: Fragment
  limit: number
}

/** Contacts of the pool matching a search by address, name or company, in address order. */
export function searchPool(sql: ISql, accountId: string, pool: Fragment, search: PoolSearch) {
  const q = sql as Sql
  return q<PoolContactRow[]>`
    select c.id, c.email, c.first_name, c.last_name, c.company, s.code as subsidiary, c.tags, c.consent_status, c.lifecycle_stage
    from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.account_id = ${accountId} and ${pool}
      ${search.pattern ? q`and (c.email ilike ${search.pattern} or c.company ilike ${search.pattern} or concat_ws(' ', c.first_name, c.last_name) ilike ${search.pattern})` : q``}
      ${search.subsidiary ? q`and s.code = ${search.subsidiary}` : q``}
      ${search.consent ? q`and c.consent_status = ${search.consent}` : q``}
      ${search.lifecycle ? q`and c.lifecycle_stage = ${search.lifecycle}` : q``}
      ${search.tag ? q`and ${search.tag} = any(c.tags)` : q``}
      ${search.segment ? q`and (${search.segment})` : q``}
    order by lower(c.email)
    limit ${search.limit}`
}

/** The head of a contact's 360° profile (camel-case, as the API answers it), with its company record. */
export async function contactProfileHead(sql: ISql, contactId: string): Promise<Record<string, unknown> & { consentStatus: ConsentStatus }> {
  const [row] = await (sql as Sql)<(Record<string, unknown> & { consentStatus: ConsentStatus })[]>`
    select c.id, c.email, c.first_name as "firstName", c.last_name as "lastName", c.company, c.locale, c.tags, c.attributes, c.lifecycle_stage as "lifecycleStage",
      c.consent_status as "consentStatus", c.consent_source as "consentSource", c.consent_at as "consentAt", c.created_at as "createdAt", s.code as subsidiary,
      case when co.id is null then null else json_build_object('id', co.id, 'name', co.name, 'website', co.website, 'industry', co.industry, 'city', co.city, 'country', co.country,
        'crmId', (select l.crm_id from crm_links l where l.object_type = 'account' and l.company_id = co.id)) end as "companyRecord"
    from contacts c join subsidiaries s on s.id = c.subsidiary_id left join companies co on co.id = c.company_id where c.id = ${contactId}`
  return row!
}

/** One row of the contacts CSV export. */
export interface ExportedContactRow {
  email: string
  first_name: string | null
  last_name: string | null
  company: string | null
  subsidiary: string
  postal_code: string | null
  lifecycle_stage: string
  consent_status: string
  consent_source: string | null
}

/** The account's contacts of these subsidiaries, in address order, for the CSV export. */
export function contactsForExport(sql: ISql, accountId: string, subsidiaries: '*' | string[]) {
  return (sql as Sql)<ExportedContactRow[]>`
    select c.email, c.first_name, c.last_name, c.company, s.code as subsidiary, c.attributes->>'postal_code' as postal_code, c.lifecycle_stage, c.consent_status, c.consent_source
    from contacts c join subsidiaries s on s.id = c.subsidiary_id where c.account_id = ${accountId} and ${ofSubsidiaries(sql, subsidiaries)} order by lower(c.email)`
}

// Editing a contact by hand (api/contact-edits.ts).

/** A contact as its edit form shows it and as the edit compares before and after. */
export interface EditableContactRow {
  id: string
  email: string
  first_name: string | null
  last_name: string | null
  company: string | null
  salutation: string | null
  locale: string | null
  subsidiary: string
  attributes: Record<string, unknown>
  tags: string[]
  consent_status: string
}

/** The contact in the caller's pool, or null. */
export async function editableContact(sql: ISql, accountId: string, contactId: string, pool: Fragment): Promise<EditableContactRow | null> {
  const [row] = await (sql as Sql)<EditableContactRow[]>`
    select c.id, c.email, c.first_name, c.last_name, c.company, c.salutation, c.locale, s.code as subsidiary, c.attributes, c.tags, c.consent_status
    from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.id = ${contactId} and c.account_id = ${accountId} and ${pool}`
  return row ?? null
}

/** Whether another contact of the account (in any pool) has this address. */
export async function addressTakenByOther(sql: ISql, accountId: string, email: string, contactId: string): Promise<boolean> {
  const [other] = await (sql as Sql)<{ id: string }[]>`select id from contacts where account_id = ${accountId} and lower(email) = lower(${email}) and id <> ${contactId}`
  return Boolean(other)
}

/** Writes an edit: the changed columns (snake_case) and the whole attributes object. */
export async function writeContactEdit(sql: ISql, contactId: string, columns: Record<string, unknown>, attributes: Record<string, unknown>): Promise<void> {
  const q = sql as Sql
  await q`update contacts set ${q({ ...columns, attributes: q.json(attributes as never), updated_at: new Date() } as never)} where id = ${contactId}`
}
