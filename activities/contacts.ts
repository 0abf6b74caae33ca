import { ApplicationFailure } from '@temporalio/activity'
import type { Sql } from 'postgres'
import { matchesPersona, personaMatch } from '../engine/personas'
import { accountPersonas } from '../engine/scoring/model-store'
import { scoreContact } from '../engine/scoring/score-contact'
import { resolveTimeZone, type ConsentStatus, type ContactFacts } from '../engine/nodes/contact-facts'

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

/** The contact's current facts for a condition or a wait: attributes, tags, consent, subsidiary, time zone. Reads only. */
export async function loadContactFacts(sql: Sql, input: ContactRef): Promise<ContactFacts> {
  const facts = await readContactFacts(sql, input)
  if (!facts) throw ApplicationFailure.nonRetryable(`contact ${input.contactId} no longer exists`, 'ContactGone')
  return facts
}

/**
 * The same, or null for a contact that does not exist. With `livePersonas`, persona matches are computed
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
