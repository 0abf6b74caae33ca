import type { ISql, Sql } from 'postgres'

// Pages of an account's contacts in id order, as the trigger scan walks them (activities/trigger-scan.ts):
// date triggers look at an attribute, inactivity triggers at the last event of some types. The table is
// owned by db/contacts.ts.

/** A contact as a scheduled trigger judges it: attributes and time zones (its own, its subsidiary's). */
export interface ScannedContactRow {
  id: string
  attributes: Record<string, unknown>
  time_zone: string | null
  subsidiary_time_zone: string | null
  /** The last event of the trigger's types, or when the contact was created (inactivity triggers only). */
  last_active_at?: Date
}

/** The next page of contacts (after the id `after`) that have the attribute. */
export function contactsWithAttribute(sql: ISql, input: { accountId: string; attribute: string; after: string; limit: number }) {
  return (sql as Sql)<ScannedContactRow[]>`
    select c.id, c.attributes, c.time_zone, s.time_zone as subsidiary_time_zone
    from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.account_id = ${input.accountId} and c.attributes ? ${input.attribute} and c.id > ${input.after}
    order by c.id limit ${input.limit}`
}

/** The next page of contacts (after the id `after`), each with when it was last active in one of these event types. */
export function contactsWithLastActivity(sql: ISql, input: { accountId: string; eventTypes: string[]; after: string; limit: number }) {
  return (sql as Sql)<ScannedContactRow[]>`
    select c.id, c.attributes, c.time_zone, s.time_zone as subsidiary_time_zone,
           coalesce((select max(e.occurred_at) from events e where e.contact_id = c.id and e.type = any(${input.eventTypes}::text[])), c.created_at) as last_active_at
    from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.account_id = ${input.accountId} and c.id > ${input.after}
    order by c.id limit ${input.limit}`
}
