import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApplicationFailure } from '@temporalio/common'
import type { Client } from '@temporalio/client'
import nodemailer from 'nodemailer'
import postgres, { type Sql } from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createActivities, type CampaignActivities } from '../../activities'
import { loadContactFacts, updateContact } from '../../activities/contacts'
import { createTokenSigner } from '../../tracking/tokens'
import { webhookSignature } from '../../activities/signed-post'
import { callWebhook, type CallWebhookInput, type WebhookBody } from '../../activities/webhook'
import { migrate } from '../../db/migrate'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { validateForPublish } from '../../engine/campaign/validate'
import { chooseArm } from '../../engine/nodes/ab-split'
import { addDays, instantOf, wallClock, weekdayOf } from '../../engine/nodes/zoned-time'
import { enrolmentStateQuery, type campaignEnrolment, type EnrolmentState } from '../../engine/workflows/enrolment'
import { createTemplateRenderer } from '../../templates/renderer'
import { createTestDatabase, type TestDatabase } from '../helpers/database'
import { startWorkflowWorker } from '../helpers/workflow-worker'

// The flow steps (condition, A/B split, update contact, webhook, wait until) on the real Temporal dev
// server. Mail and step records are recorders; the contact and webhook activities are the real ones,
// on a throwaway database and against a real HTTP receiver on loopback. Durations are seconds.
const SECRET = 'webhook-test-secret-0123456789abcdef'
let database: TestDatabase
let sql: Sql
let accountId: string
const subsidiaryIds = new Map<string, string>()

// The real activities, as createActivities binds them (so the webhook secret's wiring is tested too),
// except those that need enrolment rows or SMTP: recorders stand in for mail and step records.
function testActivities(): CampaignActivities {
  const real = createActivities({
    sql,
    webhookSecret: SECRET,
    mailer: nodemailer.createTransport({ jsonTransport: true }),
    renderer: createTemplateRenderer(),
    tokens: createTokenSigner(SECRET),
    publicUrl: 'http://localhost',
    mailDomain: 'test.example',
  })
  return {
    ...real,
    sendCampaignEmail: async (input) => ({ outcome: 'sent', messageId: `<${input.enrolmentId}.${input.nodeId}.${input.visit}@test>` }),
    recordStep: async () => {},
    finishEnrolment: async () => {},
    recordConversion: async () => {},
  }
}

// The receiver answers by path: /ok 200, /refuse 422, /flaky 503 then 200, /down always 503, /moved a
// redirect, /hang never. Every request is kept with its raw body.
interface Received {
  path: string
  method: string
  headers: IncomingHttpHeaders
  body: string
}
const received: Received[] = []
let receiver: Server
let receiverUrl: string
const flakyCalls = new Map<string, number>()

let client: Client
let taskQueue: string
let stopWorker: () => Promise<void>

beforeAll(async () => {
  database = await createTestDatabase()
  sql = postgres(database.url, { max: 4, onnotice: () => {} })
  // Subsidiaries that exist before migration 002 get their country's zone from it: apply 001 alone,
  // create the account, then let migrate() apply the rest.
  await sql.begin(async (sql) => {
    await sql.unsafe(await readFile(new URL('../../db/migrations/001_foundation.sql', import.meta.url), 'utf8'))
    await sql`create table schema_migrations (name text primary key, applied_at timestamptz not null default now())`
    await sql`insert into schema_migrations (name) values ('001_foundation.sql')`
  })
  const [account] = await sql<{ id: string }[]>`insert into accounts (slug, name) values ('kessler', 'Kessler Hydraulik GmbH') returning id`
  accountId = account!.id
  for (const [code, locale] of [['DE', 'de'], ['FR', 'fr'], ['IT', 'it'], ['ES', 'es']] as const) {
    const [row] = await sql<{ id: string }[]>`
      insert into subsidiaries (account_id, code, name, locale, is_headquarters, sender_name, sender_email)
      values (${accountId}, ${code}, ${`Kessler ${code}`}, ${locale}, ${code === 'DE'}, 'Kessler', ${`news@${locale}.example`}) returning id`
    subsidiaryIds.set(code, row!.id)
  }
  await migrate(sql)

  receiver = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const path = request.url ?? '/'
      const body = Buffer.concat(chunks).toString('utf8')
      received.push({ path, method: request.method ?? '', headers: request.headers, body })
      const key = String(request.headers['idempotency-key'])
      if (path === '/hang') return
      if (path === '/moved') return void response.writeHead(302, { location: '/ok' }).end()
      if (path === '/refuse') return void response.writeHead(422).end('unknown customer number')
      if (path === '/down') return void response.writeHead(503).end('maintenance')
      if (path === '/flaky') {
        flakyCalls.set(key, (flakyCalls.get(key) ?? 0) + 1)
        if (flakyCalls.get(key) === 1) return void response.writeHead(503).end('busy')
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`

  ;({ client, taskQueue, stop: stopWorker } = await startWorkflowWorker(testActivities()))
})
afterAll(async () => {
  await stopWorker?.()
  receiver?.closeAllConnections()
  await new Promise((resolve) => receiver?.close(resolve))
  await sql?.end()
  await database?.drop()
})

interface NewContact {
  subsidiary?: string
  attributes?: Record<string, unknown>
  tags?: string[]
  consent?: string
  timeZone?: string | null
}
async function createContact(contact: NewContact = {}): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into contacts (account_id, subsidiary_id, email, first_name, last_name, company, attributes, tags, consent_status, time_zone)
    values (${accountId}, ${subsidiaryIds.get(contact.subsidiary ?? 'DE')!}, ${`${randomUUID()}@customer.example`}, 'Anna', 'Schmidt',
            'Schmidt Pressen AG', ${sql.json((contact.attributes ?? {}) as never)}, ${contact.tags ?? []}, ${contact.consent ?? 'granted'},
            ${contact.timeZone ?? null})
    returning id`
  return row!.id
}

/** trigger → the step → one End node per output, so the End reached shows the branch taken. */
function branching(step: { id: string; type: string; config: Record<string, unknown> }, outputs: Record<string, string>): CampaignGraph {
  const ends = Object.values(outputs)
  return {
    nodes: [
      { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { eventType: 'purchase' } },
      { ...step, position: { x: 0, y: 120 } },
      ...ends.map((id, i) => ({ id, type: 'end', position: { x: i * 200, y: 240 }, config: {} })),
    ],
    edges: [
      { id: 'e-trigger', source: 'trigger', sourceHandle: 'next', target: step.id },
      ...Object.entries(outputs).map(([output, target], i) => ({ id: `e${i}`, source: step.id, sourceHandle: output, target })),
    ],
  }
}

function published(graph: CampaignGraph): CampaignGraph {
  const result = validateForPublish(graph, { templateIds: new Set() })
  if (!result.ok) throw new Error(JSON.stringify(result.issues))
  return result.graph
}

async function enrol(graph: CampaignGraph, contactId: string, campaignId = randomUUID()) {
  const enrolment = { enrolmentId: randomUUID(), accountId, campaignId, versionId: randomUUID(), contactId }
  const handle = await client.workflow.start<typeof campaignEnrolment>('campaignEnrolment', {
    taskQueue,
    workflowId: `flow-test-${randomUUID()}`,
    args: [{ enrolment, graph: published(graph) }],
  })
  return { enrolment, handle }
}

const outputAt = (state: EnrolmentState, nodeId: string) => state.path.find((step) => step.nodeId === nodeId)?.output
const lastNode = (state: EnrolmentState) => state.path.at(-1)?.nodeId
const entered = (state: EnrolmentState, nodeId: string) => Date.parse(state.path.find((step) => step.nodeId === nodeId)!.enteredAt)
/** Durable timers the enrolment set: "goes on at once" means none, whatever the machine's load. */
const timersOf = async (handle: { fetchHistory(): Promise<{ events?: { timerStartedEventAttributes?: unknown }[] | null }> }) =>
  ((await handle.fetchHistory()).events ?? []).filter((event) => event.timerStartedEventAttributes).length

describe('flow steps in the enrolment workflow', () => {
  it('condition: a French customer takes the "customers" branch; yes/no goes by the rule set', async () => {
    const graph = branching(
      {
        id: 'who',
        type: 'condition',
        config: {
          mode: 'branches',
          branches: [
            { name: 'Germany', rules: [{ kind: 'subsidiary', codes: ['DE'] }] },
            { name: 'customers', match: 'any', rules: [{ kind: 'tag', tag: 'customer' }, { kind: 'attribute', attribute: 'orders', operator: 'greater_than', value: 0 }] },
          ],
        },
      },
      { Germany: 'end-germany', customers: 'end-customers', else: 'end-else' },
    )
    const results = await Promise.all(
      [{ subsidiary: 'FR', tags: ['customer'] }, { subsidiary: 'DE', tags: ['customer'] }, { subsidiary: 'IT', attributes: { orders: '0' } }].map(async (contact) =>
        (await enrol(graph, await createContact(contact))).handle.result(),
      ),
    )
    expect(results.map((state) => outputAt(state, 'who'))).toEqual(['customers', 'Germany', 'else'])
    expect(results.map(lastNode)).toEqual(['end-customers', 'end-germany', 'end-else'])

    const yesNo = branching(
      { id: 'big', type: 'condition', config: { mode: 'yes_no', rules: [{ kind: 'attribute', attribute: 'employees', operator: 'greater_than', value: 200 }, { kind: 'consent', status: 'granted' }] } },
      { yes: 'end-yes', no: 'end-no' },
    )
    const big = await (await enrol(yesNo, await createContact({ attributes: { employees: 250 } }))).handle.result()
    const withoutConsent = await (await enrol(yesNo, await createContact({ attributes: { employees: 250 }, consent: 'revoked' }))).handle.result()
    expect([outputAt(big, 'big'), outputAt(withoutConsent, 'big')]).toEqual(['yes', 'no'])
  })

  it('ab_split: each contact takes the arm its hash picks, and the arm is the step’s output in the path', async () => {
    const arms = [
      { name: 'A', weight: 50 },
      { name: 'B', weight: 30 },
      { name: 'C', weight: 20 },
    ]
    const graph = branching({ id: 'split', type: 'ab_split', config: { arms } }, { A: 'end-a', B: 'end-b', C: 'end-c' })
    const campaignId = randomUUID()
    const runs = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const contactId = await createContact()
        return { contactId, state: await (await enrol(graph, contactId, campaignId)).handle.result() }
      }),
    )
    for (const { contactId, state } of runs) {
      const arm = chooseArm(arms, `${campaignId}/split/${contactId}`)
      expect(outputAt(state, 'split')).toBe(arm)
      expect(lastNode(state)).toBe(`end-${arm.toLowerCase()}`)
    }
    // The same contact enrolled again in the same campaign lands in the same arm.
    const again = await (await enrol(graph, runs[0]!.contactId, campaignId)).handle.result()
    expect(outputAt(again, 'split')).toBe(outputAt(runs[0]!.state, 'split'))
  })

  it('update_contact: sets and clears attributes and tags in Postgres, and a following condition sees them', async () => {
    const contactId = await createContact({ attributes: { stage: 'lead', trial_ends: '2026-12-01', region: 'north' }, tags: ['lead', 'webinar'] })
    const graph: CampaignGraph = {
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { eventType: 'purchase' } },
        { id: 'onboarded', type: 'update_contact', position: { x: 0, y: 120 }, config: { setAttributes: { stage: 'customer', trial_ends: null, machines: 2 }, addTags: ['onboarded', 'webinar'], removeTags: ['lead'] } },
        { id: 'check', type: 'condition', position: { x: 0, y: 240 }, config: { mode: 'yes_no', rules: [{ kind: 'tag', tag: 'onboarded' }, { kind: 'attribute', attribute: 'stage', operator: 'equals', value: 'customer' }] } },
        { id: 'end-yes', type: 'end', position: { x: 0, y: 360 }, config: {} },
        { id: 'end-no', type: 'end', position: { x: 200, y: 360 }, config: {} },
      ],
      edges: [
        { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'onboarded' },
        { id: 'e2', source: 'onboarded', sourceHandle: 'next', target: 'check' },
        { id: 'e3', source: 'check', sourceHandle: 'yes', target: 'end-yes' },
        { id: 'e4', source: 'check', sourceHandle: 'no', target: 'end-no' },
      ],
    }
    const state = await (await enrol(graph, contactId)).handle.result()
    expect(outputAt(state, 'check')).toBe('yes')
    const [row] = await sql<{ attributes: Record<string, unknown>; tags: string[] }[]>`select attributes, tags from contacts where id = ${contactId}`
    expect(row).toEqual({ attributes: { stage: 'customer', region: 'north', machines: 2 }, tags: ['webinar', 'onboarded'] })
  })

  it('webhook: a receiver that is busy once gets the same signed call again and the contact goes "ok"; a refusal goes "failed"', async () => {
    const graph = (path: string, attempts = 3) =>
      branching({ id: 'crm', type: 'webhook', config: { url: `${receiverUrl}${path}`, timeout: '5s', attempts, data: { list: 'hydrostat-owners' } } }, { ok: 'end-ok', failed: 'end-failed' })
    const run = async (path: string, contact: NewContact, attempts?: number) => {
      const { enrolment, handle } = await enrol(graph(path, attempts), await createContact(contact))
      const state = await handle.result()
      return { state, calls: received.filter((call) => call.headers['idempotency-key'] === `${enrolment.enrolmentId}.crm.1`) }
    }
    const [flaky, refused, down] = await Promise.all([run('/flaky', { subsidiary: 'FR' }), run('/refuse', {}), run('/down', {}, 2)])
    expect([outputAt(flaky.state, 'crm'), outputAt(refused.state, 'crm'), outputAt(down.state, 'crm')]).toEqual(['ok', 'failed', 'failed'])

    const [first, second] = flaky.calls
    expect(flaky.calls).toHaveLength(2)
    // Retries repeat the call exactly: same key, same body, same signature.
    expect(second!.body).toBe(first!.body)
    expect(first!.headers['x-signature']).toBe(webhookSignature(SECRET, first!.body))
    expect(second!.headers['x-signature']).toBe(first!.headers['x-signature'])
    const body = JSON.parse(first!.body) as WebhookBody
    expect(body).toMatchObject({ type: 'campaign.webhook', stepId: 'crm', pass: 1, contact: { subsidiary: 'FR', locale: 'fr', firstName: 'Anna' }, data: { list: 'hydrostat-owners' } })
    expect(refused.calls).toHaveLength(1) // a 4xx is the receiver's final word: not repeated
    expect(down.calls).toHaveLength(2) // tried as often as configured, then "failed"
  })

  it('wait_until a date: waits until the date minus the offset, goes on at once when it has passed, and "missing" without it', async () => {
    const graph = branching({ id: 'due', type: 'wait_until', config: { mode: 'date', attribute: 'maintenance_due', offset: '-60d' } }, { next: 'end-due', missing: 'end-missing' })
    // Due in 60 days and 2 seconds, on a clock without DST, so "60 days before" is 2 seconds from now.
    const soon = new Date(Date.now() + 60 * 86_400_000 + 2_000).toISOString()
    const run = async (attributes: Record<string, unknown>) => {
      const { handle } = await enrol(graph, await createContact({ attributes, timeZone: 'UTC' }))
      return { state: await handle.result(), timers: await timersOf(handle) }
    }
    const [waited, passed, missing] = await Promise.all([run({ maintenance_due: soon }), run({ maintenance_due: '2020-01-15' }), run({})])
    expect([lastNode(waited.state), lastNode(passed.state), lastNode(missing.state)]).toEqual(['end-due', 'end-due', 'end-missing'])
    expect(entered(waited.state, 'end-due') - entered(waited.state, 'due')).toBeGreaterThanOrEqual(1_000)
    expect([waited.timers, passed.timers, missing.timers]).toEqual([1, 0, 0])
  })

  it('wait_until the send window: goes on at once inside it, and otherwise sets a timer for the window’s start on the contact’s clock', async () => {
    // A zone where it is not near midnight now, so "today, all day" is open for the whole test.
    const zone = ['Europe/Madrid', 'Asia/Tokyo', 'America/New_York'].find((candidate) => wallClock(Date.now(), candidate).hour < 22)!
    const open = branching({ id: 'window', type: 'wait_until', config: { mode: 'send_window', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', until: '23:59' } }, { next: 'end' })
    const { handle: openHandle } = await enrol(open, await createContact({ timeZone: zone }))
    expect(lastNode(await openHandle.result())).toBe('end')
    expect(await timersOf(openHandle)).toBe(0)

    // Only the day after tomorrow, 09:00–10:00 there: closed now, whatever the time.
    const local = wallClock(Date.now(), zone)
    const day = addDays(local, 2)
    const closed = branching({ id: 'window', type: 'wait_until', config: { mode: 'send_window', days: [weekdayOf(day)], from: '09:00', until: '10:00' } }, { next: 'end' })
    const startedAt = Date.now()
    const { handle } = await enrol(closed, await createContact({ timeZone: zone }))
    for (let i = 0; i < 100 && (await handle.query(enrolmentStateQuery)).currentNodeId !== 'window'; i++) await new Promise((r) => setTimeout(r, 50))
    let timerMs: number | undefined
    for (let i = 0; i < 100 && timerMs === undefined; i++) {
      const history = await handle.fetchHistory()
      const timer = history.events?.find((event) => event.timerStartedEventAttributes)?.timerStartedEventAttributes
      if (timer?.startToFireTimeout?.seconds != null) timerMs = Number(timer.startToFireTimeout.seconds) * 1000
      else await new Promise((r) => setTimeout(r, 50))
    }
    await handle.terminate('test done')
    const expected = instantOf({ ...day, hour: 9, minute: 0, second: 0 }, zone) - startedAt
    expect(Math.abs(timerMs! - expected)).toBeLessThan(15_000)
  })
})

describe('contact and webhook activities against Postgres and a real receiver', () => {
  const webhookInput = async (path: string, extra: Partial<CallWebhookInput> = {}): Promise<CallWebhookInput> => ({
    enrolmentId: randomUUID(),
    accountId,
    campaignId: randomUUID(),
    versionId: randomUUID(),
    contactId: await createContact({ subsidiary: 'ES' }),
    nodeId: 'crm',
    visit: 1,
    url: `${receiverUrl}${path}`,
    method: 'POST',
    timeoutMs: 2_000,
    attempts: 3,
    data: {},
    ...extra,
  })
  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise
    } catch (error) {
      return error as ApplicationFailure
    }
    throw new Error('expected the activity to throw')
  }

  it('migration 002 gave existing subsidiaries their country’s zone; facts fall back contact → subsidiary → Berlin', async () => {
    const zones = await sql<{ code: string; time_zone: string }[]>`select code, time_zone from subsidiaries where account_id = ${accountId} order by code`
    expect(Object.fromEntries(zones.map((row) => [row.code, row.time_zone]))).toEqual({ DE: 'Europe/Berlin', ES: 'Europe/Madrid', FR: 'Europe/Paris', IT: 'Europe/Rome' })
    const facts = async (contact: NewContact) => loadContactFacts(sql, { accountId, contactId: await createContact(contact) })
    expect(await facts({ subsidiary: 'FR', tags: ['vip'], attributes: { machines: 3 }, consent: 'pending' })).toEqual({
      attributes: { machines: 3 },
      tags: ['vip'],
      consent: 'pending',
      subsidiary: 'FR',
      timeZone: 'Europe/Paris',
      // Never scored: no persona match and no cell of the scoring matrix yet.
      personas: [],
      cell: null,
    })
    expect((await facts({ subsidiary: 'FR', timeZone: 'America/Montreal' })).timeZone).toBe('America/Montreal')
    expect((await facts({ subsidiary: 'IT', timeZone: 'Mars/Olympus_Mons' })).timeZone).toBe('Europe/Rome')
    const other = await failure(loadContactFacts(sql, { accountId: randomUUID(), contactId: await createContact() }))
    expect(other).toMatchObject({ type: 'ContactGone', nonRetryable: true })
  })

  it('updateContact is idempotent and scoped to the account', async () => {
    const contactId = await createContact({ attributes: { stage: 'lead' }, tags: ['a'] })
    const input = { accountId, contactId, setAttributes: { stage: 'customer', score_hint: null }, addTags: ['b', 'a', 'b'], removeTags: ['c'] }
    await updateContact(sql, input)
    const first = await sql`select attributes, tags from contacts where id = ${contactId}`
    await updateContact(sql, input)
    expect(await sql`select attributes, tags from contacts where id = ${contactId}`).toEqual(first)
    expect(first[0]).toEqual({ attributes: { stage: 'customer' }, tags: ['a', 'b'] })
    expect(await failure(updateContact(sql, { ...input, accountId: randomUUID() }))).toMatchObject({ type: 'ContactGone', nonRetryable: true })
  })

  it('callWebhook: delivered with signature and key; 4xx and redirects fail at once; 5xx, silence and no secret throw to be retried', async () => {
    const ok = await webhookInput('/ok', { method: 'PUT', data: { source: 'campaign' } })
    expect(await callWebhook({ sql, webhookSecret: SECRET }, ok)).toEqual({ outcome: 'delivered', status: 200 })
    const call = received.findLast((request) => request.path === '/ok')!
    expect(call.method).toBe('PUT')
    expect(call.headers['content-type']).toBe('application/json')
    expect(call.headers['x-signature']).toBe(webhookSignature(SECRET, call.body))
    expect(call.headers['idempotency-key']).toBe(`${ok.enrolmentId}.crm.1`)
    expect(JSON.parse(call.body)).toMatchObject({ enrolmentId: ok.enrolmentId, campaignId: ok.campaignId, contact: { id: ok.contactId, subsidiary: 'ES', locale: 'es' }, data: { source: 'campaign' } })

    expect(await callWebhook({ sql, webhookSecret: SECRET }, await webhookInput('/refuse'))).toEqual({ outcome: 'failed', status: 422, reason: '422 Unprocessable Entity: unknown customer number' })
    expect(await callWebhook({ sql, webhookSecret: SECRET }, await webhookInput('/moved'))).toMatchObject({ outcome: 'failed', status: 302 })
    expect(await failure(callWebhook({ sql, webhookSecret: SECRET }, await webhookInput('/down')))).toMatchObject({ type: 'WebhookUnavailable', nonRetryable: false })
    // Outside Temporal every call is attempt 1: with one attempt allowed it is also the last.
    expect(await callWebhook({ sql, webhookSecret: SECRET }, await webhookInput('/down', { attempts: 1 }))).toMatchObject({ outcome: 'failed', status: 503 })
    const silent = await failure(callWebhook({ sql, webhookSecret: SECRET }, await webhookInput('/hang', { timeoutMs: 300 })))
    expect(silent).toMatchObject({ type: 'WebhookUnavailable', message: 'no answer within 300 ms' })
    const unsigned = await failure(callWebhook({ sql, webhookSecret: undefined }, await webhookInput('/ok')))
    expect(unsigned).toMatchObject({ type: 'WebhookSecretMissing', nonRetryable: false })
    expect(received.filter((request) => request.path === '/ok' && !request.headers['x-signature'])).toEqual([])
  })
})
