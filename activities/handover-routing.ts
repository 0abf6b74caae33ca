import type { Sql } from 'postgres'
import { lockHandoverToRoute } from '../db/handovers'

export interface TerritoryRule {
  country: string
  postal_from: string
  postal_to: string
  rep_id: string
}

const normalise = (code: string) => code.replace(/\s+/g, '').toUpperCase()

/** Whether a postal code lies in from…to (inclusive). Codes of another length than the range's never match. */
export function postalCodeInRange(code: string, from: string, to: string): boolean {
  const c = normalise(code)
  const [f, t] = [normalise(from), normalise(to)]
  if (c.length !== f.length || c.length !== t.length) return false
  return c >= f && c <= t
}

/** The first territory rule for the country whose range holds the postal code. */
export function territoryRep(rules: TerritoryRule[], country: string, postalCode: string | null): string | null {
  if (!postalCode) return null
  return rules.find((rule) => rule.country === country && postalCodeInRange(postalCode, rule.postal_from, rule.postal_to))?.rep_id ?? null
}

/**
 * Picks the rep for a handover once: territory rules by country and postal code; no match, round robin
 * within the contact's subsidiary's team (the rep handed a lead longest ago). Idempotent: a handover
 * that has its rep keeps it. Returns the rep's id, or null when the subsidiary has no reps.
 */
export async function routeHandover(sql: Sql, handoverId: string): Promise<{ repId: string | null; routedBy: string | null }> {
  return sql.begin(async (sql) => {
    const handover = await lockHandoverToRoute(sql, handoverId)
    if (!handover) throw new Error(`handover ${handoverId} does not exist`)
    if (handover.rep_id) return { repId: handover.rep_id, routedBy: handover.routed_by }
    const attributes = handover.attributes
    const country = String(attributes.country ?? handover.subsidiary_code).toUpperCase()
    const postal = attributes.postal_code ?? attributes.postalCode ?? attributes.zip
    const rules = await sql<TerritoryRule[]>`
      select t.country, t.postal_from, t.postal_to, t.rep_id from territory_rules t join sales_reps r on r.id = t.rep_id
      where t.account_id = ${handover.account_id} and r.active order by t.postal_from`
    let repId = territoryRep(rules, country, postal === undefined || postal === null ? null : String(postal))
    let routedBy: 'territory' | 'round_robin' = 'territory'
    if (!repId) {
      routedBy = 'round_robin'
      const [next] = await sql<{ id: string }[]>`
        select id from sales_reps where subsidiary_id = ${handover.subsidiary_id} and active
        order by last_assigned_at nulls first, name limit 1 for update`
      repId = next?.id ?? null
    }
    if (!repId) return { repId: null, routedBy: null }
    await sql`update sales_reps set last_assigned_at = now() where id = ${repId}`
    await sql`update handovers set rep_id = ${repId}, routed_by = ${routedBy} where id = ${handoverId}`
    return { repId, routedBy }
  })
}
