import type { PendingQuery, Row, Sql } from 'postgres'
import type { AttributionModel } from '../reporting/attribution'

/**
 * Reads of the reporting aggregates (campaign_day_stats, funnel_day_stats, funnel_entries, revenue_day_stats,
 * attribution_day_stats, mail_stats_*; the triggers of migration 015 keep them current). Dashboards read only
 * these and the small cost table, never the raw touch or event tables.
 */

export interface ReportFilter {
  accountId: string
  /** Inclusive calendar days, YYYY-MM-DD. */
  from: string
  to: string
  /** Subsidiaries the caller sees ('*' all), narrowed by the subsidiary filter. */
  subsidiaryIds: string[] | '*'
  campaignId?: string
}

export const NO_CAMPAIGN = '00000000-0000-0000-0000-000000000000'

/**
 * A period split for the rollups: its whole calendar months (read from the monthly rows) and its ragged
 * edges before and after them (read from the daily rows). Days are YYYY-MM-DD, inclusive.
 */
export function monthSplit(from: string, to: string): { months: [string, string] | null; edges: [string, string][] } {
  const day = (d: Date) => d.toISOString().slice(0, 10)
  const start = new Date(`${from}T00:00:00Z`)
  const end = new Date(`${to}T00:00:00Z`)
  const firstFull = start.getUTCDate() === 1 ? start : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1))
  const endsMonth = new Date(end.getTime() + 86_400_000).getUTCDate() === 1
  const lastFull = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - (endsMonth ? 0 : 1), 1))
  if (firstFull > lastFull) return { months: null, edges: [[from, to]] }
  const edges: [string, string][] = []
  if (start < firstFull) edges.push([from, day(new Date(firstFull.getTime() - 86_400_000))])
  const afterLast = new Date(Date.UTC(lastFull.getUTCFullYear(), lastFull.getUTCMonth() + 1, 1))
  if (afterLast <= end) edges.push([day(afterLast), to])
  return { months: [day(firstFull), day(lastFull)], edges }
}

/** Rows of a monthly rollup for the period's whole months and of its daily table for the edges, as one union. */
function rolledUp(sql: Sql, f: ReportFilter, t: { monthly: string; daily: string; columns: string; where?: PendingQuery<Row[]> }) {
  const { months, edges } = monthSplit(f.from, f.to)
  const where = sql`account_id = ${f.accountId} ${scoped(sql, f)} ${ofCampaign(sql, f)} ${t.where ?? sql``}`
  const parts = [
    ...(months ? [sql`select ${sql.unsafe(t.columns)} from ${sql(t.monthly)} where month between ${months[0]} and ${months[1]} and ${where}`] : []),
    ...edges.map(([a, b]) => sql`select ${sql.unsafe(t.columns)} from ${sql(t.daily)} where day between ${a} and ${b} and ${where}`),
  ]
  return parts.reduce((all, part) => sql`${all} union all ${part}`)
}

const scoped = (sql: Sql, f: ReportFilter, column = 'subsidiary_id') =>
  f.subsidiaryIds === '*' ? sql`` : sql`and ${sql(column)} = any(${f.subsidiaryIds}::uuid[])`
const ofCampaign = (sql: Sql, f: ReportFilter, column = 'campaign_id') => (f.campaignId ? sql`and ${sql(column)} = ${f.campaignId}` : sql``)

export interface CampaignTotals {
  campaign_id: string
  cost: number
  leads: number
  mql: number
  sal: number
  rejected: number
  sql: number
  opportunity: number
  won: number
  revenue_cents: number
  production_cents: number
  won_attributed: number
}

/** Per campaign: cost, leads, funnel stages and revenue credited under `model`, all within the filter. */
export async function campaignTotals(sql: Sql, f: ReportFilter, model: AttributionModel): Promise<CampaignTotals[]> {
  const [costs, leads, funnel, revenue] = await Promise.all([
    sql<{ campaign_id: string; cost: number }[]>`
      select campaign_id, sum(amount)::float8 as cost from campaign_costs
      where account_id = ${f.accountId} and incurred_on between ${f.from} and ${f.to} ${scoped(sql, f)} ${ofCampaign(sql, f)} group by 1`,
    sql<{ campaign_id: string; leads: number }[]>`
      select campaign_id, sum(leads)::int as leads from (${rolledUp(sql, f, { monthly: 'campaign_month_stats', daily: 'campaign_day_stats', columns: 'campaign_id, leads' })}) u group by 1`,
    sql<{ campaign_id: string; stage: string; contacts: number }[]>`
      select campaign_id, stage, sum(contacts)::int as contacts from funnel_day_stats
      where account_id = ${f.accountId} and day between ${f.from} and ${f.to} ${scoped(sql, f)} ${ofCampaign(sql, f)} group by 1, 2`,
    sql<{ campaign_id: string; revenue_cents: number; production_cents: number; won: number }[]>`
      select campaign_id, sum(revenue_cents)::float8 as revenue_cents, sum(production_cents)::float8 as production_cents, sum(won)::float8 as won
      from attribution_day_stats
      where account_id = ${f.accountId} and model = ${model} and day between ${f.from} and ${f.to} ${scoped(sql, f)} ${ofCampaign(sql, f)} group by 1`,
  ])
  const rows = new Map<string, CampaignTotals>()
  const row = (id: string) => {
    let r = rows.get(id)
    if (!r) rows.set(id, (r = { campaign_id: id, cost: 0, leads: 0, mql: 0, sal: 0, rejected: 0, sql: 0, opportunity: 0, won: 0, revenue_cents: 0, production_cents: 0, won_attributed: 0 }))
    return r
  }
  for (const c of costs) row(c.campaign_id).cost = c.cost
  for (const l of leads) row(l.campaign_id).leads = l.leads
  for (const s of funnel) if (s.stage !== 'lost') (row(s.campaign_id) as unknown as Record<string, number>)[s.stage] = s.contacts
  for (const r of revenue) Object.assign(row(r.campaign_id), { revenue_cents: r.revenue_cents, production_cents: r.production_cents, won_attributed: r.won })
  return [...rows.values()]
}

/** Won revenue of all deals in the filter (touched or not): what the models' sums are compared with. */
export async function wonRevenue(sql: Sql, f: ReportFilter): Promise<{ won: number; revenue_cents: number; production_cents: number; production_unknown: number }> {
  const [row] = await sql<{ won: number; revenue_cents: number; production_cents: number; production_unknown: number }[]>`
    select coalesce(sum(won), 0)::int as won, coalesce(sum(revenue_cents), 0)::float8 as revenue_cents,
           coalesce(sum(production_cents), 0)::float8 as production_cents, coalesce(sum(production_unknown), 0)::int as production_unknown
    from revenue_day_stats where account_id = ${f.accountId} and day between ${f.from} and ${f.to} ${scoped(sql, f)}`
  return row!
}

/** Revenue credited per model and campaign (all models side by side). */
export async function revenueByModel(sql: Sql, f: ReportFilter): Promise<{ model: AttributionModel; campaign_id: string; revenue_cents: number; won: number }[]> {
  return sql`
    select model, campaign_id, sum(revenue_cents)::float8 as revenue_cents, sum(won)::float8 as won from attribution_day_stats
    where account_id = ${f.accountId} and day between ${f.from} and ${f.to} ${scoped(sql, f)} ${ofCampaign(sql, f)} group by 1, 2`
}

export async function attributionBacklog(sql: Sql, accountId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from attribution_pending p join opportunities o on o.id = p.opportunity_id where o.account_id = ${accountId}`
  return row!.n
}

export type Granularity = 'day' | 'week' | 'month'

/** Cost, MQL, won and credited revenue per period bucket. */
export async function trends(sql: Sql, f: ReportFilter, model: AttributionModel, granularity: Granularity) {
  const bucket = sql.unsafe(`date_trunc('${granularity}', day)::date`)
  const bucketOf = (column: string) => sql.unsafe(`date_trunc('${granularity}', ${column})::date`)
  const [costs, funnel, revenue, leads] = await Promise.all([
    sql<{ period: string; cost: number }[]>`
      select ${bucketOf('incurred_on')}::text as period, sum(amount)::float8 as cost from campaign_costs
      where account_id = ${f.accountId} and incurred_on between ${f.from} and ${f.to} ${scoped(sql, f)} ${ofCampaign(sql, f)} group by 1`,
    sql<{ period: string; stage: string; contacts: number }[]>`
      select ${bucket}::text as period, stage, sum(contacts)::int as contacts from funnel_day_stats
      where account_id = ${f.accountId} and day between ${f.from} and ${f.to} and stage in ('mql', 'sql', 'won') ${scoped(sql, f)} ${ofCampaign(sql, f)} group by 1, 2`,
    sql<{ period: string; revenue_cents: number }[]>`
      select ${bucket}::text as period, sum(revenue_cents)::float8 as revenue_cents from attribution_day_stats
      where account_id = ${f.accountId} and model = ${model} and day between ${f.from} and ${f.to} ${scoped(sql, f)} ${ofCampaign(sql, f)} group by 1`,
    // Without a campaign filter, the account's day figures (one row per subsidiary and day) instead of one per campaign.
    sql<{ period: string; leads: number; opens: number; clicks: number }[]>`
      select ${bucket}::text as period, sum(leads)::int as leads, sum(opens)::int as opens, sum(clicks)::int as clicks
      from ${sql(f.campaignId ? 'campaign_day_stats' : 'account_day_stats')}
      where account_id = ${f.accountId} and day between ${f.from} and ${f.to} ${scoped(sql, f)} ${ofCampaign(sql, f)} group by 1`,
  ])
  const periods = new Map<string, { period: string; cost: number; leads: number; mql: number; sql: number; won: number; revenue: number; opens: number; clicks: number }>()
  const at = (period: string) => {
    let p = periods.get(period)
    if (!p) periods.set(period, (p = { period, cost: 0, leads: 0, mql: 0, sql: 0, won: 0, revenue: 0, opens: 0, clicks: 0 }))
    return p
  }
  for (const c of costs) at(c.period).cost = c.cost
  for (const s of funnel) at(s.period)[s.stage as 'mql' | 'sql' | 'won'] = s.contacts
  for (const r of revenue) at(r.period).revenue = r.revenue_cents / 100
  for (const l of leads) Object.assign(at(l.period), { leads: l.leads, opens: l.opens, clicks: l.clicks })
  return [...periods.values()].sort((a, b) => (a.period < b.period ? -1 : 1))
}

/**
 * Sales-cycle lengths in days of the deals won in the filter: per campaign and in total the average and
 * median, and a histogram in weeks (MQL → won). The lengths are stored on the entry (migration 024_a): the
 * figures read funnel_entries_won_by_campaign already in campaign order (no sort before the per-campaign
 * medians), the histogram the period index, both index-only and at once.
 */
export async function salesCycles(sql: Sql, f: ReportFilter) {
  const where = sql`account_id = ${f.accountId} and won_at is not null and won_at >= ${f.from}::date and won_at < ${f.to}::date + 1 ${scoped(sql, f)} ${ofCampaign(sql, f)}`
  const [perCampaign, histogram] = await Promise.all([
    sql<{ campaign_id: string | null; is_total: number; won: number; mql_avg: number | null; mql_median: number | null; touch_avg: number | null; touch_median: number | null }[]>`
      select campaign_id, grouping(campaign_id)::int as is_total, count(*)::int as won,
        avg(mql_cycle_days) as mql_avg, percentile_cont(0.5) within group (order by mql_cycle_days) as mql_median,
        avg(touch_cycle_days) as touch_avg, percentile_cont(0.5) within group (order by touch_cycle_days) as touch_median
      from funnel_entries where ${where} group by rollup (campaign_id)`,
    sql<{ bucket: number; deals: number }[]>`
      select least(floor(mql_cycle_days / 7), 26)::int as bucket, count(*)::int as deals
      from funnel_entries where ${where} and mql_cycle_days is not null group by 1 order by 1`,
  ])
  return { perCampaign, histogram }
}

export interface MailFilter extends ReportFilter {
  template?: string
  mailKey?: string
}

const MAIL_SUMS = `sum(sent)::int as sent, sum(hard_bounces)::int as "hardBounces", sum(soft_bounces)::int as "softBounces",
  (sum(sent) - sum(hard_bounces) - sum(soft_bounces))::int as delivered,
  sum(opens)::int as opens, sum(unique_opens)::int as "uniqueOpens", sum(machine_opens)::int as "machineOpens",
  sum(clicks)::int as clicks, sum(unique_clicks)::int as "uniqueClicks", sum(machine_clicks)::int as "machineClicks",
  sum(unsubscribes)::int as unsubscribes, sum(complaints)::int as complaints, sum(conversions)::int as conversions`

/**
 * The mails of the period a page at a time, in mail order (keyset: after the previous page's last mail):
 * the page's mails are picked from the monthly rollup's index, then only their rows are summed (whole
 * months monthly, the edges daily). A mail with rows in an edge month but none in the period shows zeros.
 */
export async function mailTotals(sql: Sql, f: MailFilter & { after?: { mailKey: string; template: string }; limit: number }) {
  const filters = sql`${f.template ? sql`and template = ${f.template}` : sql``} ${f.mailKey ? sql`and mail_key = ${f.mailKey}` : sql``}`
  const page = await sql<{ mail_key: string; template: string }[]>`
    select distinct mail_key, template from mail_stats_monthly
    where account_id = ${f.accountId} and month between date_trunc('month', ${f.from}::date) and ${f.to}::date ${scoped(sql, f)} ${ofCampaign(sql, f)} ${filters}
      ${f.after ? sql`and (mail_key, template) > (${f.after.mailKey}, ${f.after.template})` : sql``}
    order by mail_key, template limit ${f.limit + 1}`
  const more = page.length > f.limit
  const mails = page.slice(0, f.limit)
  if (mails.length === 0) return { mails: [], next: null }
  const inPage = sql`and mail_key = any(${mails.map((m) => m.mail_key)}) and template = any(${mails.map((m) => m.template)})`
  const rows = await sql<Record<string, string | number | null>[]>`
    select mail_key as "mailKey", campaign_id as "campaignId", node_id as "nodeId", template, ${sql.unsafe(MAIL_SUMS)}
    from (${rolledUp(sql, f, { monthly: 'mail_stats_monthly', daily: 'mail_stats_daily', columns: '*', where: sql`${inPage} ${filters}` })}) u
    group by 1, 2, 3, 4 order by 1, 4`
  // A mail's rows all carry its mail_key and template: the pairs of the page, nothing from other pages.
  const wanted = new Set(mails.map((m) => `${m.mail_key} ${m.template}`))
  const last = mails.at(-1)!
  return { mails: rows.filter((r) => wanted.has(`${r.mailKey} ${r.template}`)), next: more ? `${last.mail_key} ${last.template}` : null }
}

/** A mail's figures over time: hourly for its first three days, then daily. */
export async function mailSeries(sql: Sql, accountId: string, mailKey: string, template: string, subsidiaryIds: string[] | '*') {
  const f = { subsidiaryIds } as ReportFilter
  const [first] = await sql<{ hour: Date | null }[]>`
    select min(hour) as hour from mail_stats_hourly where mail_key = ${mailKey} and template = ${template} and account_id = ${accountId} ${scoped(sql, f)}`
  if (!first?.hour) return []
  // Hourly for the first three days, to the end of that UTC day; daily from the next day on (no hours lost between).
  const hourlyUntil = new Date(first.hour.getTime() + 72 * 3_600_000)
  hourlyUntil.setUTCHours(24, 0, 0, 0)
  const columns = sql`sum(sent)::int as sent, sum(opens)::int as opens, sum(unique_opens)::int as "uniqueOpens", sum(machine_opens)::int as "machineOpens",
    sum(clicks)::int as clicks, sum(unique_clicks)::int as "uniqueClicks", sum(machine_clicks)::int as "machineClicks", (sum(hard_bounces) + sum(soft_bounces))::int as bounces,
    sum(unsubscribes)::int as unsubscribes, sum(complaints)::int as complaints, sum(conversions)::int as conversions`
  const [hourly, daily] = await Promise.all([
    sql`select 'hour' as resolution, hour as at, ${columns} from mail_stats_hourly
        where mail_key = ${mailKey} and template = ${template} and hour < ${hourlyUntil} ${scoped(sql, f)} group by hour order by hour`,
    sql`select 'day' as resolution, day::timestamptz as at, ${columns} from mail_stats_daily
        where mail_key = ${mailKey} and template = ${template} and day >= (${hourlyUntil}::timestamptz at time zone 'UTC')::date ${scoped(sql, f)} group by day order by day`,
  ])
  return [...hourly, ...daily]
}

export async function mailLinks(sql: Sql, accountId: string, mailKey: string, template: string) {
  return sql<{ url: string; clicks: number; uniqueClicks: number; machineClicks: number }[]>`
    select url, clicks, unique_clicks as "uniqueClicks", machine_clicks as "machineClicks" from mail_link_clicks
    where account_id = ${accountId} and mail_key = ${mailKey} and template = ${template} order by clicks desc, url`
}

/** Delivered / opened / clicked per send step of a campaign, for the canvas (all time). */
export async function stepStats(sql: Sql, accountId: string, campaignId: string, subsidiaryIds: string[] | '*') {
  const f = { subsidiaryIds } as ReportFilter
  return sql<{ nodeId: string; sent: number; delivered: number; uniqueOpens: number; uniqueClicks: number }[]>`
    select node_id as "nodeId", sum(sent)::int as sent, (sum(sent) - sum(hard_bounces) - sum(soft_bounces))::int as delivered,
      sum(unique_opens)::int as "uniqueOpens", sum(unique_clicks)::int as "uniqueClicks"
    from mail_stats_monthly where campaign_id = ${campaignId} and account_id = ${accountId} ${scoped(sql, f)} group by node_id`
}
