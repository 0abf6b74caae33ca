import type { Sql, TransactionSql } from 'postgres'

/**
 * What a fair brought and cost (GET /api/fairs/:id/figures): counts from its captures and meetings, the
 * deals of its visitors since it began, won revenue as reporting credits it to the fair's campaign
 * (linear model), and that campaign's cost items. Reads only; each table is written by its own module.
 */
type Tx = Sql | TransactionSql

export interface FairFigureRow {
  visitors: number
  leads: number
  booked: number
  held: number
  consents: number
  handovers: number
  opportunities: number
  pipeline: number
  wonRevenue: number
  costs: number
}

export async function fairFigures(sql: Tx, fair: { id: string; account_id: string; campaign_id: string; starts_on: string; time_zone: string }): Promise<FairFigureRow> {
  const [f] = await sql<{ visitors: number; leads: number; booked: number; held: number; consents: number; handovers: number }[]>`
    select (select count(*)::int from fair_captures where fair_id = ${fair.id}) as visitors,
           (select count(*)::int from fair_captures where fair_id = ${fair.id} and source = 'form') as leads,
           (select count(*)::int from fair_meetings where fair_id = ${fair.id}) as booked,
           (select count(*)::int from fair_meetings where fair_id = ${fair.id} and held_at is not null) as held,
           (select count(*)::int from fair_captures where fair_id = ${fair.id} and consent is not null) as consents,
           (select count(*)::int from fair_captures where fair_id = ${fair.id} and handover_id is not null) as handovers`
  // Deals with the fair's visitors since the fair began (midnight at the fair, not in UTC); won revenue as reporting attributes it to the fair's campaign.
  const [o] = await sql<{ opportunities: number; pipeline: string }[]>`
    select count(*)::int as opportunities, coalesce(sum(o.amount_net) filter (where o.stage = 'open'), 0) as pipeline
    from opportunities o where o.account_id = ${fair.account_id} and o.created_on >= (${fair.starts_on}::date::timestamp at time zone ${fair.time_zone})
      and o.contact_id in (select contact_id from fair_captures where fair_id = ${fair.id})`
  const [credited] = await sql<{ cents: string }[]>`
    select coalesce(sum(revenue_cents), 0) as cents from attribution_credits where campaign_id = ${fair.campaign_id} and model = 'linear'`
  const [cost] = await sql<{ amount: string }[]>`select coalesce(sum(amount), 0) as amount from campaign_costs where campaign_id = ${fair.campaign_id}`
  return { ...f!, opportunities: o!.opportunities, pipeline: Number(o!.pipeline), wonRevenue: Number(credited!.cents) / 100, costs: Number(cost!.amount) }
}
