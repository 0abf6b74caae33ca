import type { Sql } from 'postgres'
import { resolveTimeZone, type ConsentStatus, type ContactFacts } from './nodes/contact-facts'
import { matchesPersona, personaMatch } from './personas'
import { accountPersonas } from './scoring/model-store'

// A contact's facts as conditions, waits and entry rules read them. Here in the engine, which decides
// with them at entry (engine/enrol.ts) and in simulations, rather than in activities/ (whose
// loadContactFacts activity is a wrapper around it): the engine does not import its activities.

export interface ContactRef {
  accountId: string
  contactId: string
}

interface FactsRow {
  attributes: Record<string, unknown>
  tags: string[]
  consent_status: ConsentStatus
  subsidiary_code: string
  time_zone: string | null
  subsidiary_time_zone: string | null
  personas: string[]
  cell: string | null
}

/**
 * The contact's current facts (attributes, tags, consent, subsidiary, time zone), or null for a contact that does not exist. With `livePersonas`, persona matches are computed
 * from the attributes as they are now rather than read from the stored matches, which the scoring of an
 * event that just brought the position or industry has not updated yet (entry into a campaign needs that).
 */
export async function readContactFacts(sql: Sql, input: ContactRef, options: { livePersonas?: boolean } = {}): Promise<ContactFacts | null> {
  const [row] = await sql<FactsRow[]>`
    select c.attributes, c.tags, c.consent_status, s.code as subsidiary_code, c.time_zone, s.time_zone as subsidiary_time_zone,
      ${options.livePersonas ? sql`'{}'::text[]` : sql`array(select p.slug from contact_personas cp join personas p on p.id = cp.persona_id
            where cp.contact_id = c.id and cp.match_percent >= p.threshold order by p.slug)`} as personas,
      (select cs.profile_grade || cs.activity_level from contact_scores cs where cs.contact_id = c.id) as cell
    from contacts c
    join subsidiaries s on s.id = c.subsidiary_id
    where c.id = ${input.contactId} and c.account_id = ${input.accountId}`
  if (!row) return null
  const personas = options.livePersonas
    ? (await accountPersonas(sql, input.accountId)).filter((persona) => matchesPersona(persona, personaMatch(persona.criteria, row.attributes))).map((persona) => persona.slug)
    : row.personas
  return {
    attributes: row.attributes,
    tags: row.tags,
    consent: row.consent_status,
    subsidiary: row.subsidiary_code,
    timeZone: resolveTimeZone(row.time_zone, row.subsidiary_time_zone),
    personas,
    cell: row.cell,
  }
}
