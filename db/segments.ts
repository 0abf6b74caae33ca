import type { Fragment, ISql, Sql } from 'postgres'
import type { ContactRule } from '../engine/nodes/contact-rules'
import type { SegmentFilter } from '../engine/segment-filter'

// Segments in SQL: the filter becomes a condition on `contacts c` (tagged-template fragments, every value
// a parameter), and membership is kept as snapshots (segment_members: entered_at/left_at), so "starts
// matching" means "matches now and had no open membership at the previous refresh". Each rule means here
// exactly what ruleHolds (engine/nodes/contact-rules.ts) says it means for a condition step; the segment
// integration test compares the two on the same contacts.

// asNumber's "250" and 250 (contact-rules.ts): numbers in text form count as numbers.
const NUMBER = '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$'

function attributeRule(sql: ISql, rule: Extract<ContactRule, { kind: 'attribute' }>): Fragment {
  const json = sql`(c.attributes -> ${rule.attribute})`
  const text = sql`(c.attributes ->> ${rule.attribute})`
  // CASE rather than AND: Postgres may evaluate AND's operands in any order, and casting "n/a" to numeric fails the query.
  const numberIs = (operator: Fragment, value: number) => sql`case when ${text} ~ ${NUMBER} then trim(${text})::numeric ${operator} ${value} else false end`
  const equals = (value: string | number | boolean) =>
    typeof value === 'number' ? numberIs(sql`=`, value) : sql`coalesce(${text} <> '' and ${text} = ${String(value)}, false)`
  const { value } = rule
  switch (rule.operator) {
    case 'exists':
      return sql`coalesce(${text}, '') <> ''`
    case 'not_exists':
      return sql`coalesce(${text}, '') = ''`
    case 'equals':
      return value === undefined ? sql`false` : equals(value)
    case 'not_equals':
      return value === undefined ? sql`false` : sql`not (${equals(value)})`
    case 'greater_than':
      return typeof value === 'number' ? numberIs(sql`>`, value) : sql`false`
    case 'less_than':
      return typeof value === 'number' ? numberIs(sql`<`, value) : sql`false`
    case 'contains':
      if (typeof value !== 'string') return sql`false`
      // A search: case-insensitive within text; on a list, an element equal to it.
      return sql`case jsonb_typeof(${json})
        when 'string' then strpos(lower(${text}), lower(${value})) > 0
        when 'array' then exists (select 1 from jsonb_array_elements_text(${json}) element where lower(element) = lower(${value}))
        else false end`
  }
}

function ruleCondition(sql: ISql, rule: ContactRule): Fragment {
  switch (rule.kind) {
    case 'attribute':
      return attributeRule(sql, rule)
    case 'tag':
      return rule.operator === 'has' ? sql`${rule.tag} = any(c.tags)` : sql`not (${rule.tag} = any(c.tags))`
    case 'consent':
      return rule.operator === 'is' ? sql`c.consent_status = ${rule.status}` : sql`c.consent_status <> ${rule.status}`
    case 'subsidiary': {
      const inCodes = sql`exists (select 1 from subsidiaries fs where fs.id = c.subsidiary_id and fs.code = any(${rule.codes}::text[]))`
      return rule.operator === 'is' ? inCodes : sql`not ${inCodes}`
    }
    case 'persona': {
      // The same as facts.personas in a condition step: the stored match reaches the persona's threshold.
      const matches = sql`exists (select 1 from contact_personas cp join personas p on p.id = cp.persona_id
        where cp.contact_id = c.id and p.account_id = c.account_id and p.slug = ${rule.persona} and cp.match_percent >= p.threshold)`
      return rule.operator === 'matches' ? matches : sql`not ${matches}`
    }
    case 'score': {
      // As facts.cell: a contact never scored is in no cell.
      const inCells = sql`exists (select 1 from contact_scores cs where cs.contact_id = c.id and cs.profile_grade || cs.activity_level = any(${rule.cells}::text[]))`
      return rule.operator === 'in' ? inCells : sql`not ${inCells}`
    }
    default:
      // Saving a segment refuses planned rule kinds (segmentFilterIssues); one stored anyway matches nobody.
      return sql`false`
  }
}

/** The filter as a condition on `contacts c` (with any query function: a transaction's too). */
export function segmentCondition(sql: ISql, filter: SegmentFilter): Fragment {
  const [first, ...rest] = filter.rules.map((rule) => ruleCondition(sql, rule))
  if (!first) return sql`true`
  const joiner = filter.match === 'all' ? sql`and` : sql`or`
  return rest.reduce((all, part) => sql`${all} ${joiner} (${part})`, sql`(${first})`)
}

/** Which subsidiaries' contacts a caller may see: all ("*") or the listed codes. */
export type SubsidiaryScope = readonly string[] | '*'

export function scopeCondition(sql: ISql, scope: SubsidiaryScope): Fragment {
  if (scope === '*') return sql`true`
  return sql`exists (select 1 from subsidiaries ss where ss.id = c.subsidiary_id and ss.code = any(${[...scope]}::text[]))`
}

/** How many contacts match the filter right now, among those the caller sees. */
export async function countSegmentMatches(sql: Sql, accountId: string, filter: SegmentFilter, scope: SubsidiaryScope): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from contacts c
    where c.account_id = ${accountId} and (${segmentCondition(sql, filter)}) and ${scopeCondition(sql, scope)}`
  return row!.n
}

export interface SegmentRow {
  id: string
  account_id: string
  name: string
  filter: SegmentFilter
  refreshed_at: Date | null
}

/**
 * Brings the segment's membership snapshot up to date: members who no longer match leave (left_at), new
 * matches enter (entered_at = now). The first refresh records the members as `initial`: they were in it
 * from the start, so they never "entered". Serialised per segment (advisory lock), so two campaigns that
 * scan the same segment at once do not record one entry twice. Returns the changes, or null without a segment.
 */
export async function refreshSegmentMembers(sql: Sql, segmentId: string): Promise<{ entered: number; left: number } | null> {
  return sql.begin(async (sql) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`segment:${segmentId}`}, 0))`
    const [segment] = await sql<SegmentRow[]>`select id, account_id, name, filter, refreshed_at from segments where id = ${segmentId}`
    if (!segment) return null
    const matches = segmentCondition(sql, segment.filter)
    const left = await sql`
      update segment_members m set left_at = now()
      where m.segment_id = ${segmentId} and m.left_at is null
        and not exists (select 1 from contacts c where c.id = m.contact_id and (${matches}))`
    // Open memberships are skipped by the partial unique index, not by a `not exists` anti-join: on a
    // freshly filled table (no statistics yet) the planner ran that anti-join as a nested loop that
    // re-read every row this very statement had inserted, quadratic in the members (33 s at 10,000).
    const entered = await sql`
      insert into segment_members (account_id, segment_id, contact_id, entered_at, initial)
      select ${segment.account_id}, ${segmentId}, c.id, now(), ${segment.refreshed_at === null}
      from contacts c
      where c.account_id = ${segment.account_id} and (${matches})
      on conflict (segment_id, contact_id) where left_at is null do nothing`
    await sql`update segments set refreshed_at = now() where id = ${segmentId}`
    return { entered: entered.count, left: left.count }
  })
}

/** One segment of the account (the contacts list filters by it), or null. */
export async function segmentById(sql: ISql, accountId: string, segmentId: string): Promise<SegmentRow | null> {
  const [row] = await sql<SegmentRow[]>`select id, account_id, name, filter, refreshed_at from segments where id = ${segmentId} and account_id = ${accountId}`
  return row ?? null
}
