import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enrolmentWorkflowId } from '../../engine/client'
import { enrolmentStateQuery } from '../../engine/workflows/enrolment'
import { startTestSystem, type TestSystem } from '../helpers/system'

// A client that resends events after a network error (it cannot know whether the first try was stored)
// must not create a second event, a second enrolment or a second signal to a running enrolment.
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem()
})
afterAll(() => system?.stop())

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${system.baseUrl}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await system.token()}`, ...headers },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as any }
}

/** Every stored event handed to Temporal, so what a resend might have dispatched has happened. */
async function dispatched() {
  for (;;) {
    await system.dispatcher.dispatchPending()
    const [left] = await system.sql<{ n: number }[]>`select count(*)::int as n from events where dispatched_at is null`
    if (left!.n === 0) return
  }
}

async function trackedSignals(workflowId: string): Promise<string[]> {
  const history = await system.client.workflow.getHandle(workflowId).fetchHistory()
  return (history.events ?? [])
    .filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'trackedEvent')
    .map((event) => JSON.stringify(event.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0]?.data ? Buffer.from(event.workflowExecutionSignaledEventAttributes.input.payloads[0].data).toString() : ''))
}

describe('events API idempotency', () => {
  it('stores a batch sent twice once: same answer marked duplicate, one enrolment, one signal', async () => {
    const email = 'anna.schmidt@schmidt-pressen.example'
    // The webinar after the purchase (the dispatcher hands events on in the order they occurred), so it is
    // signalled to the onboarding enrolment the purchase starts.
    const at = Date.now()
    const batch = {
      events: [
        { id: 'shop-order-4711', type: 'purchase', contact: { email }, properties: { product: 'HydroStat 2000' }, occurredAt: new Date(at - 2000).toISOString() },
        { id: 'crm-webinar-88', type: 'webinar_attended', contact: { email }, properties: { webinar: 'Hydraulik 4.0' }, occurredAt: new Date(at - 1000).toISOString() },
      ],
    }
    const first = await post(batch)
    expect(first.status).toBe(202)
    expect(first.body.accepted.map((a: any) => a.duplicate)).toEqual([false, false])
    await dispatched()

    const again = await post(batch)
    expect(again.status).toBe(202)
    expect(again.body.accepted).toEqual(first.body.accepted.map((a: any) => ({ ...a, contactCreated: false, duplicate: true })))
    await dispatched()

    const [contact] = await system.sql<{ id: string }[]>`select id from contacts where email = ${email}`
    const events = await system.sql`select client_id from events where contact_id = ${contact!.id} order by client_id`
    expect(events.map((e) => e.client_id)).toEqual(['crm-webinar-88', 'shop-order-4711'])
    const enrolments = await system.sql<{ campaign_id: string }[]>`select campaign_id from enrolments where contact_id = ${contact!.id}`
    expect(enrolments).toHaveLength(1)
    const handle = system.client.workflow.getHandle(enrolmentWorkflowId(enrolments[0]!.campaign_id, contact!.id))
    // A signal that arrives while the worker runs a workflow task is written to the history when the task
    // completes; the query runs after it, so every signal sent by then is in the history.
    await expect.poll(() => trackedSignals(handle.workflowId), { timeout: 30_000 }).toHaveLength(1)
    await handle.query(enrolmentStateQuery)
    const signals = await trackedSignals(handle.workflowId)
    expect(signals).toHaveLength(1)
    expect(signals[0]).toContain(first.body.accepted[1].eventId)
  })

  it('answers a single event resent with its Idempotency-Key (or id) with 200 and the stored event', async () => {
    const event = { type: 'fair_visit', contact: { email: 'marco.rossi@rossi-macchine.example' }, properties: { fair: 'Hannover Messe' } }
    const first = await post(event, { 'idempotency-key': 'fair-scan-1' })
    expect(first.status).toBe(202)
    expect(first.body.duplicate).toBe(false)
    const again = await post(event, { 'idempotency-key': 'fair-scan-1' })
    expect(again).toEqual({ status: 200, body: { ...first.body, duplicate: true } })
    // The header and the body's id name the same event.
    expect((await post({ ...event, id: 'fair-scan-1' })).body).toMatchObject({ eventId: first.body.eventId, duplicate: true })
    const stored = await system.sql`select count(*)::int as n from events where client_id = 'fair-scan-1'`
    expect(stored[0]!.n).toBe(1)
  })

  it('refuses an id that names a different event or is too long, naming the field', async () => {
    const email = 'jonas.becker@becker-maschinenbau.example'
    expect((await post({ id: 'dup-1', type: 'fair_visit', contact: { email } })).status).toBe(202)
    const other = await post({ events: [{ id: 'dup-1', type: 'webinar_attended', contact: { email } }] })
    expect(other.status).toBe(400)
    expect(other.body.rejected[0]).toMatchObject({ index: 0, status: 409, field: 'events.0.id' })
    const long = await post({ id: 'x'.repeat(201), type: 'fair_visit', contact: { email } })
    expect(long.status).toBe(400)
    expect(long.body.error.field).toBe('id')
    const header = await post({ type: 'fair_visit', contact: { email } }, { 'idempotency-key': 'a' })
    expect(header.status).toBe(202)
    const mismatch = await post({ id: 'b', type: 'fair_visit', contact: { email } }, { 'idempotency-key': 'c' })
    expect(mismatch.body.error.field).toBe('Idempotency-Key')
  })

  // A batch is stored in one transaction (api/event-batch.ts), with the outcome of storing its events one by one.
  it('stores a batch as its events one by one would be: first event creates the contact, later ones update it in order, refused ones cost nothing', async () => {
    const email = 'neu.kunde@batch.example'
    const denied = await system.token({ role: 'marketer', subs: ['FR'] })
    const answer = await fetch(`${system.baseUrl}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${denied}` },
      body: JSON.stringify({
        events: [
          { type: 'visit', contact: { email: 'jonas.becker@becker-maschinenbau.example' } }, // a DE contact: not the FR marketer's
          { id: 'batch-a', type: 'visit', contact: { email, subsidiary: 'XX' } }, // no such subsidiary
          { id: 'batch-b', type: 'visit', contact: { email, firstName: 'Nora', attributes: { fleet: 3 } }, properties: { page: '/a' } },
          { type: 'visit', contact: { email: email.toUpperCase(), lastName: 'Neu', attributes: { plant: 'Lyon' } }, properties: { page: '/b' } },
          { id: 'batch-b', type: 'visit', contact: { email } }, // the same event again within the batch
          { type: 'visit', contact: { email, subsidiary: 'DE' } }, // the contact is FR's now: not moved by an event
        ],
      }),
    })
    const body = (await answer.json()) as any
    expect(answer.status).toBe(207)
    expect(body.rejected.map((r: { index: number; status: number; field: string }) => [r.index, r.status, r.field])).toEqual([
      [0, 404, 'events.0.contact.email'],
      [1, 400, 'events.1.contact.subsidiary'],
      [5, 409, 'events.5.contact.subsidiary'],
    ])
    expect(body.accepted.map((a: { index: number; contactCreated: boolean; duplicate: boolean }) => [a.index, a.contactCreated, a.duplicate])).toEqual([
      [2, true, false],
      [3, false, false],
      [4, false, true],
    ])
    expect(body.accepted[2].eventId).toBe(body.accepted[0].eventId)
    const [contact] = await system.sql`select c.first_name, c.last_name, c.attributes, s.code from contacts c join subsidiaries s on s.id = c.subsidiary_id where lower(c.email) = ${email}`
    expect(contact).toMatchObject({ first_name: 'Nora', last_name: 'Neu', attributes: { fleet: 3, plant: 'Lyon' }, code: 'FR' })
    // Stored in batch order, which is the order the dispatcher hands them on.
    const stored = await system.sql`select e.properties->>'page' as page from events e join contacts c on c.id = e.contact_id where lower(c.email) = ${email} order by e.received_at, e.id`
    expect(stored.map((row) => row.page)).toEqual(['/a', '/b'])
  })

  it('leaves a contact unwritten by events that say nothing new about it, single or in a batch, and writes what is new', async () => {
    const contact = { email: 'stetig@unchanged.example', subsidiary: 'DE', firstName: 'Stefan', company: 'Stetig GmbH', attributes: { fleet: 2 } }
    expect((await post({ events: [{ type: 'visit', contact, properties: { page: '/1' } }] })).status).toBe(202)
    const read = async () => (await system.sql<{ first_name: string; attributes: Record<string, unknown>; updated_at: Date; version: string }[]>`
      select first_name, attributes, updated_at, xmin::text as version from contacts where email = ${contact.email}`)[0]!
    const before = await read()
    // A tracking feed repeats what it knows of the contact with every visit.
    expect((await post({ events: [2, 3, 4].map((n) => ({ type: 'visit', contact, properties: { page: `/${n}` } })) })).status).toBe(202)
    expect((await post({ type: 'visit', contact, properties: { page: '/4b' } })).status).toBe(202)
    const same = await read()
    expect(same.updated_at).toEqual(before.updated_at)
    expect(same.version).toBe(before.version)
    expect((await post({ events: [{ type: 'visit', contact: { ...contact, attributes: { plant: 'Ulm' } }, properties: { page: '/5' } }] })).status).toBe(202)
    const changed = await read()
    expect(changed.attributes).toEqual({ fleet: 2, plant: 'Ulm' })
    expect(changed.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime())
    const [stored] = await system.sql<{ n: number }[]>`select count(*)::int as n from events e join contacts c on c.id = e.contact_id where c.email = ${contact.email}`
    expect(stored!.n).toBe(6)
  })

  it('stores concurrent batches about the same new addresses once each, and a batch resent while the first is in flight once', async () => {
    const emails = Array.from({ length: 5 }, (_, i) => `gleichzeitig-${i}@race.example`)
    const batch = (name: string) => ({
      events: Array.from({ length: 20 }, (_, i) => ({ id: `race-${name}-${i}`, type: 'visit', contact: { email: emails[i % emails.length]!, attributes: { [name]: i } }, properties: { page: `/${name}/${i}` } })),
    })
    // Three different batches and one resent (a client retrying after a timeout) all at once: each first
    // event of an address races the others to create its contact.
    const answers = await Promise.all([post(batch('a')), post(batch('b')), post(batch('c')), post(batch('a'))])
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202])
    const [resent, first] = [answers[3]!.body.accepted, answers[0]!.body.accepted]
    // One of the two copies stored the events, the other was answered with them.
    expect(resent.map((a: any) => a.eventId)).toEqual(first.map((a: any) => a.eventId))
    expect([...resent, ...first].filter((a: any) => a.duplicate)).toHaveLength(20)
    const contacts = await system.sql<{ email: string; attributes: Record<string, number> }[]>`select email, attributes from contacts where email like '%@race.example' order by email`
    expect(contacts.map((c) => c.email)).toEqual(emails)
    // Every batch's fields arrived: nothing of a batch that lost the race to create a contact was dropped.
    expect(Object.keys(contacts[0]!.attributes).sort()).toEqual(['a', 'b', 'c'])
    const [stored] = await system.sql<{ n: number }[]>`select count(*)::int as n from events where client_id like 'race-%'`
    expect(stored!.n).toBe(60)
  })

  it('stores a batch while the scoring of its contact holds a key-share lock, and waits for an edit of the contact', async () => {
    const contact = { email: 'gesperrt@lock.example', subsidiary: 'DE' }
    expect((await post({ events: [{ id: 'lock-0', type: 'visit', contact, properties: {} }] })).status).toBe(202)
    const [row] = await system.sql<{ id: string }[]>`select id from contacts where email = ${contact.email}`
    // What the dispatcher's scoring holds while it inserts score_changes and contact_scores of the contact (their foreign keys).
    const scoring = await system.sql.reserve()
    try {
      await scoring`begin`
      await scoring`select 1 from contacts where id = ${row!.id} for key share`
      // Under "for update" this batch waited for the scoring to commit (and never answered here).
      expect((await post({ events: [{ id: 'lock-1', type: 'visit', contact: { ...contact, firstName: 'Greta' }, properties: {} }] })).status).toBe(202)
      await scoring`commit`

      // An edit of the contact (an update) still keeps the next batch out until it commits.
      await scoring`begin`
      await scoring`update contacts set last_name = 'Gesperrt' where id = ${row!.id}`
      let answered = false
      const waiting = post({ events: [{ id: 'lock-2', type: 'visit', contact: { ...contact, attributes: { after: 'edit' } }, properties: {} }] }).finally(() => (answered = true))
      for (;;) {
        const [blocked] = await system.sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%lower(c.email) as key%'`
        if (blocked!.n > 0) break
      }
      expect(answered).toBe(false)
      await scoring`commit`
      expect((await waiting).status).toBe(202)
    } finally {
      await scoring`rollback`.catch(() => {})
      scoring.release()
    }
    const [after] = await system.sql<{ first_name: string; last_name: string; attributes: Record<string, string> }[]>`select first_name, last_name, attributes from contacts where id = ${row!.id}`
    expect(after).toMatchObject({ first_name: 'Greta', last_name: 'Gesperrt', attributes: { after: 'edit' } })
  })
})
