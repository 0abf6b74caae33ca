import { randomUUID } from 'node:crypto'
import { Router, type Request, type Response } from 'express'
import type { Sql, TransactionSql } from 'postgres'
import type { z } from 'zod'
import type { EventDispatcher } from '../engine/dispatcher'
import { caller, seesSubsidiary, UNUSABLE_KEY, type Caller } from './auth'
import { apiKeyStillUsable } from '../db/api-keys'
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/availability'
import { insertEventContacts, lockContactsByEmail, updateFromEvents, type EventContactFields } from '../db/contact-intake'
import { eventsByClientIds } from '../db/events'
import { eventInputSchema, events, MAX_BATCH } from './contract/events'
import { route } from './contract/mount'
import { ApiKeyRevoked, storeEventBatch, type StoredEvent } from './event-batch'
import { fromSegment } from './segment'
import { databaseUnavailable, invalidInput, send, type ApiError } from './errors'

// Re-exported for the modules that take them from here.
export { LOCALES, MAX_BATCH } from './contract/events'
const eventInput = eventInputSchema

type EventInput = z.output<typeof eventInput>

interface Rejected {
  index: number
  status: ApiError['status'] | 500 | 503
  code: string
  field: string
  message: string
}

/**
 * The requests of these routes may take their API key from requireCaller's cache (AuthDeps
 * `keyConfirmedByRoute`): a batch confirms the key among its transaction's reads, at no round trip of its
 * own; a single event, and an answer that stores nothing, confirm it with a lookup as requireCaller would.
 */
export const confirmsApiKeyItself = (req: Request) => req.method === 'POST' && EVENT_PATHS.has(req.path)
const EVENT_PATHS = new Set<string>([events.send.path, events.segmentTrack.path, events.segmentIdentify.path, events.segmentBatch.path])

/** Whether the caller's key, taken from requireCaller's cache, has been revoked since (a lookup of its own). */
async function keyRevoked(sql: Sql, who: Caller): Promise<boolean> {
  return who.keyUnconfirmed === true && !(await apiKeyStillUsable(sql, who.keyId!))[0]!.usable
}

/**
 * POST /api/events: one event, or a batch {"events": [...]} of up to 500. A single event is stored (with
 * its contact) in its own transaction; a batch in one transaction, contacts and events in bulk, every
 * event that is invalid or refused for what it says left out so that it never costs the others. Events
 * are acknowledged only once committed; if a batch's transaction fails, none of it is stored and every
 * event is answered "send again" (503 while the database is away). A batch answers 202 when every
 * event was stored, 207 when some were rejected (each named by index, field and message) and 400 when
 * none was; `accepted` and `rejected` list them. An event with an `id` (or a single event with an
 * Idempotency-Key header) seen before is answered from the store, marked `duplicate` (a single one with
 * 200 instead of 202), and nothing is stored or dispatched again: a client may resend after any error.
 */
export function eventRoutes(deps: { sql: Sql; dispatcher: EventDispatcher; log?: (message: string) => void }): Router {
  const router = Router()
  const receive = async (req: Request, res: Response, raw: unknown) => {
    const segment = fromSegment(raw)
    if (segment && 'batch' in segment) return storeBatch(deps, req, res, segment.batch)
    const body = segment ? segment.single : raw
    if (body && typeof body === 'object' && !Array.isArray(body) && 'events' in body) return storeBatch(deps, req, res, (body as { events: unknown }).events)
    if (await keyRevoked(deps.sql, caller(req))) return send(res, UNUSABLE_KEY)
    const parsed = eventInput.safeParse(body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const header = req.header('idempotency-key')?.trim()
    if (header !== undefined && (header.length === 0 || header.length > 200)) return send(res, { status: 400, code: 'invalid_input', field: 'Idempotency-Key', message: 'Idempotency-Key: 1 to 200 characters' })
    if (header && parsed.data.id && header !== parsed.data.id) return send(res, { status: 400, code: 'invalid_input', field: 'Idempotency-Key', message: 'Idempotency-Key: differs from the event\'s id; send one of them' })
    const result = await storeEvent(deps.sql, caller(req), { ...parsed.data, id: parsed.data.id ?? header })
    if ('status' in result) return send(res, result)
    if (result.duplicate) return void res.status(200).json(result)
    deps.dispatcher.kick()
    res.status(202).json(result)
  }
  // The answers vary (single, batch, partial): the handler answers through res itself.
  route(router, events.send, async ({ req, res, body }) => void (await receive(req, res, body)))
  route(router, events.segmentTrack, async ({ req, res, body }) => void (await receive(req, res, body)))
  route(router, events.segmentIdentify, async ({ req, res, body }) => void (await receive(req, res, body)))
  route(router, events.segmentBatch, async ({ req, res, body }) => void (await receive(req, res, body)))
  return router
}

async function storeBatch(deps: { sql: Sql; dispatcher: EventDispatcher; log?: (message: string) => void }, req: Request, res: Response, events: unknown) {
  const who = caller(req)
  // An answer that stores nothing confirms a cached key first: a revoked key is told so, not what is wrong with the batch.
  const refuse = async (error: ApiError) => send(res, (await keyRevoked(deps.sql, who)) ? UNUSABLE_KEY : error)
  if (!Array.isArray(events)) return refuse({ status: 400, code: 'invalid_input', field: 'events', message: 'events: must be an array of events' })
  if (events.length === 0) return refuse({ status: 400, code: 'invalid_input', field: 'events', message: 'events: at least one event' })
  if (events.length > MAX_BATCH) return refuse({ status: 413, code: 'too_large', field: 'events', message: `events: at most ${MAX_BATCH} per batch (got ${events.length}); split the batch` })
  const rejected: Rejected[] = []
  const valid: { index: number; input: EventInput }[] = []
  for (const [index, raw] of events.entries()) {
    const parsed = eventInput.safeParse(raw)
    if (!parsed.success) {
      const error = invalidInput(parsed.error, `events.${index}`)
      rejected.push({ index, status: error.status, code: error.code, field: error.field!, message: error.message })
      continue
    }
    valid.push({ index, input: parsed.data })
  }
  if (!valid.length && (await keyRevoked(deps.sql, who))) return send(res, UNUSABLE_KEY)
  let accepted: ({ index: number } & StoredEvent)[] = []
  if (valid.length) {
    try {
      // One transaction for the whole batch (api/event-batch.ts): contacts upserted and events inserted in bulk.
      // The dispatcher hands on with fewer lanes meanwhile, so a burst of batches is stored first (engine/dispatcher.ts).
      const outcome = await deps.dispatcher.whileStoring(() => storeEventBatch(deps.sql, who, valid))
      accepted = outcome.accepted
      for (const { index, error } of outcome.refused) rejected.push({ index, status: error.status, code: error.code, field: error.field!, message: error.message })
    } catch (error) {
      if (error instanceof ApiKeyRevoked) return send(res, UNUSABLE_KEY)
      // Nothing of the batch was stored (the transaction rolled back): every valid event may be sent again.
      deps.log?.(`a batch of ${valid.length} events not stored: ${error}`)
      const unavailable = isDatabaseUnavailable(error)
      for (const { index } of valid) {
        if (unavailable) rejected.push({ index, status: 503, code: 'unavailable', field: `events.${index}`, message: `events.${index}: not stored, the database is unreachable; send it again in ${RETRY_AFTER_SECONDS} s` })
        else rejected.push({ index, status: 500, code: 'internal', field: `events.${index}`, message: `events.${index}: not stored because of an internal error; send it again` })
      }
    }
  }
  accepted.sort((a, b) => a.index - b.index)
  rejected.sort((a, b) => a.index - b.index)
  if (accepted.some((event) => !event.duplicate)) deps.dispatcher.kick()
  // Nothing stored because the database is away: the whole batch is worth sending again later.
  if (accepted.length === 0 && rejected.some((entry) => entry.status === 503)) return databaseUnavailable(res)
  const status = rejected.length === 0 ? 202 : accepted.length === 0 ? 400 : 207
  res.status(status).json({ accepted, rejected })
}

/** The event stored earlier under the client's id, answered again when it is the same event (type and contact). */
async function earlierEvent(sql: TransactionSql, who: ReturnType<typeof caller>, input: EventInput & { id: string }): Promise<ApiError | StoredEvent | null> {
  // Concurrent resends of one id serialise here, so exactly one of them stores the event.
  await sql`select pg_advisory_xact_lock(hashtext(${who.acc + ':' + input.id}))`
  const [earlier] = await eventsByClientIds(sql, who.acc, [input.id])
  if (!earlier) return null
  const same = earlier.type === input.type && earlier.email.toLowerCase() === input.contact.email.toLowerCase() && seesSubsidiary(who, earlier.subsidiary_code)
  if (!same) return { status: 409, code: 'conflict', field: 'id', message: `id: "${input.id}" already names a different event; give each event its own id` }
  return { eventId: earlier.id, contactId: earlier.contact_id, contactCreated: false, duplicate: true }
}

async function storeEvent(sql: Sql, who: ReturnType<typeof caller>, input: EventInput): Promise<ApiError | StoredEvent> {
  return sql.begin(async (sql) => {
    const { contact } = input
    if (input.id) {
      const earlier = await earlierEvent(sql, who, { ...input, id: input.id })
      if (earlier) return earlier
    }
    const findContact = async () => (await lockContactsByEmail(sql, who.acc, [contact.email.toLowerCase()]))[0]
    let existing = await findContact()
    let contactId: string | undefined
    if (!existing) {
      const code = contact.subsidiary ?? (who.subs !== '*' && who.subs.length === 1 ? who.subs[0] : undefined)
      const [subsidiary] = code
        ? await sql<{ id: string; code: string }[]>`select id, code from subsidiaries where account_id = ${who.acc} and code = ${code}`
        : await sql<{ id: string; code: string }[]>`select id, code from subsidiaries where account_id = ${who.acc} and is_headquarters`
      if (!subsidiary) return { status: 400, code: 'invalid_input', field: 'contact.subsidiary', message: `contact.subsidiary: no subsidiary "${code}" in this account` } as ApiError
      if (!seesSubsidiary(who, subsidiary.code)) return { status: 403, code: 'forbidden', field: 'contact.subsidiary', message: `contact.subsidiary: you may not add contacts to ${subsidiary.code}` } as ApiError
      // Concurrent first events for one new address: one insert creates the contact, the others wait
      // for it on the unique index and then take the contact it created (below), instead of failing.
      const [created] = await insertEventContacts(sql, who.acc, [{ id: randomUUID(), subsidiary_id: subsidiary.id, email: contact.email, ...sentFields(contact) }])
      if (created) contactId = created
      else existing = await findContact()
    }
    if (existing) {
      // Not "forbidden": a caller must not learn that a contact of another subsidiary exists.
      if (!seesSubsidiary(who, existing.subsidiary_code)) return { status: 404, code: 'not_found', field: 'contact.email', message: 'contact.email: no contact with this address in your subsidiaries' } as ApiError
      if (contact.subsidiary && contact.subsidiary !== existing.subsidiary_code) {
        return { status: 409, code: 'conflict', field: 'contact.subsidiary', message: `contact.subsidiary: the contact belongs to ${existing.subsidiary_code}; moving contacts between subsidiaries is not done through events` } as ApiError
      }
      // Only the fields sent are changed; attributes are merged, so nothing already known is lost.
      await updateFromEvents(sql, [{ id: existing.id, ...sentFields(contact) }])
      contactId = existing.id
    }
    if (!contactId) throw new Error(`contact ${contact.email} neither created nor found`)
    const [event] = await sql<{ id: string }[]>`
      insert into events (account_id, contact_id, type, properties, occurred_at, source, client_id)
      values (${who.acc}, ${contactId}, ${input.type}, ${sql.json(input.properties as Record<string, never>)},
              ${input.occurredAt ?? new Date().toISOString()}, ${'api'}, ${input.id ?? null})
      returning id`
    return { eventId: event!.id, contactId, contactCreated: !existing, duplicate: false }
  })
}

/** The contact fields an event sent (null: not sent, left as it is). */
function sentFields(contact: EventInput['contact']): EventContactFields {
  return {
    first_name: contact.firstName ?? null,
    last_name: contact.lastName ?? null,
    salutation: contact.salutation ?? null,
    company: contact.company ?? null,
    locale: contact.locale ?? null,
    attributes: contact.attributes ?? {},
  }
}
