import type { ISql, Sql } from 'postgres'
import type { CampaignGraph } from '../engine/campaign/graph'

// Published campaign versions (campaign_versions): immutable graphs with the template versions pinned at
// publish. This module owns the table; the engine, activities and routes read graphs through the three
// readers below (a version's graph, the live version a campaign takes entries into, the draft and live
// graph side by side) instead of their own SQL.

export interface CampaignVersionRow {
  id: string
  account_id: string
  campaign_id: string
  version: number
  graph: CampaignGraph
  published_at: Date
  published_by: string | null
  /** "kind:key" → template version, pinned at publish. */
  template_pins: Record<string, number> | null
}

/** The graph of one published version (immutable, so callers may cache it by id). Throws when it does not exist. */
export async function versionGraph(sql: ISql, versionId: string, accountId?: string): Promise<CampaignGraph> {
  const [row] = await (sql as Sql)<{ graph: CampaignGraph }[]>`
    select graph from campaign_versions where id = ${versionId} ${accountId ? sql`and account_id = ${accountId}` : sql``}`
  if (!row) throw new Error(`campaign version ${versionId} does not exist`)
  return row.graph
}

/** The live version of a campaign that takes entries (live or paused; not once stopped), or null. */
export async function enteringVersion(sql: ISql, accountId: string, campaignId: string): Promise<{ versionId: string; graph: CampaignGraph } | null> {
  const [row] = await (sql as Sql)<{ version_id: string; graph: CampaignGraph }[]>`
    select v.id as version_id, v.graph from campaigns c join campaign_versions v on v.id = c.live_version_id
    where c.id = ${campaignId} and c.account_id = ${accountId} and c.status in ('live', 'paused')`
  return row ? { versionId: row.version_id, graph: row.graph } : null
}

/** A campaign's draft and live graph side by side (null live graph: never published), or null when it does not exist. */
export async function campaignGraphs(
  sql: ISql,
  accountId: string,
  campaignId: string,
): Promise<{ status: string; draftGraph: CampaignGraph; liveGraph: CampaignGraph | null; templatePins: Record<string, number> | null } | null> {
  const [row] = await (sql as Sql)<{ status: string; draft_graph: CampaignGraph; live_graph: CampaignGraph | null; template_pins: Record<string, number> | null }[]>`
    select c.status, c.draft_graph, v.graph as live_graph, v.template_pins from campaigns c left join campaign_versions v on v.id = c.live_version_id
    where c.id = ${campaignId} and c.account_id = ${accountId}`
  return row ? { status: row.status, draftGraph: row.draft_graph, liveGraph: row.live_graph, templatePins: row.template_pins } : null
}

/** Every live or paused campaign with its live graph (schedules are brought in line from these). */
export const runningCampaignGraphs = (sql: Sql) =>
  sql<{ account_id: string; id: string; status: string; graph: CampaignGraph }[]>`
    select c.account_id, c.id, c.status, v.graph from campaigns c join campaign_versions v on v.id = c.live_version_id
    where c.status in ('live', 'paused')`

/** A campaign's versions, newest first. */
export const listVersions = (sql: Sql, campaignId: string) =>
  sql<Pick<CampaignVersionRow, 'id' | 'version' | 'published_at' | 'published_by'>[]>`
    select id, version, published_at, published_by from campaign_versions where campaign_id = ${campaignId} order by version desc`

/** One version by its number, with whether it is the live one. */
export async function versionByNumber(sql: Sql, accountId: string, campaignId: string, version: number) {
  const [row] = await sql<(Pick<CampaignVersionRow, 'id' | 'version' | 'published_at' | 'published_by' | 'graph'> & { live: boolean })[]>`
    select v.id, v.version, v.published_at, v.published_by, v.graph, (c.live_version_id = v.id) as live
    from campaign_versions v join campaigns c on c.id = v.campaign_id
    where v.campaign_id = ${campaignId} and c.account_id = ${accountId} and v.version = ${version}`
  return row ?? null
}

const segmentTrigger = (segmentId: string) => ({ nodes: [{ type: 'trigger', config: { kind: 'segment', segmentId } }] })

/** Names of the live or paused campaigns whose live version starts from a segment. */
export const campaignsStartedBySegment = (sql: Sql, accountId: string, segmentId: string) =>
  sql<{ name: string }[]>`
    select c.name from campaigns c join campaign_versions v on v.id = c.live_version_id
    where c.account_id = ${accountId} and c.status in ('live', 'paused') and v.graph @> ${sql.json(segmentTrigger(segmentId))}`

/** Since when a campaign has watched a segment: the first publish of a version starting from it (null: none). */
export async function watchingSegmentSince(sql: Sql, campaignId: string, segmentId: string): Promise<Date | null> {
  const [row] = await sql<{ since: Date | null }[]>`
    select min(published_at) as since from campaign_versions where campaign_id = ${campaignId} and graph @> ${sql.json(segmentTrigger(segmentId))}`
  return row?.since ?? null
}

/** Publishes the next version of a campaign (the caller holds the campaign's row lock), pinning the newest template versions. */
export async function insertVersion(sql: ISql, input: { accountId: string; campaignId: string; graph: CampaignGraph; publishedBy: string | null }) {
  const [created] = await (sql as Sql)<{ id: string; version: number; published_at: Date }[]>`
    insert into campaign_versions (account_id, campaign_id, version, graph, published_by, template_pins)
    select ${input.accountId}, ${input.campaignId}, coalesce(max(version), 0) + 1, ${(sql as Sql).json(input.graph as never)}, ${input.publishedBy},
           -- Pins the newest version of every template: a later template edit does not change what this version sends.
           (select jsonb_object_agg(kind || ':' || key, version) from (
              select kind, key, max(version) as version from template_versions where account_id = ${input.accountId} group by kind, key) newest)
    from campaign_versions where campaign_id = ${input.campaignId}
    returning id, version, published_at`
  return created!
}
