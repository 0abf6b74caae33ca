import { ApplicationFailure } from '@temporalio/activity'
import type { Sql } from 'postgres'
import { scoreContact } from '../engine/scoring/score-contact'
import { readContactFacts, type ContactRef } from '../engine/contact-facts-reader'
import type { ContactFacts } from '../engine/nodes/contact-facts'

export type { ContactRef }

/** The contact's current facts for a condition or a wait: attributes, tags, consent, subsidiary, time zone. Reads only. */
export async function loadContactFacts(sql: Sql, input: ContactRef): Promise<ContactFacts> {
  const facts = await readContactFacts(sql, input)
  if (!facts) throw ApplicationFailure.nonRetryable(`contact ${input.contactId} no longer exists`, 'ContactGone')
  return facts
}

export interface UpdateContactInput extends ContactRef {
  /** null clears the attribute. */
  setAttributes: Record<string, string | number | boolean | null>
  addTags: string[]
  removeTags: string[]
}

/**
 * Sets and clears attributes and adds and removes tags on the contact, in one statement. Idempotent:
 * the result depends only on the input, so a retry (or a second pass) changes nothing more. Tags keep
 * the order they were first added in and appear once.
 */
export async function updateContact(sql: Sql, input: UpdateContactInput): Promise<void> {
  const entries = Object.entries(input.setAttributes)
  const set = Object.fromEntries(entries.filter(([, value]) => value !== null))
  const cleared = entries.filter(([, value]) => value === null).map(([name]) => name)
  const [row] = await sql<{ id: string }[]>`
    update contacts set
      attributes = (attributes || ${sql.json(set)}) - ${cleared}::text[],
      tags = array(
        select tag from unnest(tags || ${input.addTags}::text[]) with ordinality as t(tag, position)
        where tag <> all(${input.removeTags}::text[])
        group by tag order by min(position)),
      updated_at = now()
    where id = ${input.contactId} and account_id = ${input.accountId}
    returning id`
  if (!row) throw ApplicationFailure.nonRetryable(`contact ${input.contactId} no longer exists`, 'ContactGone')
  // New attributes may change persona matches and the profile grade (a handover it begins is started by
  // the dispatcher's sweep of pending handovers). Repeating it finds nothing more to change.
  if (entries.length) await scoreContact(sql, { accountId: input.accountId, contactId: input.contactId, cause: 'attribute_change' })
}
