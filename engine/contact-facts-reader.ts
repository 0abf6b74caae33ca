import type { Sql } from 'postgres'
import { readContactFacts as readStoredFacts, type ContactRef } from '../db/contacts'
import type { ContactFacts } from './nodes/contact-facts'
import { matchesPersona, personaMatch } from './personas'
import { accountPersonas } from './scoring/model-store'

// A contact's facts as conditions, waits and entry rules read them (db/contacts.ts reads them). Here in
// the engine, which decides with them at entry (engine/enrol.ts) and in simulations.

export type { ContactRef }

/**
 * The contact's current facts, or null for a contact that does not exist. With `livePersonas`, persona
 * matches are computed from the attributes as they are now rather than read from the stored matches, which
 * the scoring of an event that just brought the position or industry has not updated yet (entry into a
 * campaign needs that).
 */
export async function readContactFacts(sql: Sql, input: ContactRef, options: { livePersonas?: boolean } = {}): Promise<ContactFacts | null> {
  const facts = await readStoredFacts(sql, input)
  if (!facts || !options.livePersonas) return facts
  const personas = (await accountPersonas(sql, input.accountId)).filter((persona) => matchesPersona(persona, personaMatch(persona.criteria, facts.attributes))).map((persona) => persona.slug)
  return { ...facts, personas }
}
