import type { ISql, Sql } from 'postgres'
import type { ContactRow } from './contacts'

// Contacts as the CRM sync reads and writes them (db/contacts.ts owns the table; this is its CRM side):
// the person a CRM record is, the values a sync or a resolved conflict takes over, the contact a CRM record creates.

/** The person columns a CRM field may set; the other person fields live in attributes. */
export type PersonColumn = 'email' | 'first_name' | 'last_name' | 'company'

/** A contact as a sync compares it with its CRM record. */
export type CrmContactRow = Pick<ContactRow, 'id' | 'email' | 'first_name' | 'last_name' | 'company' | 'attributes' | 'consent_status' | 'consent_source' | 'updated_at'>

export async function contactForCrm(sql: ISql, contactId: string): Promise<CrmContactRow | null> {
  const [row] = await (sql as Sql)<CrmContactRow[]>`
    select id, email, first_name, last_name, company, attributes, consent_status, consent_source, updated_at from contacts where id = ${contactId}`
  return row ?? null
}

/** Takes over person values (columns and attribute keys) on one contact; nothing to take writes nothing. */
export async function takePersonValues(sql: ISql, contactId: string, columns: Partial<Record<PersonColumn, string | null>>, attributes: Record<string, string | null>): Promise<void> {
  if (!Object.keys(columns).length && !Object.keys(attributes).length) return
  const db = sql as Sql
  await db`
    update contacts set ${Object.keys(columns).length ? db(columns as Record<string, string | null>) : db`email = email`},
      attributes = attributes || ${db.json(attributes as never)}, updated_at = now()
    where id = ${contactId}`
}

/** A contact new in the pool because the CRM has the person; its id. */
export async function insertContactFromCrm(
  sql: ISql,
  input: { accountId: string; subsidiaryId: string; email: string; firstName: string | null; lastName: string | null; company: string | null; attributes: Record<string, unknown> },
): Promise<string> {
  const db = sql as Sql
  const [created] = await db<{ id: string }[]>`
    insert into contacts (account_id, subsidiary_id, email, first_name, last_name, company, attributes)
    values (${input.accountId}, ${input.subsidiaryId}, ${input.email}, ${input.firstName}, ${input.lastName}, ${input.company}, ${db.json(input.attributes as never)})
    returning id`
  return created!.id
}

/** Where a CRM deal's contact sits: its subsidiary, company and lifecycle stage (the deal takes the first two). */
export type DealContactRow = Pick<ContactRow, 'subsidiary_id' | 'company' | 'lifecycle_stage'>

export async function dealContact(sql: ISql, contactId: string): Promise<DealContactRow | null> {
  const [row] = await (sql as Sql)<DealContactRow[]>`select subsidiary_id, company, lifecycle_stage from contacts where id = ${contactId}`
  return row ?? null
}
