import type { Sql } from 'postgres'
import type { AttributionModel } from '../reporting/attribution'
import { NO_CAMPAIGN, type ReportFilter } from './report-aggregates'

// The rows behind a report's figure (the drill-down and its CSV): the deals credited to campaigns
// (attribution_credits with opportunities), the contacts first touched by a campaign (campaign_contacts)
// and the contacts that reached a funnel stage (funnel_entries), with what they are now.

const ofSubsidiaries = (sql: Sql, f: ReportFilter) => (f.subsidiaryIds === '*' ? sql`` : sql`and c.subsidiary_id = any(${f.subsidiaryIds}::uuid[])`)

/** Deals credited in the period under an attribution model, latest closed first (camel-case, as the API answers). */
export function creditedDeals(sql: Sql, f: ReportFilter, model: AttributionModel, limit: number) {
  return sql<Record<string, any>[]>`
    select o.id, o.name, o.company, c.email, o.amount_net::float8 as "amountNet", o.production_cost::float8 as "productionCost", o.closed_on as "closedOn",
           a.campaign_id as "campaignId", (a.revenue_cents / 100.0)::float8 as credited, a.share::float8 as share
    from attribution_credits a join opportunities o on o.id = a.opportunity_id left join contacts c on c.id = o.contact_id
    where a.account_id = ${f.accountId} and a.model = ${model} and a.day between ${f.from} and ${f.to}
      ${f.subsidiaryIds === '*' ? sql`` : sql`and a.subsidiary_id = any(${f.subsidiaryIds}::uuid[])`} ${f.campaignId ? sql`and a.campaign_id = ${f.campaignId}` : sql``}
    order by o.closed_on desc limit ${limit}`
}

/** Contacts a campaign first touched in the period, latest first. */
export function firstTouchedContacts(sql: Sql, f: ReportFilter, limit: number) {
  return sql<Record<string, any>[]>`
    select c.id, c.email, c.first_name as "firstName", c.last_name as "lastName", c.company, c.lifecycle_stage as "stage", k.campaign_id as "campaignId", k.first_touch_at as at
    from campaign_contacts k join contacts c on c.id = k.contact_id
    where c.account_id = ${f.accountId} and k.first_touch_at >= ${f.from}::date and k.first_touch_at < ${f.to}::date + 1 ${ofSubsidiaries(sql, f)}
      ${f.campaignId ? sql`and k.campaign_id = ${f.campaignId}` : sql``}
    order by k.first_touch_at desc limit ${limit}`
}

/** The funnel stages whose entries can be listed. */
export type FunnelStage = 'mql' | 'sal' | 'rejected' | 'sql' | 'opportunity' | 'won'

/** Contacts that reached a funnel stage in the period (NO_CAMPAIGN: those no campaign brought), latest first. */
export function contactsReachingStage(sql: Sql, f: ReportFilter, stage: FunnelStage, limit: number) {
  const at = sql(`${stage}_at`)
  return sql<Record<string, any>[]>`
    select c.id, c.email, c.first_name as "firstName", c.last_name as "lastName", c.company, c.lifecycle_stage as "stage", e.campaign_id as "campaignId", e.${at} as at
    from funnel_entries e join contacts c on c.id = e.contact_id
    where e.account_id = ${f.accountId} and e.${at} >= ${f.from}::date and e.${at} < ${f.to}::date + 1 ${ofSubsidiaries(sql, f)}
      ${f.campaignId ? (f.campaignId === NO_CAMPAIGN ? sql`and e.campaign_id is null` : sql`and e.campaign_id = ${f.campaignId}`) : sql``}
    order by at desc limit ${limit}`
}
