import { Router } from 'express'
import type { z } from 'zod'
import type { Sql } from 'postgres'
import { leadCountsByCell, leadOfContact, leadsInCell, type LeadRow as StoredLead } from '../db/leads'
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

type LeadRow = StoredLead & { lifecycle_stage: (typeof LIFECYCLE_STAGES)[number] }

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

/** The caller's view of leads: their subsidiaries, and for a sales rep only the leads handed over to them. */
const visibleLeads = (sql: Sql, who: Caller) => sql`${scopeCondition(sql, who.subs)} ${ownLeadsOnly(sql, who)}`

const leadsOfCell = async (sql: Sql, who: Caller, cell: string, limit: number) => (await leadsInCell(sql, who.acc, cell, visibleLeads(sql, who), limit)) as LeadRow[]

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
    const rows = await leadCountsByCell(sql, who.acc, scopeCondition(sql, who.subs))
    const cells = Object.fromEntries(CELLS.map((cell) => [cell, 0])) as Record<string, number>
    for (const row of rows) cells[row.cell] = row.n
    const { model, version } = await currentScoringModel(sql, who.acc)
    return { status: 200, body: { cells, total: rows.reduce((sum, row) => sum + row.n, 0), handoverCells: model.handover.cells, modelVersion: version } }
  })

  route(router, leads.list, async ({ query, who }) => {
    const rows = await leadsOfCell(sql, who, query.cell, query.limit)
    return { status: 200, body: { cell: query.cell, leads: rows.map(leadView) } }
  })

  route(router, leads.exportCsv, async ({ query, who, res }) => {
    const rows = (await leadsOfCell(sql, who, query.cell, query.limit)).map(leadView)
    const header = ['email', 'name', 'company', 'subsidiary', 'cell', 'profilePoints', 'activityPoints', 'lifecycleStage']
    const lines = [header.join(','), ...rows.map((r) => header.map((key) => csvField(r[key as keyof typeof r])).join(','))]
    await recordAudit(sql, { accountId: who.acc, actor: who.sub, actorName: who.name, workspace: who.workspace, action: 'leads.exported', target: query.cell, details: { rows: rows.length } })
    res.type('text/csv').attachment(`leads-${query.cell}.csv`).send(`${lines.join('\r\n')}\r\n`)
    return undefined
  })

  route(router, leads.get, async ({ params, who }) => {
    const contactId = params.contactId
    type Detail = z.infer<typeof leadDetailSchema>
    const row = (await leadOfContact(sql, who.acc, contactId, visibleLeads(sql, who))) as (LeadRow & { lifecycle_stage_at: Date | null }) | null
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
