import type { ISql, Sql } from 'postgres'

// New and known contacts arriving from outside (the table is owned by db/contacts.ts): web forms and CSV
// imports. The address is unique per account (lower-case), so each writer either inserts or fills in.

/** A contact a form submission names, locked for the submission's transaction, with its subsidiary's language. */
export interface FormContactRow {
  id: string
  consent_status: string
  locale: string
}

/** The account's contact with this address, locked for update; null when there is none yet. */
export async function lockContactByEmail(sql: ISql, accountId: string, email: string): Promise<FormContactRow | null> {
  const [row] = await (sql as Sql)<FormContactRow[]>`
    select c.id, c.consent_status, s.locale from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.account_id = ${accountId} and lower(c.email) = lower(${email}) for update of c`
  return row ?? null
}

/** What a form or event says about a person. */
export interface PersonFields {
  firstName: string | null
  lastName: string | null
  salutation: string | null
  company: string | null
}

/** A contact new from a form, consent pending when asked for; null when the address arrived meanwhile (a concurrent first submission). */
export async function insertFormContact(
  sql: ISql,
  input: PersonFields & { accountId: string; subsidiaryId: string; email: string; locale: string; consentRequested: boolean },
): Promise<string | null> {
  const [created] = await (sql as Sql)<{ id: string }[]>`
    insert into contacts (account_id, subsidiary_id, email, first_name, last_name, salutation, company, locale, consent_status)
    values (${input.accountId}, ${input.subsidiaryId}, ${input.email}, ${input.firstName}, ${input.lastName},
            ${input.salutation}, ${input.company}, ${input.locale}, ${input.consentRequested ? 'pending' : 'none'})
    on conflict (account_id, lower(email)) do nothing
    returning id`
  return created?.id ?? null
}

/** A known contact fills gaps from a form (never overwrites) and, when consent was asked for and is not granted, waits for it. */
export async function fillFromForm(sql: ISql, contactId: string, input: PersonFields & { consentRequested: boolean }): Promise<void> {
  await (sql as Sql)`
    update contacts set
      first_name = coalesce(first_name, ${input.firstName}),
      last_name = coalesce(last_name, ${input.lastName}),
      company = coalesce(company, ${input.company}),
      salutation = coalesce(salutation, ${input.salutation}),
      consent_status = case when ${input.consentRequested} and consent_status <> 'granted' then 'pending' else consent_status end,
      updated_at = now()
    where id = ${contactId}`
}

/** One checked row of a CSV import: inserted, or merged into the contact with its address (values given win, attributes merge). */
export async function upsertImportedContact(
  sql: ISql,
  input: { accountId: string; subsidiaryId: string; email: string; firstName: string | null; lastName: string | null; company: string | null; attributes: Record<string, unknown> },
): Promise<{ id: string; consent_status: string }> {
  const [contact] = await (sql as Sql)<{ id: string; consent_status: string }[]>`
    insert into contacts (account_id, subsidiary_id, email, first_name, last_name, company, attributes)
    values (${input.accountId}, ${input.subsidiaryId}, ${input.email}, ${input.firstName}, ${input.lastName}, ${input.company}, ${(sql as Sql).json(input.attributes as never)})
    on conflict (account_id, lower(email)) do update set first_name = coalesce(excluded.first_name, contacts.first_name),
      last_name = coalesce(excluded.last_name, contacts.last_name), company = coalesce(excluded.company, contacts.company),
      attributes = contacts.attributes || excluded.attributes, updated_at = now()
    returning id, consent_status`
  return contact!
}

// Contacts named by events of the API (api/events.ts one at a time, api/event-batch.ts in batches).

/** A contact an event names: its address as stored, the lower-case key it was found by, its subsidiary's code. */
export interface EventContactRow {
  id: string
  key: string
  email: string
  subsidiary_code: string
}

/**
 * The account's contacts with these lower-case addresses, locked (in id order, so concurrent batches do not
 * deadlock). "No key update" is the lock the events' update of these contacts takes where it changes
 * them (it changes neither id nor address): it still keeps other batches, edits, moves and deletions of
 * the contact out until commit, but not the key-share locks of rows that merely reference the contact, above all the
 * dispatcher scoring earlier events of the same contacts (contact_scores, score_changes,
 * contact_personas). With "for update" a batch waited for every scoring transaction holding one of its
 * contacts, and the scorings behind it for the batch.
 */
export function lockContactsByEmail(sql: ISql, accountId: string, keys: string[]) {
  return (sql as Sql)<EventContactRow[]>`
    select c.id, lower(c.email) as key, c.email, s.code as subsidiary_code from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.account_id = ${accountId} and lower(c.email) = any(${keys}::text[])
    order by c.id for no key update of c`
}

/** What an event says about its contact; null leaves a field as it is, attributes are merged. */
export interface EventContactFields {
  first_name: string | null
  last_name: string | null
  salutation: string | null
  company: string | null
  locale: string | null
  attributes: Record<string, unknown>
}

/** New contacts from events, with the ids the caller minted; the ids inserted (fewer when an address arrived meanwhile). */
export async function insertEventContacts(sql: ISql, accountId: string, rows: (EventContactFields & { id: string; subsidiary_id: string; email: string })[]): Promise<string[]> {
  const inserted = await (sql as Sql)<{ id: string }[]>`
    insert into contacts (id, account_id, subsidiary_id, email, first_name, last_name, salutation, company, locale, attributes)
    select v.id, ${accountId}, v.subsidiary_id, v.email, v.first_name, v.last_name, v.salutation, v.company, v.locale, coalesce(v.attributes, '{}')
    from jsonb_to_recordset(${(sql as Sql).json(rows as never)}) as v(id uuid, subsidiary_id uuid, email text, first_name text, last_name text, salutation text, company text, locale text, attributes jsonb)
    on conflict (account_id, lower(email)) do nothing
    returning id`
  return inserted.map((row) => row.id)
}

/**
 * Known contacts take the fields their events sent: only the fields sent change, attributes are merged, so
 * nothing known is lost (the statement for the single path, and a fragment of the batch path's one). A
 * contact whose fields would not change is not written at all: a tracking feed repeats what it knows of a
 * contact with every visit, and rewriting the row (a new row version, its trigger, its row-security check)
 * cost more than the event itself.
 */
export const updateKnownFromEvents = (sql: Sql, rows: (EventContactFields & { id: string })[]) => {
  const after = sql`coalesce(v.first_name, c.first_name), coalesce(v.last_name, c.last_name), coalesce(v.salutation, c.salutation),
    coalesce(v.company, c.company), coalesce(v.locale, c.locale), c.attributes || coalesce(v.attributes, '{}')`
  return sql`
    update contacts c set (first_name, last_name, salutation, company, locale, attributes) = (${after}), updated_at = now()
    from jsonb_to_recordset(${sql.json(rows as never)})
      as v(id uuid, first_name text, last_name text, salutation text, company text, locale text, attributes jsonb)
    where c.id = v.id and (c.first_name, c.last_name, c.salutation, c.company, c.locale, c.attributes) is distinct from (${after})`
}

/** Known contacts take the fields their events sent (updateKnownFromEvents). */
export async function updateFromEvents(sql: ISql, rows: (EventContactFields & { id: string })[]): Promise<void> {
  await updateKnownFromEvents(sql as Sql, rows)
}
