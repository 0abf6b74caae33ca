import type { Sql, TransactionSql } from 'postgres'

/** The `opportunities` table's owner: revenue from the CRM sync, the API and CSV imports. */
export interface OpportunityRow {
  id: string
  account_id: string
  subsidiary_id: string
  contact_id: string | null
  company: string | null
  name: string
  amount_net: string
  production_cost: string | null
  products: string[]
  stage: 'open' | 'won' | 'lost'
  crm_stage: string | null
  created_on: Date
  closed_on: Date | null
  source: 'crm' | 'api' | 'csv'
  source_id: string | null
  created_at: Date
  updated_at: Date
}

export interface OpportunityInput {
  accountId: string
  subsidiaryId: string
  contactId: string | null
  company?: string | null
  name: string
  amountNet: number
  productionCost?: number | null
  products?: string[]
  stage: 'open' | 'won' | 'lost'
  crmStage?: string | null
  createdOn?: Date
  closedOn?: Date | null
  source: 'crm' | 'api' | 'csv'
  sourceId?: string | null
}

/**
 * Inserts an opportunity, or updates the one with the same source id (a second sync or import of the same
 * CRM record changes it rather than adding revenue twice). Returns the row and whether it was new.
 */
export async function upsertOpportunity(sql: Sql | TransactionSql, input: OpportunityInput): Promise<{ row: OpportunityRow; created: boolean }> {
  const closedOn = input.stage === 'open' ? null : (input.closedOn ?? new Date())
  const values = {
    account_id: input.accountId,
    subsidiary_id: input.subsidiaryId,
    contact_id: input.contactId,
    company: input.company ?? null,
    name: input.name,
    amount_net: input.amountNet,
    production_cost: input.productionCost ?? null,
    products: sql.json(input.products ?? []),
    stage: input.stage,
    crm_stage: input.crmStage ?? null,
    created_on: input.createdOn ?? new Date(),
    closed_on: closedOn,
    source: input.source,
    source_id: input.sourceId ?? null,
  }
  if (!input.sourceId) {
    const [row] = await sql<OpportunityRow[]>`insert into opportunities ${sql(values)} returning *`
    return { row: row!, created: true }
  }
  // xmax = 0 only for a freshly inserted row: tells an insert from an update in one statement.
  const [row] = await sql<(OpportunityRow & { inserted: boolean })[]>`
    insert into opportunities ${sql(values)}
    on conflict (account_id, source, source_id) where source_id is not null do update set
      subsidiary_id = excluded.subsidiary_id, contact_id = excluded.contact_id, company = excluded.company,
      name = excluded.name, amount_net = excluded.amount_net, production_cost = excluded.production_cost,
      products = excluded.products, stage = excluded.stage, crm_stage = excluded.crm_stage,
      created_on = excluded.created_on, closed_on = excluded.closed_on, updated_at = now()
    returning *, (xmax = 0) as inserted`
  const { inserted, ...rest } = row!
  return { row: rest, created: inserted }
}

export async function opportunitiesOfContact(sql: Sql, accountId: string, contactId: string): Promise<OpportunityRow[]> {
  return sql<OpportunityRow[]>`
    select * from opportunities where account_id = ${accountId} and contact_id = ${contactId} order by created_on desc`
}

/** Production cost as a share of the net price, per product (for deals that name products but no cost of their own). */
export async function setProductCost(sql: Sql, accountId: string, product: string, costRatio: number): Promise<void> {
  await sql`
    insert into product_costs (account_id, product, cost_ratio) values (${accountId}, ${product}, ${costRatio})
    on conflict (account_id, product) do update set cost_ratio = excluded.cost_ratio`
}

export async function productCosts(sql: Sql, accountId: string): Promise<{ product: string; costRatio: number }[]> {
  const rows = await sql<{ product: string; cost_ratio: string }[]>`select product, cost_ratio from product_costs where account_id = ${accountId} order by product`
  return rows.map((row) => ({ product: row.product, costRatio: Number(row.cost_ratio) }))
}
