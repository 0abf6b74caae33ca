import type { Sql } from 'postgres'
import type { CampaignGraph, GraphIssue } from '../engine/campaign/graph'
import { validateForPublish } from '../engine/campaign/validate'
import { insertVersion } from './campaign-versions'

export interface PublishedVersion {
  id: string
  version: number
  publishedAt: Date
}

export type PublishResult = { ok: true; version: PublishedVersion } | { ok: false; reason: 'not_found' } | { ok: false; reason: 'invalid'; issues: GraphIssue[] }

/**
 * Publishes a campaign's draft as its next immutable version and makes it live. The graph stored is the
 * validated one, with every node config completed by its defaults, so what runs is what was checked.
 */
export async function publishCampaignDraft(
  sql: Sql,
  input: { accountId: string; campaignId: string; publishedBy: string; templateIds: ReadonlySet<string> },
): Promise<PublishResult> {
  const [campaign] = await sql<{ draft_graph: CampaignGraph }[]>`
    select draft_graph from campaigns where id = ${input.campaignId} and account_id = ${input.accountId}`
  if (!campaign) return { ok: false, reason: 'not_found' }
  // The attributes the account's contacts carry: what conditions, date waits and date triggers may name.
  const attributes = await sql<{ key: string }[]>`select distinct jsonb_object_keys(attributes) as key from contacts where account_id = ${input.accountId}`
  // The account's mail templates in the database are what the version will pin and send; the built-in
  // ids only count for an account whose templates were never loaded.
  const stored = await sql<{ key: string }[]>`select distinct key from template_versions where account_id = ${input.accountId} and kind = 'mail'`
  const templateIds = stored.length ? new Set(stored.map((row) => row.key)) : input.templateIds
  const checked = validateForPublish(campaign.draft_graph, { templateIds, attributes: new Set(attributes.map((row) => row.key)) })
  if (!checked.ok) return { ok: false, reason: 'invalid', issues: checked.issues }
  const version = await sql.begin(async (sql) => {
    // The row lock serialises two publishes of the same campaign, so version numbers never collide.
    await sql`select id from campaigns where id = ${input.campaignId} for update`
    const created = await insertVersion(sql, { accountId: input.accountId, campaignId: input.campaignId, graph: checked.graph, publishedBy: input.publishedBy })
    // A paused campaign stays paused: publishing a fix is what one does while paused, resuming is a separate act.
    await sql`update campaigns set live_version_id = ${created.id}, status = case when status = 'paused' then 'paused' else 'live' end where id = ${input.campaignId}`
    return created
  })
  return { ok: true, version: { id: version.id, version: version.version, publishedAt: version.published_at } }
}

/** A campaign as the list shows it, with the number of its live version (null before the first publish). */
export interface CampaignListRow {
  id: string
  name: string
  kind: 'nurture' | 'onboarding' | 'cross_sell' | 'upsell' | 'loyalty' | 'custom'
  status: 'draft' | 'live' | 'paused' | 'stopped'
  draft_updated_at: Date
  live_version: number | null
}

/** The account's campaigns in the order they were created. */
export function listCampaigns(sql: Sql, accountId: string) {
  return sql<CampaignListRow[]>`
    select c.id, c.name, c.kind, c.status, c.draft_updated_at, v.version as live_version
    from campaigns c left join campaign_versions v on v.id = c.live_version_id
    where c.account_id = ${accountId} order by c.created_at, c.name`
}
