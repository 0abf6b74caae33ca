import { Router } from 'express'
import type { Sql } from 'postgres'
import type { Client } from '@temporalio/client'
import { listCampaigns, publishCampaignDraft } from '../db/campaigns'
import { syncCampaignScheduleFromDb } from '../engine/entry-client'
import { countActive } from '../engine/lifecycle'
import { parseDraftGraph } from '../engine/campaign/validate'
import type { TemplateRenderer } from '../templates/renderer'
import { campaigns } from './contract/campaigns'
import { route } from './contract/mount'
import { notFound, type ApiError } from './errors'
import { listVersions, versionByNumber } from '../db/campaign-versions'

function graphError(issues: ApiError['issues'] & object, code = 'graph_invalid'): ApiError {
  const first = issues[0]!
  return { status: 400, code, message: first.message, field: first.field, nodeId: first.nodeId, issues }
}

/** Campaign drafts, publishing and versions (contract: api/contract/campaigns.ts). Everything is scoped to the caller's account. */
export function campaignRoutes(deps: { sql: Sql; renderer: TemplateRenderer; client: Client; taskQueue: string; scanEvery: string }): Router {
  const { sql } = deps
  const router = Router()

  route(router, campaigns.list, async ({ who }) => {
    const rows = await listCampaigns(sql, who.acc)
    return {
      status: 200,
      body: { campaigns: rows.map((row) => ({ id: row.id, name: row.name, kind: row.kind, status: row.status, liveVersion: row.live_version ?? null, draftUpdatedAt: row.draft_updated_at })) },
    }
  })

  route(router, campaigns.get, async ({ params, who }) => {
    const [campaign] = await sql`select * from campaigns where id = ${params.id} and account_id = ${who.acc}`
    if (!campaign) return notFound('campaign')
    const versions = await listVersions(sql, params.id)
    const live = versions.find((version) => version.id === campaign.live_version_id)
    return {
      status: 200,
      body: {
        id: campaign.id,
        name: campaign.name,
        kind: campaign.kind,
        status: campaign.status,
        draft: campaign.draft_graph,
        draftUpdatedAt: campaign.draft_updated_at,
        liveVersion: live ? { id: live.id, version: live.version, publishedAt: live.published_at } : null,
        activeEnrolments: await countActive(sql, params.id),
        versions: versions.map((v) => ({ id: v.id, version: v.version, publishedAt: v.published_at, publishedBy: v.published_by })),
      },
    }
  })

  // One published version, read-only: the designer's version history opens it and may start a draft from it.
  route(router, campaigns.version, async ({ params, who }) => {
    const row = await versionByNumber(sql, who.acc, params.id, params.version)
    if (!row) return notFound('version')
    return { status: 200, body: { id: row.id, version: row.version, publishedAt: row.published_at, publishedBy: row.published_by, live: row.live === true, graph: row.graph } }
  })

  route(router, campaigns.create, async ({ body, who }) => {
    const graph = parseDraftGraph(body.graph ?? { nodes: [], edges: [] })
    if (!graph.ok) return graphError(graph.issues, 'invalid_input')
    const [created] = await sql<{ id: string }[]>`
      insert into campaigns (account_id, name, kind, draft_graph)
      values (${who.acc}, ${body.name}, ${body.kind}, ${sql.json(graph.graph as never)})
      returning id`
    return { status: 201, body: { id: created!.id } }
  })

  route(router, campaigns.saveDraft, async ({ params, body, who }) => {
    const graph = parseDraftGraph(body.graph)
    if (!graph.ok) return graphError(graph.issues, 'invalid_input')
    const [updated] = await sql<{ draft_updated_at: Date }[]>`
      update campaigns set draft_graph = ${sql.json(graph.graph as never)}, draft_updated_at = now()
      where id = ${params.id} and account_id = ${who.acc}
      returning draft_updated_at`
    if (!updated) return notFound('campaign')
    return { status: 200, body: { draftUpdatedAt: updated.draft_updated_at } }
  })

  route(router, campaigns.publish, async ({ params, who }) => {
    const result = await publishCampaignDraft(sql, {
      accountId: who.acc,
      campaignId: params.id,
      publishedBy: who.sub,
      templateIds: new Set(deps.renderer.templateIds()),
    })
    if (!result.ok) return result.reason === 'not_found' ? notFound('campaign') : graphError(result.issues)
    const { version } = result
    // A date, inactivity or segment trigger scans on a schedule that follows the live version.
    await syncCampaignScheduleFromDb(sql, deps.client, { accountId: who.acc, campaignId: params.id }, { taskQueue: deps.taskQueue, every: deps.scanEvery })
    return { status: 201, body: { version: { id: version.id, version: version.version, publishedAt: version.publishedAt } } }
  })

  return router
}
