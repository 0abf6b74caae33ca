import { ApplicationFailure } from '@temporalio/activity'
import type { Sql } from 'postgres'
import { changeContact, readContactFacts, type ContactChange, type ContactRef } from '../db/contacts'
import { scoreContact } from '../engine/scoring/score-contact'
import type { ContactFacts } from '../engine/nodes/contact-facts'

export type { ContactRef }

/** The contact's current facts for a condition or a wait: attributes, tags, consent, subsidiary, time zone. Reads only. */
export async function loadContactFacts(sql: Sql, input: ContactRef): Promise<ContactFacts> {
  const facts = await readContactFacts(sql, input)
  if (!facts) throw ApplicationFailure.nonRetryable(`contact ${input.contactId} no longer exists`, 'ContactGone')
  return facts
}

export type UpdateContactInput = ContactChange

/**
 * Sets and clears attributes and adds and removes tags on the contact, in one statement. Idempotent:
 * the result depends only on the input, so a retry (or a second pass) changes nothing more. Tags keep
 * the order they were first added in and appear once.
 */
export async function updateContact(sql: Sql, input: UpdateContactInput): Promise<void> {
  if (!(await changeContact(sql, input))) throw ApplicationFailure.nonRetryable(`contact ${input.contactId} no longer exists`, 'ContactGone')
  // New attributes may change persona matches and the profile grade (a handover it begins is started by
  // the dispatcher's sweep of pending handovers). Repeating it finds nothing more to change.
  if (Object.keys(input.setAttributes).length) await scoreContact(sql, { accountId: input.accountId, contactId: input.contactId, cause: 'attribute_change' })
}
