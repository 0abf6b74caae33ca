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
