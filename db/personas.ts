import type { Fragment, ISql, Sql } from 'postgres'

// Personas (migration 009): an account's buyer profiles with their matching criteria; contact_personas
// holds each contact's match. Here the list with how many contacts the caller sees match each.

export interface PersonaWithMatchesRow {
  id: string
  slug: string
  name: string
  criteria: never
  threshold: number
  updated_at: Date
  /** Contacts the caller sees whose match reaches the threshold. */
  matching: number
}

/** The account's personas by slug; `visible` is the caller's view as a condition on `c` (db/segments.ts scopeCondition). */
export function personasWithMatches(sql: ISql, accountId: string, visible: Fragment) {
  return (sql as Sql)<PersonaWithMatchesRow[]>`
    select p.id, p.slug, p.name, p.criteria, p.threshold, p.updated_at,
      (select count(*)::int from contact_personas cp join contacts c on c.id = cp.contact_id
       where cp.persona_id = p.id and cp.match_percent >= p.threshold and ${visible}) as matching
    from personas p where p.account_id = ${accountId} order by p.slug`
}
