import type { ISql, Sql } from 'postgres'

// Events (the table of migration 001): what contacts did, as the API, tracking and forms stored it. Here
// the reads the events API needs to answer a resent event (one the client sent before under its own id).

/** An event stored earlier under a client's id, with its contact's address and subsidiary. */
export interface EarlierEventRow {
  id: string
  contact_id: string
  type: string
  client_id: string
  email: string
  subsidiary_code: string
}

/** The account's events stored under these client ids. */
export function eventsByClientIds(sql: ISql, accountId: string, clientIds: string[]) {
  return (sql as Sql)<EarlierEventRow[]>`
    select e.id, e.contact_id, e.type, e.client_id, c.email, s.code as subsidiary_code
    from events e join contacts c on c.id = e.contact_id join subsidiaries s on s.id = c.subsidiary_id
    where e.account_id = ${accountId} and e.client_id = any(${clientIds}::text[])`
}
