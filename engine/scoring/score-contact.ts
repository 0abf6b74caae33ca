import type { Sql, TransactionSql } from 'postgres'
import { resolveTimeZone, type ContactFacts } from '../nodes/contact-facts'
import { matchesPersona, personaMatch } from '../personas'
import { activityHorizonMs, activityLevel, activityPoints, cellOf, profileGrade, profilePoints } from './compute'
import type { Cell, Grade } from './model'
import { accountPersonas, currentScoringModel } from './model-store'
import { createHandover, type NewHandover } from './handover-store'
import { readScoringContact } from '../../db/contacts'

export type ScoreCause = 'event' | 'attribute_change' | 'decay' | 'model_change' | 'initial'

export interface ScoreRequest {
  accountId: string
  contactId: string
  cause: ScoreCause
  eventId?: string
  /** The campaign behind the event (tracked clicks and opens carry it): "which campaign qualified it". */
  campaignId?: string
}

export interface ScoreOutcome {
  grade: Grade
  level: number
  cell: Cell
  activityPoints: number
  profilePoints: number
  changed: boolean
  /** A handover this scoring began (the caller starts its workflow). */
  handover: NewHandover | null
}

interface ScoreRow {
  profile_grade: Grade
  activity_level: number
  profile_points: string
  activity_points: string
  qualified: boolean
}

// Only behaviour and attributes are grounds for a handover: a model change or a rescore must not send a
// batch of old leads to sales at once (they qualify at their next event instead).
const QUALIFYING_CAUSES: ScoreCause[] = ['event', 'attribute_change']
const HANDOVER_STAGES = ['lead', 'nurture']

/**
 * Recomputes the contact's persona matches, profile grade and activity level, stores them, records a
 * score change with its cause when anything moved, and begins a handover when the contact newly stands in
 * a handover cell. Serialised per contact (advisory lock), so concurrent events see each other's result;
 * repeating it changes nothing (an event's change is recorded once, the handover's qualification once).
 */
export async function scoreContact(sql: Sql, request: ScoreRequest, now = new Date()): Promise<ScoreOutcome | null> {
  return sql.begin((sql) => scoreContactIn(sql, request, now))
}

export async function scoreContactIn(sql: TransactionSql, request: ScoreRequest, now: Date): Promise<ScoreOutcome | null> {
  const { accountId, contactId } = request
  // The lock and every read that does not depend on another are pipelined (one round trip): Postgres runs
  // them in order and each read takes its snapshot when it starts, i.e. after the lock is held, so they see
  // what a concurrent scoring of this contact committed, as if awaited one by one. The dispatcher scores
  // every event it hands on, so round trips here bound its rate.
  // (postgres.js sends a query when it is first awaited: `execute()` puts the lock first in the pipeline.)
  const locked = sql`select pg_advisory_xact_lock(hashtextextended(${`score:${contactId}`}, 0))`.execute()
  const [, contact, { version, model }, personas, [previous]] = await Promise.all([
    locked,
    readScoringContact(sql, { accountId, contactId }),
    currentScoringModel(sql, accountId),
    accountPersonas(sql, accountId),
    sql<ScoreRow[]>`
      select profile_grade, activity_level, profile_points, activity_points, qualified from contact_scores where contact_id = ${contactId}`,
  ])
  if (!contact) return null

  const matches: Record<string, number> = {}
  for (const persona of personas) matches[persona.slug] = personaMatch(persona.criteria, contact.attributes)
  // Written with the score below (one round trip for the writes).
  const personasWritten = personas.length
    ? sql`
      insert into contact_personas ${sql(personas.map((p) => ({ contact_id: contactId, persona_id: p.id, account_id: accountId, match_percent: matches[p.slug]!, computed_at: now })))}
      on conflict (contact_id, persona_id) do update set match_percent = excluded.match_percent, computed_at = excluded.computed_at`
    : null
  const facts: ContactFacts = {
    attributes: contact.attributes,
    tags: contact.tags,
    consent: contact.consent_status,
    subsidiary: contact.subsidiary_code,
    timeZone: resolveTimeZone(contact.time_zone, contact.subsidiary_time_zone),
    personas: personas.filter((p) => matchesPersona(p, matches[p.slug]!)).map((p) => p.slug),
  }

  // Machine opens and scanner clicks (flagged by tracking) are no sign of interest.
  const events = await sql<{ type: string; properties: Record<string, unknown>; occurred_at: Date }[]>`
    select type, properties, occurred_at from events
    where contact_id = ${contactId} and not suspected_machine
      and occurred_at > ${new Date(now.getTime() - activityHorizonMs(model))}`
  const activity = activityPoints(model, events.map((e) => ({ type: e.type, properties: e.properties, occurredAt: e.occurred_at })), now)
  const level = activityLevel(model, activity)
  const profile = profilePoints(model, facts, matches)
  const grade = profileGrade(model, profile)
  const cell = cellOf(grade, level)

  const cellChanged = !previous || previous.profile_grade !== grade || previous.activity_level !== level
  const pointsChanged = !previous || Number(previous.profile_points) !== profile || Number(previous.activity_points) !== activity
  // Decay moves points every day: only a change of cell is worth a record then.
  const changed = request.cause === 'decay' ? cellChanged : cellChanged || pointsChanged

  const inHandoverCell = model.handover.cells.includes(cell)
  let qualified = inHandoverCell && (previous?.qualified ?? false)
  let handover: NewHandover | null = null
  if (inHandoverCell && !qualified && QUALIFYING_CAUSES.includes(request.cause) && HANDOVER_STAGES.includes(contact.lifecycle_stage)) {
    handover = await createHandover(sql, { accountId, contactId, cell, source: 'score', eventId: request.eventId, campaignId: request.campaignId, sla: model.handover.sla })
    qualified = handover !== null
  }

  const scoreWritten = sql`
    insert into contact_scores (contact_id, account_id, profile_points, profile_grade, activity_points, activity_level, model_version, scored_at, qualified)
    values (${contactId}, ${accountId}, ${profile}, ${grade}, ${activity}, ${level}, ${version}, ${now}, ${qualified})
    on conflict (contact_id) do update set profile_points = excluded.profile_points, profile_grade = excluded.profile_grade,
      activity_points = excluded.activity_points, activity_level = excluded.activity_level, model_version = excluded.model_version,
      scored_at = excluded.scored_at, qualified = excluded.qualified`
  const changeRecorded = changed
    ? sql`
      insert into score_changes (account_id, contact_id, cause, event_id, model_version, profile_before, profile_after, activity_before, activity_after, profile_points, activity_points, changed_at)
      values (${accountId}, ${contactId}, ${previous || request.cause === 'event' ? request.cause : 'initial'}, ${request.eventId ?? null}, ${version}, ${previous?.profile_grade ?? null}, ${grade},
              ${previous?.activity_level ?? null}, ${level}, ${profile}, ${activity}, ${now})
      on conflict (contact_id, event_id) where event_id is not null do nothing`
    : null
  await Promise.all([personasWritten, scoreWritten, changeRecorded])
  return { grade, level, cell, activityPoints: activity, profilePoints: profile, changed, handover }
}
