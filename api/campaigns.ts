import { Router, type Request, type Response } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import type { Client } from '@temporalio/client'
import { publishCampaignDraft } from '../db/campaigns'
import { syncCampaignScheduleFromDb } from '../engine/entry-client'
import { countActive } from '../engine/lifecycle'
import { parseDraftGraph } from '../engine/campaign/validate'
import type { TemplateRenderer } from '../templates/renderer'
import { authorsCampaigns, caller } from './auth'
import { invalidInput, notFound, send, type ApiError } from './errors'
import { int4Param } from './input-guard'

const CAMPAIGN_KINDS = ['nurture', 'onboarding', 'cross_sell', 'upsell', 'loyalty', 'custom'] as const
const campaignId = z.uuid()
const newCampaign = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(CAMPAIGN_KINDS).default('custom'),
  graph: z.unknown().optional(),
})
const draftBody = z.strictObject({ graph: z.unknown() })

const mayAuthor = (req: Request, res: Response): boolean => {
  if (authorsCampaigns(caller(req))) return true
  send(res, { status: 403, code: 'forbidden', message: 'only HQ marketers edit and publish campaigns' })
  return false
}

function graphError(issues: ApiError['issues'] & object, code = 'graph_invalid'): ApiError {
  const first = issues[0]!
  return { status: 400, code, message: first.message, field: first.field, nodeId: first.nodeId, issues }
}

/** Campaign drafts, publishing and versions. Everything is scoped to the caller's account. */
export function campaignRoutes(deps: { sql: Sql; renderer: TemplateRenderer; client: Client; taskQueue: string; scanEvery: string }): Router {
  const { sql } = deps
  const router = Router()

  router.get('/campaigns', async (req, res) => {
    const rows = await sql`
      select c.id, c.name, c.kind, c.status, c.draft_updated_at, v.version as live_version
      from campaigns c left join campaign_versions v on v.id = c.live_version_id
      where c.account_id = ${caller(req).acc} order by c.created_at, c.name`
    res.json({
      campaigns: rows.map((row) => ({ id: row.id, name: row.name, kind: row.kind, status: row.status, liveVersion: row.live_version ?? null, draftUpdatedAt: row.draft_updated_at })),
    })
  })

  router.get('/campaigns/:id', async (req, res) => {
    const id = campaignId.safeParse(req.params.id)
    if (!id.success) return send(res, notFound('campaign'))
    const [campaign] = await sql`select * from campaigns where id = ${id.data} and account_id = ${caller(req).acc}`
    if (!campaign) return send(res, notFound('campaign'))
    const versions = await sql`
      select id, version, published_at, published_by from campaign_versions where campaign_id = ${id.data} order by version desc`
    const live = versions.find((version) => version.id === campaign.live_version_id)
    res.json({
      id: campaign.id,
      name: campaign.name,
      kind: campaign.kind,
      status: campaign.status,
      draft: campaign.draft_graph,
      draftUpdatedAt: campaign.draft_updated_at,
      liveVersion: live ? { id: live.id, version: live.version, publishedAt: live.published_at } : null,
      activeEnrolments: await countActive(sql, id.data),
      versions: versions.map((v) => ({ id: v.id, version: v.version, publishedAt: v.published_at, publishedBy: v.published_by })),
    })
  })

  // One published version, read-only: the designer's version history opens it and may start a draft from it.
  router.get('/campaigns/:id/versions/:version', async (req, res) => {
    const id = campaignId.safeParse(req.params.id)
    if (!id.success) return send(res, notFound('campaign'))
    const version = int4Param().positive().safeParse(req.params.version)
    if (!version.success) return send(res, invalidInput(version.error, 'version'))
    const [row] = await sql`
      select v.id, v.version, v.published_at, v.published_by, v.graph, (c.live_version_id = v.id) as live
      from campaign_versions v join campaigns c on c.id = v.campaign_id
      where v.campaign_id = ${id.data} and c.account_id = ${caller(req).acc} and v.version = ${version.data}`
    if (!row) return send(res, notFound('version'))
    res.json({ id: row.id, version: row.version, publishedAt: row.published_at, publishedBy: row.published_by, live: row.live === true, graph: row.graph })
  })

  router.post('/campaigns', async (req, res) => {
    if (!mayAuthor(req, res)) return
    const parsed = newCampaign.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const graph = parseDraftGraph(parsed.data.graph ?? { nodes: [], edges: [] })
    if (!graph.ok) return send(res, graphError(graph.issues, 'invalid_input'))
    const [created] = await sql<{ id: string }[]>`
      insert into campaigns (account_id, name, kind, draft_graph)
      values (${caller(req).acc}, ${parsed.data.name}, ${parsed.data.kind}, ${sql.json(graph.graph as never)})
      returning id`
    res.status(201).json({ id: created!.id })
  })

  router.put('/campaigns/:id/draft', async (req, res) => {
    if (!mayAuthor(req, res)) return
    const id = campaignId.safeParse(req.params.id)
    if (!id.success) return send(res, notFound('campaign'))
    const body = draftBody.safeParse(req.body)
    if (!body.success) return send(res, invalidInput(body.error))
    const graph = parseDraftGraph(body.data.graph)
    if (!graph.ok) return send(res, graphError(graph.issues, 'invalid_input'))
    const [updated] = await sql<{ draft_updated_at: Date }[]>`
      update campaigns set draft_graph = ${sql.json(graph.graph as never)}, draft_updated_at = now()
      where id = ${id.data} and account_id = ${caller(req).acc}
      returning draft_updated_at`
    if (!updated) return send(res, notFound('campaign'))
    res.json({ draftUpdatedAt: updated.draft_updated_at })
  })

  router.post('/campaigns/:id/publish', async (req, res) => {
    if (!mayAuthor(req, res)) return
    const id = campaignId.safeParse(req.params.id)
    if (!id.success) return send(res, notFound('campaign'))
    const result = await publishCampaignDraft(sql, {
      accountId: caller(req).acc,
      campaignId: id.data,
      publishedBy: caller(req).sub,
      templateIds: new Set(deps.renderer.templateIds()),
    })
    if (!result.ok) return send(res, result.reason === 'not_found' ? notFound('campaign') : graphError(result.issues))
    const { version } = result
    // A date, inactivity or segment trigger scans on a schedule that follows the live version.
    await syncCampaignScheduleFromDb(sql, deps.client, { accountId: caller(req).acc, campaignId: id.data }, { taskQueue: deps.taskQueue, every: deps.scanEvery })
    res.status(201).json({ version: { id: version.id, version: version.version, publishedAt: version.publishedAt } })
  })

  return router
}
