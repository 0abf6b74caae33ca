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
