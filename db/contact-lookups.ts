import type { Fragment, ISql, Sql } from 'postgres'
import type { ContactRow } from './contacts'

// Contacts (owned by db/contacts.ts) as routes look one up: by address or id, with the subsidiary it
// belongs to, so the caller can check the pool and render in the subsidiary's language. Kept apart from
// db/contacts.ts so that module stays the table's core (facts, changes) and both stay small.

/** One contact with its subsidiary (code, language, name). */
export type ContactWithSubsidiaryRow = Pick<ContactRow, 'id' | 'email' | 'first_name' | 'last_name' | 'salutation' | 'company' | 'attributes' | 'subsidiary_id' | 'consent_status'> & {
  salutation: 'mr' | 'ms' | 'none' | null
  subsidiary_code: string
  subsidiary_locale: string
  subsidiary_name: string
}

/** Which contact: its id, or its e-mail address (compared case-insensitively). */
export type ContactKey = { id: string } | { email: string }

/**
 * The account's contact by id or address, with its subsidiary; null when there is none. `pool` is the
 * caller's pool as a condition on `c` (api/contact-edits.ts poolFilter), when the route limits it.
 */
export async function contactWithSubsidiary(sql: ISql, accountId: string, key: ContactKey, pool?: Fragment): Promise<ContactWithSubsidiaryRow | null> {
  const [row] = await (sql as Sql)<ContactWithSubsidiaryRow[]>`
    select c.id, c.email, c.first_name, c.last_name, c.salutation, c.company, c.attributes, c.subsidiary_id, c.consent_status,
      s.code as subsidiary_code, s.locale as subsidiary_locale, s.name as subsidiary_name
    from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.account_id = ${accountId} and ${'id' in key ? (sql as Sql)`c.id = ${key.id}` : (sql as Sql)`lower(c.email) = lower(${key.email})`}
      ${pool ? (sql as Sql)`and ${pool}` : (sql as Sql)``}`
  return row ?? null
}
