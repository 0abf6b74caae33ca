import type { ISql, Sql } from 'postgres'
import type { ContactRef } from './contacts'

// Consent on contacts (the table is owned by db/contacts.ts): withdrawn by the unsubscribe link, granted
// by a confirmed double opt-in or an import that brings proof, and the erasure a data-protection request
// asks for. The caller records the matching event in the same transaction.

/** Consent withdrawn by the contact (the unsubscribe link); a contact not in the account is left alone. */
export async function withdrawConsent(sql: ISql, input: ContactRef & { source: string }): Promise<void> {
  await (sql as Sql)`
    update contacts set consent_status = 'revoked', consent_source = ${input.source}, consent_at = now(), updated_at = now()
    where id = ${input.contactId} and account_id = ${input.accountId}`
}

/** A contact's consent as its proof shows it, with its subsidiary's code. */
export interface ContactConsentRow {
  id: string
  email: string
  consent_status: 'none' | 'pending' | 'granted' | 'revoked'
  consent_source: string | null
  consent_at: Date | null
  subsidiary: string
}

/** The contact's consent, when it is in the account and one of these subsidiaries ('*': any); else null. */
export async function contactConsent(sql: ISql, input: ContactRef & { subsidiaries: '*' | string[] }): Promise<ContactConsentRow | null> {
  const [row] = await (sql as Sql)<ContactConsentRow[]>`
    select c.id, c.email, c.consent_status, c.consent_source, c.consent_at, s.code as subsidiary
    from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.id = ${input.contactId} and c.account_id = ${input.accountId}
      ${input.subsidiaries === '*' ? (sql as Sql)`` : (sql as Sql)`and s.code = any(${input.subsidiaries})`}`
  return row ?? null
}

/** Everything stored on the contact's row, as a data-protection export hands it out. */
export async function contactRecord(sql: ISql, contactId: string): Promise<Record<string, unknown> | null> {
  const [row] = await (sql as Sql)<Record<string, unknown>[]>`select * from contacts where id = ${contactId}`
  return row ?? null
}

/**
 * Erasure on request: the address becomes a placeholder, names, attributes and tags go, consent is revoked
 * (so nothing mails the row again). The caller deletes the contact's other data in the same transaction.
 */
export async function anonymiseContact(sql: ISql, contactId: string): Promise<void> {
  await (sql as Sql)`
    update contacts set email = ${`erased-${contactId}@erased.invalid`}, first_name = null, last_name = null, salutation = null, company = null,
      attributes = '{}', tags = '{}', time_zone = null, consent_status = 'revoked', consent_source = 'erased on request', consent_at = now(), updated_at = now()
    where id = ${contactId}`
}
