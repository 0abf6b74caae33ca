import { Router } from 'express'
import type { z } from 'zod'
import type { Sql } from 'postgres'
import { scopeCondition } from '../db/segments'
import { CELLS } from '../engine/scoring/model'
import { currentScoringModel } from '../engine/scoring/model-store'
import type { Caller } from './auth'
import type { LIFECYCLE_STAGES } from './contract/leads'
import { leadDetailSchema, leads } from './contract/leads'
import { route } from './contract/mount'
import { ownLeadsOnly } from './handovers'
import { recordAudit } from '../db/audit'
import { notFound } from './errors'

// The scoring matrix: leads by profile grade (A–D) and activity level (1–4), within the caller's
// subsidiaries. Counts read the stored cells (kept current by events, attribute changes, model changes
// and the daily decay pass).

interface LeadRow {
  contact_id: string
  email: string
  first_name: string | null
  last_name: string | null
  company: string | null
  subsidiary: string
  profile_grade: string
  activity_level: number
  profile_points: string
  activity_points: string
  lifecycle_stage: (typeof LIFECYCLE_STAGES)[number]
  scored_at: Date
}

const leadView = (r: LeadRow) => ({
  contactId: r.contact_id,
  email: r.email,
  name: [r.first_name, r.last_name].filter(Boolean).join(' '),
  company: r.company,
  subsidiary: r.subsidiary,
  cell: `${r.profile_grade}${r.activity_level}`,
  profilePoints: Number(r.profile_points),
  activityPoints: Number(r.activity_points),
  lifecycleStage: r.lifecycle_stage,
  scoredAt: r.scored_at,
})

async function leadsInCell(sql: Sql, who: Caller, cell: string, limit: number): Promise<LeadRow[]> {
  return sql<LeadRow[]>`
    select c.id as contact_id, c.email, c.first_name, c.last_name, c.company, s.code as subsidiary, cs.profile_grade, cs.activity_level,
           cs.profile_points, cs.activity_points, c.lifecycle_stage, cs.scored_at
    from contact_scores cs join contacts c on c.id = cs.contact_id join subsidiaries s on s.id = c.subsidiary_id
    where cs.account_id = ${who.acc} and cs.profile_grade = ${cell[0]!} and cs.activity_level = ${Number(cell[1])} and ${scopeCondition(sql, who.subs)} ${ownLeadsOnly(sql, who)}
    order by cs.activity_points desc, c.email limit ${limit}`
}

const csvField = (value: unknown) => {
  const text = value === null || value === undefined ? '' : String(value)
  // A leading = + - @ would be a formula in a spreadsheet: quoted with a leading apostrophe.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text
  return /[",\n;]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function leadRoutes(deps: { sql: Sql }): Router {
  const { sql } = deps
  const router = Router()

  route(router, leads.matrix, async ({ who }) => {
    const rows = await sql<{ cell: string; n: number }[]>`
      select cs.profile_grade || cs.activity_level as cell, count(*)::int as n
      from contact_scores cs join contacts c on c.id = cs.contact_id
      where cs.account_id = ${who.acc} and ${scopeCondition(sql, who.subs)} group by 1`
    const cells = Object.fromEntries(CELLS.map((cell) => [cell, 0])) as Record<string, number>
    for (const row of rows) cells[row.cell] = row.n
    const { model, version } = await currentScoringModel(sql, who.acc)
    return { status: 200, body: { cells, total: rows.reduce((sum, row) => sum + row.n, 0), handoverCells: model.handover.cells, modelVersion: version } }
  })

  route(router, leads.list, async ({ query, who }) => {
    const rows = await leadsInCell(sql, who, query.cell, query.limit)
    return { status: 200, body: { cell: query.cell, leads: rows.map(leadView) } }
  })

  route(router, leads.exportCsv, async ({ query, who, res }) => {
    const rows = (await leadsInCell(sql, who, query.cell, query.limit)).map(leadView)
    const header = ['email', 'name', 'company', 'subsidiary', 'cell', 'profilePoints', 'activityPoints', 'lifecycleStage']
    const lines = [header.join(','), ...rows.map((r) => header.map((key) => csvField(r[key as keyof typeof r])).join(','))]
    await recordAudit(sql, { accountId: who.acc, actor: who.sub, actorName: who.name, workspace: who.workspace, action: 'leads.exported', target: query.cell, details: { rows: rows.length } })
    res.type('text/csv').attachment(`leads-${query.cell}.csv`).send(`${lines.join('\r\n')}\r\n`)
    return undefined
  })

  route(router, leads.get, async ({ params, who }) => {
    const contactId = params.contactId
    type Detail = z.infer<typeof leadDetailSchema>
    const [row] = await sql<(LeadRow & { lifecycle_stage_at: Date | null })[]>`
      select c.id as contact_id, c.email, c.first_name, c.last_name, c.company, s.code as subsidiary, cs.profile_grade, cs.activity_level,
             cs.profile_points, cs.activity_points, c.lifecycle_stage, c.lifecycle_stage_at, cs.scored_at
      from contacts c join subsidiaries s on s.id = c.subsidiary_id left join contact_scores cs on cs.contact_id = c.id
      where c.id = ${contactId} and c.account_id = ${who.acc} and ${scopeCondition(sql, who.subs)} ${ownLeadsOnly(sql, who)}`
    if (!row) return notFound('contact')
    const personas = await sql<Detail['personas']>`
      select p.slug, p.name, cp.match_percent as "match", cp.match_percent >= p.threshold as matches
      from contact_personas cp join personas p on p.id = cp.persona_id where cp.contact_id = ${contactId} order by p.slug`
    const changes = await sql<Detail['scoreChanges']>`
      select cause, event_id as "eventId", model_version as "modelVersion", profile_before as "profileBefore", profile_after as "profileAfter",
             activity_before as "activityBefore", activity_after as "activityAfter", profile_points::float as "profilePoints",
             activity_points::float as "activityPoints", changed_at as "changedAt"
      from score_changes where contact_id = ${contactId} order by changed_at desc, id desc limit 100`
    const handovers = await sql<Detail['handovers']>`
      select id, qualification, cell, status, source, created_at as "createdAt", decided_at as "decidedAt", decision_reason as "reason"
      from handovers where contact_id = ${contactId} order by qualification`
    const lifecycle = await sql<Detail['lifecycle']>`select stage, reason, changed_by as "changedBy", changed_at as "changedAt" from lifecycle_changes where contact_id = ${contactId} order by changed_at, id`
    return { status: 200, body: { lead: row.profile_grade ? leadView(row) : null, lifecycleStage: row.lifecycle_stage, lifecycleStageAt: row.lifecycle_stage_at, personas, scoreChanges: changes, handovers, lifecycle } }
  })

  return router
}
