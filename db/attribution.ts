import type { Sql, TransactionSql } from 'postgres'
import type { AttributionModel, AttributionSettings, CreditableTouch } from '../reporting/attribution'

/** Owner of attribution_settings, attribution_credits, attribution_day_stats, attribution_pending and attribution_jobs. */

export const DEFAULT_SETTINGS: AttributionSettings = { lookbackDays: 365, halfLifeDays: 7 }

export async function attributionSettings(sql: Sql | TransactionSql, accountId: string): Promise<AttributionSettings> {
  const [row] = await sql<{ lookback_days: number; half_life_days: string }[]>`
    select lookback_days, half_life_days from attribution_settings where account_id = ${accountId}`
  return row ? { lookbackDays: row.lookback_days, halfLifeDays: Number(row.half_life_days) } : DEFAULT_SETTINGS
}

export interface AttributionJobRow {
  id: string
  reason: string
  total: number
  done: number
  status: 'running' | 'done'
  created_at: Date
  finished_at: Date | null
}

/**
 * A recompute of every won deal of the account (after a change of the settings or of production costs):
 * the deals are queued with the job's id, so its progress is how many of them the refresher has done.
 */
export async function startRecompute(sql: Sql, accountId: string, reason: string, by: string, settings?: AttributionSettings): Promise<AttributionJobRow> {
  return sql.begin(async (sql) => {
    if (settings) {
      await sql`
        insert into attribution_settings (account_id, lookback_days, half_life_days, updated_by)
        values (${accountId}, ${settings.lookbackDays}, ${settings.halfLifeDays}, ${by})
        on conflict (account_id) do update set lookback_days = excluded.lookback_days, half_life_days = excluded.half_life_days,
          updated_by = excluded.updated_by, updated_at = now()`
    }
    // Production costs by product may have changed: the won revenue figures are rebuilt from the deals at once.
    await sql`delete from revenue_day_stats where account_id = ${accountId}`
    await sql`
      insert into revenue_day_stats (account_id, subsidiary_id, day, won, revenue_cents, production_cents, production_unknown)
      select account_id, subsidiary_id, (closed_on at time zone 'UTC')::date, count(*), sum(report_cents(amount_net)),
             sum(report_cents(report_production_cost(account_id, amount_net, production_cost, products))),
             count(*) filter (where report_production_cost(account_id, amount_net, production_cost, products) is null)
      from opportunities where account_id = ${accountId} and stage = 'won' group by 1, 2, 3`
    const [job] = await sql<AttributionJobRow[]>`
      insert into attribution_jobs (account_id, reason, created_by, total)
      select ${accountId}, ${reason}, ${by}, count(*) from opportunities where account_id = ${accountId} and stage = 'won'
      returning *`
    await sql`
      insert into attribution_pending (opportunity_id, job_id)
      select id, ${job!.id} from opportunities where account_id = ${accountId} and stage = 'won'
      on conflict (opportunity_id) do update set job_id = excluded.job_id`
    if (job!.total === 0) await sql`update attribution_jobs set status = 'done', finished_at = now() where id = ${job!.id}`
    return job!
  })
}

export async function attributionJob(sql: Sql, accountId: string, id: string): Promise<AttributionJobRow | undefined> {
  const [row] = await sql<AttributionJobRow[]>`select * from attribution_jobs where id = ${id} and account_id = ${accountId}`
  return row
}

export interface DealToAttribute {
  id: string
  account_id: string
  subsidiary_id: string
  contact_id: string | null
  stage: string
  closed_on: Date | null
  revenue_cents: number
  production_cents: number
  job_id: string | null
}

/** Takes up to `limit` queued deals (skipping those another refresher holds) inside the caller's transaction. */
export async function claimPending(sql: TransactionSql, limit: number): Promise<DealToAttribute[]> {
  const claimed = await sql<{ opportunity_id: string; job_id: string | null }[]>`
    delete from attribution_pending where opportunity_id in (
      select opportunity_id from attribution_pending order by queued_at limit ${limit} for update skip locked)
    returning opportunity_id, job_id`
  if (claimed.length === 0) return []
  const deals = await sql<Omit<DealToAttribute, 'job_id'>[]>`
    select id, account_id, subsidiary_id, contact_id, stage, closed_on, report_cents(amount_net)::float8 as revenue_cents,
           report_cents(report_production_cost(account_id, amount_net, production_cost, products))::float8 as production_cents
    from opportunities where id = any(${claimed.map((c) => c.opportunity_id)})`
  const jobs = new Map(claimed.map((c) => [c.opportunity_id, c.job_id]))
  // A deal deleted since it was queued only needs its old credits gone (the delete trigger did that).
  return deals.map((deal) => ({ ...deal, job_id: jobs.get(deal.id) ?? null }))
}

export async function touchesOf(sql: TransactionSql, contactIds: string[]): Promise<Map<string, CreditableTouch[]>> {
  const rows = contactIds.length
    ? await sql<{ contact_id: string; campaign_id: string; at: number; kind: string; machine: boolean; seq: number }[]>`
        select contact_id, campaign_id, (extract(epoch from occurred_at) * 1000)::float8 as at, kind, machine, id::float8 as seq
        from touches where contact_id = any(${contactIds})`
    : []
  const byContact = new Map<string, CreditableTouch[]>()
  for (const row of rows) {
    const list = byContact.get(row.contact_id) ?? []
    list.push({ campaignId: row.campaign_id, at: row.at, kind: row.kind, machine: row.machine, seq: row.seq })
    byContact.set(row.contact_id, list)
  }
  return byContact
}

export interface CreditRow {
  opportunity_id: string
  model: AttributionModel
  campaign_id: string
  account_id: string
  subsidiary_id: string
  day: string
  revenue_cents: number
  production_cents: number
  share: number
}

/** Replaces the credits of these deals, moving the daily sums by the difference. */
export async function replaceCredits(sql: TransactionSql, dealIds: string[], credits: CreditRow[]): Promise<void> {
  await sql`
    update attribution_day_stats d set revenue_cents = d.revenue_cents - c.revenue_cents, production_cents = d.production_cents - c.production_cents, won = d.won - c.share
    from (select model, campaign_id, subsidiary_id, day, sum(revenue_cents) as revenue_cents, sum(production_cents) as production_cents, sum(share) as share
          from attribution_credits where opportunity_id = any(${dealIds}) group by 1, 2, 3, 4) c
    where d.model = c.model and d.campaign_id = c.campaign_id and d.subsidiary_id = c.subsidiary_id and d.day = c.day`
  await sql`delete from attribution_credits where opportunity_id = any(${dealIds})`
  if (credits.length === 0) return
  for (let i = 0; i < credits.length; i += 5000) await sql`insert into attribution_credits ${sql(credits.slice(i, i + 5000))}`
  await sql`
    insert into attribution_day_stats as d (account_id, model, campaign_id, subsidiary_id, day, revenue_cents, production_cents, won)
    select account_id, model, campaign_id, subsidiary_id, day, sum(revenue_cents), sum(production_cents), sum(share)
    from attribution_credits where opportunity_id = any(${dealIds}) group by 1, 2, 3, 4, 5
    on conflict (model, campaign_id, subsidiary_id, day) do update set revenue_cents = d.revenue_cents + excluded.revenue_cents,
      production_cents = d.production_cents + excluded.production_cents, won = d.won + excluded.won`
}

export async function countJobProgress(sql: TransactionSql, done: Map<string, number>): Promise<void> {
  for (const [jobId, n] of done) {
    await sql`
      update attribution_jobs set done = least(total, done + ${n}),
        status = case when done + ${n} >= total then 'done' else 'running' end,
        finished_at = case when done + ${n} >= total then now() else null end
      where id = ${jobId}`
  }
}
