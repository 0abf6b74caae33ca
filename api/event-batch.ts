import { randomUUID } from 'node:crypto'
import type { Sql, TransactionSql } from 'postgres'
import type { z } from 'zod'
import { seesSubsidiary, type Caller } from './auth'
import type { eventInputSchema } from './contract/events'
import type { ApiError } from './errors'
import { lockContactsByEmail } from '../db/contact-intake'
import { lockClientIds, storeEventsWithContacts } from '../db/events'
import { apiKeyStillUsable } from '../db/api-keys'

type EventInput = z.output<typeof eventInputSchema>

export interface StoredEvent {
  eventId: string
  contactId: string
  contactCreated: boolean
  /** The event's id was seen before: this is the stored event, nothing new was stored or dispatched. */
  duplicate: boolean
}

export interface BatchOutcome {
  accepted: ({ index: number } & StoredEvent)[]
  /** Events refused for what they say (unknown subsidiary, another subsidiary's contact, an id reused). */
  refused: { index: number; error: ApiError }[]
}

/** The caller's API key, taken from requireCaller's cache, was revoked meanwhile: nothing of the batch is stored. */
export class ApiKeyRevoked extends Error {
  constructor() {
    super('the API key has been revoked')
  }
}

/**
 * Stores a batch of valid events in one transaction: the events' ids checked against earlier ones in one
 * query, the contacts found (locked in id order), created and updated in bulk, the events inserted in one
 * statement. The outcome is what storing them one by one in batch order would give (a contact's first
 * event creates it, later ones update it; an event refused for what it says costs the others nothing),
 * at a handful of round trips per batch instead of five per event. If the transaction fails nothing is
 * stored, and the caller answers every event as not stored (to be sent again).
 */
export async function storeEventBatch(sql: Sql, who: Caller, items: { index: number; input: EventInput }[]): Promise<BatchOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sql.begin((sql) => decideAndStore(sql, who, items))
    } catch (error) {
      // Two batches creating the same new contact (23505 on its address) or locking contacts in another order: decide again.
      const code = (error as { code?: string }).code
      const retry = code === '23505' || code === '40P01'
      if (!retry || attempt >= 5) throw error
    }
  }
}

interface ContactState {
  id: string
  code: string
  created: boolean
  fields: { first_name: string | null; last_name: string | null; salutation: string | null; company: string | null; locale: string | null; attributes: Record<string, unknown> }
  subsidiaryId?: string
  email: string
  touched: boolean
}

async function decideAndStore(sql: TransactionSql, who: Caller, items: { index: number; input: EventInput }[]): Promise<BatchOutcome> {
  const accepted: BatchOutcome['accepted'] = []
  const refused: BatchOutcome['refused'] = []
  const refuse = (index: number, error: ApiError) =>
    refused.push({ index, error: { ...error, field: `events.${index}.${error.field}`, message: `events.${index}.${error.message}` } })

  // One round trip for every read: the client-id locks, the events stored under those ids, the
  // subsidiaries and the contacts (locked) are pipelined on the transaction's connection. Postgres runs
  // them in this order and each statement takes its snapshot when it starts, so the lookup of earlier ids
  // sees whatever a concurrent resend committed before its lock was released, exactly as if awaited one
  // by one. Concurrent resends of one id serialise on its lock (taken in one order), so one stores it.
  // A caller whose API key came from requireCaller's cache has it confirmed last in the pipeline, before
  // anything is written: a revocation committed before then is seen, as the lookup per request saw it.
  const clientIds = [...new Set(items.flatMap(({ input }) => (input.id ? [input.id] : [])))].sort()
  const keys = [...new Set(items.map(({ input }) => input.contact.email.toLowerCase()))]
  const [earlierRows, subsidiaries, existing, key] = await Promise.all([
    clientIds.length ? lockClientIds(sql, who.acc, clientIds).then(([, rows]) => rows) : [],
    sql<{ id: string; code: string; is_headquarters: boolean }[]>`select id, code, is_headquarters from subsidiaries where account_id = ${who.acc}`,
    lockContactsByEmail(sql, who.acc, keys),
    who.keyUnconfirmed ? apiKeyStillUsable(sql, who.keyId!) : [{ usable: true }],
  ])
  if (!key[0]!.usable) throw new ApiKeyRevoked()
  const earlier = new Map<string, { id: string; contact_id: string; type: string; email: string; code: string }>()
  for (const row of earlierRows) earlier.set(row.client_id, { ...row, code: row.subsidiary_code })
  const contacts = new Map<string, ContactState>()
  for (const row of existing) {
    contacts.set(row.key, { id: row.id, code: row.subsidiary_code, created: false, email: row.email, touched: false, fields: { first_name: null, last_name: null, salutation: null, company: null, locale: null, attributes: {} } })
  }

  const events: { id: string; contact_id: string; type: string; properties: unknown; occurred_at: string; client_id: string | null }[] = []
  for (const { index, input } of items) {
    const { contact } = input
    if (input.id) {
      const before = earlier.get(input.id)
      if (before) {
        const same = before.type === input.type && before.email.toLowerCase() === contact.email.toLowerCase() && seesSubsidiary(who, before.code)
        if (same) accepted.push({ index, eventId: before.id, contactId: before.contact_id, contactCreated: false, duplicate: true })
        else refuse(index, { status: 409, code: 'conflict', field: 'id', message: `id: "${input.id}" already names a different event; give each event its own id` })
        continue
      }
    }
    const key = contact.email.toLowerCase()
    let state = contacts.get(key)
    let created = false
    if (!state) {
      const code = contact.subsidiary ?? (who.subs !== '*' && who.subs.length === 1 ? who.subs[0] : undefined)
      const subsidiary = code ? subsidiaries.find((s) => s.code === code) : subsidiaries.find((s) => s.is_headquarters)
      if (!subsidiary) {
        refuse(index, { status: 400, code: 'invalid_input', field: 'contact.subsidiary', message: `contact.subsidiary: no subsidiary "${code}" in this account` })
        continue
      }
      if (!seesSubsidiary(who, subsidiary.code)) {
        refuse(index, { status: 403, code: 'forbidden', field: 'contact.subsidiary', message: `contact.subsidiary: you may not add contacts to ${subsidiary.code}` })
        continue
      }
      state = { id: randomUUID(), code: subsidiary.code, subsidiaryId: subsidiary.id, created: true, email: contact.email, touched: true, fields: { first_name: null, last_name: null, salutation: null, company: null, locale: null, attributes: {} } }
      contacts.set(key, state)
      created = true
    } else {
      // Not "forbidden": a caller must not learn that a contact of another subsidiary exists.
      if (!seesSubsidiary(who, state.code)) {
        refuse(index, { status: 404, code: 'not_found', field: 'contact.email', message: 'contact.email: no contact with this address in your subsidiaries' })
        continue
      }
      if (contact.subsidiary && contact.subsidiary !== state.code) {
        refuse(index, {
          status: 409,
          code: 'conflict',
          field: 'contact.subsidiary',
          message: `contact.subsidiary: the contact belongs to ${state.code}; moving contacts between subsidiaries is not done through events`,
        })
        continue
      }
    }
    if (input.id) {
      // A later event of this batch with the same id is answered from this one.
      earlier.set(input.id, { id: '', contact_id: state.id, type: input.type, email: contact.email, code: state.code })
    }
    // Only the fields sent are changed, later events over earlier ones; attributes are merged.
    const f = state.fields
    f.first_name = contact.firstName ?? f.first_name
    f.last_name = contact.lastName ?? f.last_name
    f.salutation = contact.salutation ?? f.salutation
    f.company = contact.company ?? f.company
    f.locale = contact.locale ?? f.locale
    f.attributes = { ...f.attributes, ...(contact.attributes ?? {}) }
    state.touched = true
    const eventId = randomUUID()
    if (input.id) earlier.get(input.id)!.id = eventId
    events.push({ id: eventId, contact_id: state.id, type: input.type, properties: input.properties, occurred_at: input.occurredAt ?? new Date().toISOString(), client_id: input.id ?? null })
    accepted.push({ index, eventId, contactId: state.id, contactCreated: created, duplicate: false })
  }

  const touched = [...contacts.values()].filter((c) => c.touched)
  // New contacts in address order, so two batches creating the same ones wait on each other instead of deadlocking.
  const fresh = touched.filter((c) => c.created).sort((a, b) => (a.email.toLowerCase() < b.email.toLowerCase() ? -1 : 1))
  const known = touched.filter((c) => !c.created)
  if (events.length || known.length) {
    // Contacts created and updated and the events inserted in one statement (one round trip). A concurrent
    // batch that created one of the new addresses first makes it fail on the unique address (23505): the
    // transaction rolls back and the batch is decided again, now finding that contact.
    await storeEventsWithContacts(sql, who.acc, {
      fresh: fresh.map((c) => ({ id: c.id, subsidiary_id: c.subsidiaryId!, email: c.email, ...c.fields })),
      known: known.map((c) => ({ id: c.id, ...c.fields })),
      events,
    })
  }
  return { accepted, refused }
}
