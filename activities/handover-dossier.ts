import type { Sql } from 'postgres'
import { handoverForDossier } from '../db/handovers'
import { activityLevel, activityPoints, cellOf, profileGrade } from '../engine/scoring/compute'
import { currentScoringModel } from '../engine/scoring/model-store'
import type { ReceiverContact } from './webhook'

/** Everything known about a handed-over lead: what the rep's mail shows and the CRM receives. Field names are the CRM's contract. */
export interface LeadDossier {
  type: 'lead.handover'
  handoverId: string
  qualification: number
  accountId: string
  handedOverAt: string
  cell: string
  source: 'score' | 'campaign_step'
  contact: ReceiverContact & { lifecycleStage: string; attributes: Record<string, unknown> }
  scores: { profile: { grade: string; points: number }; activity: { level: number; points: number } }
  personas: { slug: string; name: string; match: number; matches: boolean }[]
  /** The latest behaviour, newest first (machine opens and scanner clicks left out). */
  timeline: { eventId: string; type: string; occurredAt: string; properties: Record<string, unknown> }[]
  qualifiedBy: { campaign: { id: string; name: string } | null; eventId: string | null }
  rep: { name: string; email: string; routedBy: string | null } | null
  manager: { name: string; email: string } | null
}

const TIMELINE_LENGTH = 25

export async function loadDossier(sql: Sql, handoverId: string): Promise<LeadDossier | null> {
  const h = await handoverForDossier(sql, handoverId)
  if (!h) return null
  const events = await sql<{ id: string; type: string; occurred_at: Date; properties: Record<string, unknown> }[]>`
    select id, type, occurred_at, properties from events where contact_id = ${h.contact_id} and not suspected_machine
    order by occurred_at desc limit ${TIMELINE_LENGTH}`
  const personas = await sql<{ slug: string; name: string; match_percent: number; threshold: number }[]>`
    select p.slug, p.name, cp.match_percent, p.threshold from contact_personas cp join personas p on p.id = cp.persona_id
    where cp.contact_id = ${h.contact_id} order by cp.match_percent desc`
  const [score] = await sql<{ profile_points: string; activity_points: string; scored_at: Date }[]>`
    select profile_points, activity_points, scored_at from contact_scores where contact_id = ${h.contact_id}`
  // Activity as of now: the stored points decayed since they were scored (see engine/scoring/compute.ts).
  const { model } = await currentScoringModel(sql, h.account_id)
  const scoredEvents = await sql<{ type: string; properties: Record<string, unknown>; occurred_at: Date }[]>`
    select type, properties, occurred_at from events where contact_id = ${h.contact_id} and not suspected_machine`
  const activity = activityPoints(model, scoredEvents.map((e) => ({ type: e.type, properties: e.properties, occurredAt: e.occurred_at })), new Date())
  const profile = Number(score?.profile_points ?? 0)
  return {
    type: 'lead.handover',
    handoverId: h.id,
    qualification: h.qualification,
    accountId: h.account_id,
    handedOverAt: h.created_at.toISOString(),
    cell: h.cell ?? cellOf(profileGrade(model, profile), activityLevel(model, activity)),
    source: h.source,
    contact: {
      id: h.contact_id,
      email: h.email,
      firstName: h.first_name,
      lastName: h.last_name,
      company: h.company,
      subsidiary: h.subsidiary_code,
      locale: h.locale ?? h.subsidiary_locale,
      lifecycleStage: h.lifecycle_stage,
      attributes: h.attributes,
    },
    scores: { profile: { grade: profileGrade(model, profile), points: profile }, activity: { level: activityLevel(model, activity), points: activity } },
    personas: personas.map((p) => ({ slug: p.slug, name: p.name, match: p.match_percent, matches: p.match_percent >= p.threshold })),
    timeline: events.map((e) => ({ eventId: e.id, type: e.type, occurredAt: e.occurred_at.toISOString(), properties: e.properties })),
    qualifiedBy: { campaign: h.campaign_id ? { id: h.campaign_id, name: h.campaign_name } : null, eventId: h.event_id },
    rep: h.rep_email ? { name: h.rep_name, email: h.rep_email, routedBy: h.routed_by } : null,
    manager: h.manager_email ? { name: h.manager_name, email: h.manager_email } : null,
  }
}
