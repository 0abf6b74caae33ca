import type { ISql, Sql } from 'postgres'
import { updateKnownFromEvents, type EventContactFields } from './contact-intake'

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

/**
 * The account's events stored under these client ids: one lookup of the unique (account, client id) index
 * per id. Written as `e.client_id = any(ids)`, the plan Postgres caches for this statement could scan all
 * the account's ids and test each against the array instead. It did so whenever its statistics predated
 * the ids (the index looked empty): 150 ms per batch of 100 after 10,000 events (bench: ingestion, every
 * other run). The LIMIT keeps the lookup per id, whatever the statistics say.
 */
export function eventsByClientIds(sql: ISql, accountId: string, clientIds: string[]) {
  return (sql as Sql)<EarlierEventRow[]>`
    select earlier.* from unnest(${clientIds}::text[]) as k(client_id)
    cross join lateral (
      select e.id, e.contact_id, e.type, e.client_id, c.email, s.code as subsidiary_code
      from events e join contacts c on c.id = e.contact_id join subsidiaries s on s.id = c.subsidiary_id
      where e.account_id = ${accountId} and e.client_id = k.client_id
      limit 1) earlier`
}

/**
 * Takes the advisory locks of these client ids (in the order given) and then reads the events stored
 * under them: two statements pipelined, one round trip. Within a transaction only; the lookup starts after
 * the locks are held, so it sees what a concurrent holder of one of them committed.
 */
export function lockClientIds(sql: ISql, accountId: string, clientIds: string[]) {
  return Promise.all([
    // Sent at once (postgres.js sends a query when first awaited), so the locks go first in the pipeline.
    (sql as Sql)`select pg_advisory_xact_lock(hashtext(${accountId} || ':' || k)) from unnest(${clientIds}::text[]) with ordinality as t(k, n) order by n`.execute(),
    eventsByClientIds(sql, accountId, clientIds),
  ])
}

/** An event of a batch as the API decided it, with the id it minted. */
export interface NewEventRow {
  id: string
  contact_id: string
  type: string
  properties: unknown
  occurred_at: string
  client_id: string | null
}

/**
 * A batch's writes in one statement: new contacts inserted (no "on conflict": an address a concurrent
 * batch created first fails the statement with 23505, and the caller decides again), known ones take
 * the fields their events sent (only those sent; attributes merged), and the events inserted with
 * `received_at` a microsecond apart in batch order (the dispatcher hands a contact's events on in that
 * order). A known contact whose fields would not change is not written (updateKnownFromEvents). The
 * contacts belong to db/contacts.ts; they are written here because an event and its contact are stored
 * together.
 */
export async function storeEventsWithContacts(
  sql: ISql,
  accountId: string,
  batch: { fresh: (EventContactFields & { id: string; subsidiary_id: string; email: string })[]; known: (EventContactFields & { id: string })[]; events: NewEventRow[] },
): Promise<void> {
  const s = sql as Sql
  await s`
    with fresh as (
      insert into contacts (id, account_id, subsidiary_id, email, first_name, last_name, salutation, company, locale, attributes)
      select v.id, ${accountId}, v.subsidiary_id, v.email, v.first_name, v.last_name, v.salutation, v.company, v.locale, coalesce(v.attributes, '{}')
      from jsonb_to_recordset(${s.json(batch.fresh as never)}) as v(id uuid, subsidiary_id uuid, email text, first_name text, last_name text, salutation text, company text, locale text, attributes jsonb)
      returning id
    ), known as (
      ${updateKnownFromEvents(s, batch.known)}
      returning c.id
    )
    insert into events (id, account_id, contact_id, type, properties, occurred_at, received_at, source, client_id)
    select v.id, ${accountId}, v.contact_id, v.type, coalesce(v.properties, '{}'), v.occurred_at, now() + v.n * interval '1 microsecond', 'api', v.client_id
    from (select r.*, o.n from jsonb_array_elements(${s.json(batch.events as never)}) with ordinality as o(e, n),
          jsonb_to_record(o.e) as r(id uuid, contact_id uuid, type text, properties jsonb, occurred_at timestamptz, client_id text)) v`
}

/**
 * Records the enrolments' workflows an event was signalled to ahead of the dispatcher (the tracking route's
 * click), so the round that dispatches it signals only the others. Not once dispatched: the round is done.
 */
export async function markSignalledAhead(sql: ISql, eventId: string, workflowIds: string[]): Promise<void> {
  await (sql as Sql)`update events set signalled_workflow_ids = ${workflowIds}::text[] where id = ${eventId} and dispatched_at is null`
}
