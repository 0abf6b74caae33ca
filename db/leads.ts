import type { Fragment, ISql, Sql } from 'postgres'

// Leads: contacts with their stored score cell (contact_scores, kept by engine/scoring) as the scoring
// matrix shows them. `visible` is the caller's view as a condition on `c` (db/segments.ts scopeCondition,
// plus for a sales rep only the leads handed over to them).

/** A lead as the matrix lists it. */
export interface LeadRow {
  contact_id: string
  email: string
  first_name: string | null
  last_name: string | null
  company: string | null
  subsidiary: string
  profile_grade: string
  activity_level: number
  profile_points: string
  activity_points: string
  lifecycle_stage: string
  scored_at: Date
}

/** How many leads the caller sees in each cell ("A1" … "D4"). */
export function leadCountsByCell(sql: ISql, accountId: string, visible: Fragment) {
  return (sql as Sql)<{ cell: string; n: number }[]>`
    select cs.profile_grade || cs.activity_level as cell, count(*)::int as n
    from contact_scores cs join contacts c on c.id = cs.contact_id
    where cs.account_id = ${accountId} and ${visible} group by 1`
}

/** The leads of one cell, most active first. */
export function leadsInCell(sql: ISql, accountId: string, cell: string, visible: Fragment, limit: number) {
  return (sql as Sql)<LeadRow[]>`
    select c.id as contact_id, c.email, c.first_name, c.last_name, c.company, s.code as subsidiary, cs.profile_grade, cs.activity_level,
           cs.profile_points, cs.activity_points, c.lifecycle_stage, cs.scored_at
    from contact_scores cs join contacts c on c.id = cs.contact_id join subsidiaries s on s.id = c.subsidiary_id
    where cs.account_id = ${accountId} and cs.profile_grade = ${cell[0]!} and cs.activity_level = ${Number(cell[1])} and ${visible}
    order by cs.activity_points desc, c.email limit ${limit}`
}

/** One contact as a lead (score fields null when never scored) with its stage and when it got there; null when the caller does not see it. */
export async function leadOfContact(sql: ISql, accountId: string, contactId: string, visible: Fragment) {
  const [row] = await (sql as Sql)<(LeadRow & { lifecycle_stage_at: Date | null })[]>`
    select c.id as contact_id, c.email, c.first_name, c.last_name, c.company, s.code as subsidiary, cs.profile_grade, cs.activity_level,
           cs.profile_points, cs.activity_points, c.lifecycle_stage, c.lifecycle_stage_at, cs.scored_at
    from contacts c join subsidiaries s on s.id = c.subsidiary_id left join contact_scores cs on cs.contact_id = c.id
    where c.id = ${contactId} and c.account_id = ${accountId} and ${visible}`
  return row ?? null
}
