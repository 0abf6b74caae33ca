import type { Sql, TransactionSql } from 'postgres'

/** Owner of campaign_costs and campaign_budgets: what campaigns cost, item by item, and what was planned. */

export const COST_CATEGORIES = ['concept', 'content', 'agency', 'software_licence', 'ad_placement', 'mailing_lists', 'fair', 'discounts'] as const
export type CostCategory = (typeof COST_CATEGORIES)[number]

export interface CostItemInput {
  campaignId: string
  subsidiaryId: string
  category: CostCategory
  amount: number
  incurredOn: string
  note?: string | null
}

export interface CostItemRow {
  id: string
  campaign_id: string
  subsidiary_code: string
  category: CostCategory
  amount: string
  incurred_on: string
  note: string | null
  source: string
  created_by: string
  created_at: Date
}

/** Stores cost items in the caller's transaction (an import stores all of its rows, or none). */
export async function insertCostItems(sql: Sql | TransactionSql, accountId: string, items: CostItemInput[], source: 'api' | 'csv' | 'seed', by: string): Promise<string[]> {
  if (items.length === 0) return []
  const rows = items.map((item) => ({
    account_id: accountId, campaign_id: item.campaignId, subsidiary_id: item.subsidiaryId, category: item.category, amount: item.amount,
    incurred_on: item.incurredOn, note: item.note ?? null, source, created_by: by,
  }))
  const ids: string[] = []
  for (let i = 0; i < rows.length; i += 2000) {
    const inserted = await sql<{ id: string }[]>`insert into campaign_costs ${sql(rows.slice(i, i + 2000))} returning id`
    ids.push(...inserted.map((row) => row.id))
  }
  return ids
}

export async function costItemsOfCampaign(sql: Sql, accountId: string, campaignId: string, subsidiaryIds: string[] | '*'): Promise<CostItemRow[]> {
  return sql<CostItemRow[]>`
    select k.id, k.campaign_id, s.code as subsidiary_code, k.category, k.amount, k.incurred_on::text, k.note, k.source, k.created_by, k.created_at
    from campaign_costs k join subsidiaries s on s.id = k.subsidiary_id
    where k.account_id = ${accountId} and k.campaign_id = ${campaignId} ${subsidiaryIds === '*' ? sql`` : sql`and k.subsidiary_id = any(${subsidiaryIds})`}
    order by k.incurred_on, k.created_at`
}

export async function deleteCostItem(sql: Sql, accountId: string, id: string, subsidiaryIds: string[] | '*'): Promise<boolean> {
  const deleted = await sql`
    delete from campaign_costs where id = ${id} and account_id = ${accountId} ${subsidiaryIds === '*' ? sql`` : sql`and subsidiary_id = any(${subsidiaryIds})`}
    returning id`
  return deleted.length > 0
}

export async function setBudget(sql: Sql, accountId: string, campaignId: string, amount: number, by: string): Promise<void> {
  await sql`
    insert into campaign_budgets (campaign_id, account_id, amount, updated_by) values (${campaignId}, ${accountId}, ${amount}, ${by})
    on conflict (campaign_id) do update set amount = excluded.amount, updated_by = excluded.updated_by, updated_at = now()`
}

export async function budgetOf(sql: Sql, campaignId: string): Promise<number | null> {
  const [row] = await sql<{ amount: string }[]>`select amount from campaign_budgets where campaign_id = ${campaignId}`
  return row ? Number(row.amount) : null
}
