import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enrolmentJobWorkflowId } from '../../engine/entry-client'
import { linearCampaign } from '../helpers/graphs'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Manual enrolment through the API (one contact, a CSV upload, a segment) and the entry rules, on the
// real product: Postgres, Temporal workflows for enrolments and bulk jobs.
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem()
})
afterAll(() => system?.stop())

const claire = 'claire.dupont@dupont-industrie.example' // FR
const jonas = 'jonas.becker@becker-maschinenbau.example' // DE
const anna = 'anna.schmidt@schmidt-pressen.example' // DE
const lukas = 'lukas.weber@weber-kunststoff.example' // DE

async function liveCampaign(trigger: Record<string, unknown>, steps: { id: string; type: string; config: Record<string, unknown> }[] = []): Promise<string> {
  const created = await system.api('/api/campaigns', { body: { name: `Manual ${randomUUID().slice(0, 8)}`, graph: linearCampaign(trigger, steps) } })
  expect(created.status).toBe(201)
  expect((await system.api(`/api/campaigns/${created.body.id}/publish`, { body: {} })).status).toBe(201)
  return created.body.id
}
// Keeps enrolments running, so "already in the campaign" can be seen.
const staysAWhile = [{ id: 'linger', type: 'wait', config: { duration: '1h' } }]

const enrol = (campaignId: string, body: unknown, options: { key?: string; token?: string | Promise<string> } = {}) =>
  post(`/api/campaigns/${campaignId}/enrolments`, JSON.stringify(body), 'application/json', options)

async function post(path: string, body: string, contentType: string, options: { key?: string; token?: string | Promise<string> } = {}) {
  const headers: Record<string, string> = { 'content-type': contentType, authorization: `Bearer ${await (options.token ?? system.token())}` }
  if (options.key) headers['idempotency-key'] = options.key
  const response = await fetch(system.baseUrl + path, { method: 'POST', headers, body })
  return { status: response.status, body: (await response.json()) as any }
}

const enrolmentsOf = async (campaignId: string) =>
  (await system.sql<{ email: string; status: string }[]>`
    select c.email, e.status from enrolments e join contacts c on c.id = e.contact_id where e.campaign_id = ${campaignId} order by c.email, e.started_at`)
const finished = async (campaignId: string) =>
  expect.poll(async () => (await enrolmentsOf(campaignId)).every((row) => row.status !== 'active'), { timeout: 15_000 }).toBe(true)
const jobDone = async (jobId: string) => {
  await expect.poll(async () => (await system.api(`/api/enrolment-jobs/${jobId}`)).body.status, { timeout: 60_000, interval: 100 }).toBe('done')
  return (await system.api(`/api/enrolment-jobs/${jobId}`)).body
}

describe('manual enrolment of one contact', () => {
  it('enrols by e-mail or id, and a repeated request finds the same enrolment', async () => {
    const campaignId = await liveCampaign({ eventType: 'manual' }, staysAWhile)
    const first = await enrol(campaignId, { email: claire.toUpperCase() })
    expect(first).toMatchObject({ status: 201, body: { repeated: false } })
    const again = await enrol(campaignId, { email: claire })
    expect(again).toMatchObject({ status: 200, body: { enrolmentId: first.body.enrolmentId, repeated: true } })
    const byId = await enrol(campaignId, { contactId: first.body.contactId }, { key: 'second-try' })
    expect(byId).toMatchObject({ status: 409, body: { error: { code: 'already_in_campaign' } } })
    expect(await enrolmentsOf(campaignId)).toEqual([{ email: claire, status: 'active' }])
    // Its workflow runs, under the enrolment's deterministic id.
    const description = await system.client.workflow.getHandle(`enrolment-${campaignId}-${first.body.contactId}`).describe()
    expect(description.status.name).toBe('RUNNING')
  })

  it('lets marketers enrol only contacts of their own subsidiaries, and only into campaigns that take entries', async () => {
    const campaignId = await liveCampaign({ eventType: 'manual' }, staysAWhile)
    const french = system.token({ subs: ['FR'] })
    expect(await enrol(campaignId, { email: jonas }, { token: french })).toMatchObject({ status: 404, body: { error: { field: 'email' } } })
    expect((await enrol(campaignId, { email: claire }, { token: french })).status).toBe(201)
    expect((await enrol(campaignId, { email: jonas }, { token: system.token({ role: 'sales' }) })).status).toBe(403)
    expect((await enrol(campaignId, { email: 'nobody@example.com' })).status).toBe(404)
    expect((await enrol(campaignId, { phone: '+49' })).status).toBe(400)
    expect((await enrol(randomUUID(), { email: jonas })).status).toBe(404)
    const draft = await system.api('/api/campaigns', { body: { name: 'Never published', graph: linearCampaign({ eventType: 'manual' }, []) } })
    expect(await enrol(draft.body.id, { email: jonas })).toMatchObject({ status: 409, body: { error: { code: 'campaign_not_live' } } })
  })
})

describe('entry rules', () => {
  it('never: a contact enters once, however many requests race for it', async () => {
    const campaignId = await liveCampaign({ eventType: 'manual', reEntry: 'never' })
    const racing = await Promise.all(Array.from({ length: 6 }, (_, i) => enrol(campaignId, { email: jonas }, { key: `race-${i}` })))
    expect(racing.filter((r) => r.status === 201)).toHaveLength(1)
    for (const refused of racing.filter((r) => r.status !== 201)) expect(refused).toMatchObject({ status: 409, body: { error: { code: expect.stringMatching(/^(already_in_campaign|re_entry_never)$/) } } })
    await finished(campaignId)
    expect(await enrol(campaignId, { email: jonas }, { key: 'later' })).toMatchObject({ status: 409, body: { error: { code: 're_entry_never' } } })
    expect(await enrolmentsOf(campaignId)).toEqual([{ email: jonas, status: 'completed' }])
  })

  it('always: again once the previous enrolment has finished, never twice at once', async () => {
    const campaignId = await liveCampaign({ eventType: 'manual' })
    expect((await enrol(campaignId, { email: anna }, { key: 'a' })).status).toBe(201)
    await finished(campaignId)
    expect((await enrol(campaignId, { email: anna }, { key: 'b' })).status).toBe(201)
    await finished(campaignId)
    expect(await enrolmentsOf(campaignId)).toEqual([
      { email: anna, status: 'completed' },
      { email: anna, status: 'completed' },
    ])
  })

  it('after a cool-down: refused until the time since the last entry has passed', async () => {
    const campaignId = await liveCampaign({ eventType: 'manual', reEntry: 'after', coolDown: '30d' })
    expect((await enrol(campaignId, { email: lukas }, { key: 'first' })).status).toBe(201)
    await finished(campaignId)
    expect(await enrol(campaignId, { email: lukas }, { key: 'second' })).toMatchObject({ status: 409, body: { error: { code: 'cooling_down' } } })
    // Thirty-one days later (moved in the data, not waited for).
    await system.sql`update enrolments set started_at = started_at - interval '31 days' where campaign_id = ${campaignId}`
    expect((await enrol(campaignId, { email: lukas }, { key: 'third' })).status).toBe(201)
  })

  it('applies to event triggers too: a second purchase does not re-enter a "never" campaign', async () => {
    const campaignId = await liveCampaign({ eventType: 'demo-request', reEntry: 'never' })
    const event = () => system.api('/api/events', { body: { type: 'demo-request', contact: { email: claire } } })
    expect((await event()).status).toBe(202)
    await expect.poll(async () => (await enrolmentsOf(campaignId)).length, { timeout: 15_000 }).toBe(1)
    await finished(campaignId)
    expect((await event()).status).toBe(202)
    await expect.poll(async () => (await system.sql`select count(*)::int as n from events where dispatched_at is null`)[0]!.n, { timeout: 15_000 }).toBe(0)
    expect(await enrolmentsOf(campaignId)).toHaveLength(1)
  })
})

describe('bulk enrolment', () => {
  const csvOf = (lines: string[]) => `email;name\n${lines.join('\n')}\n`
  const extra = Array.from({ length: 120 }, (_, i) => `bulk.${String(i).padStart(3, '0')}@kunde.example`)

  beforeAll(async () => {
    const [de] = await system.sql<{ id: string }[]>`select id from subsidiaries where account_id = ${system.demoAccountId!} and code = 'DE'`
    await system.sql`insert into contacts ${system.sql(extra.map((email) => ({ account_id: system.demoAccountId!, subsidiary_id: de!.id, email, consent_status: 'granted' })))}`
  })

  it('runs a CSV upload as a job with progress, reporting bad rows by line, and a repeated upload enrols nobody twice', async () => {
    const campaignId = await liveCampaign({ eventType: 'manual' }, staysAWhile)
    const csv = csvOf([...extra.map((email) => `${email};Kunde`), 'not-an-address;X', ';empty', 'unknown@nowhere.example;Y', `${extra[0]!.toUpperCase()};again`])
    const submitted = await post(`/api/campaigns/${campaignId}/enrolments`, csv, 'text/csv; charset=utf-8')
    expect(submitted.status).toBe(202)
    const job = await jobDone(submitted.body.id)
    expect(job).toMatchObject({
      source: 'csv',
      total: 124,
      done: 124,
      enrolled: 120,
      skipped: 4,
      skippedByReason: { invalid_row: 2, unknown_contact: 1, duplicate_row: 1 },
    })
    expect(job.skippedRows.map((row: { line: number; reason: string }) => [row.line, row.reason])).toEqual([
      [122, 'invalid_row'],
      [123, 'invalid_row'],
      [124, 'unknown_contact'],
      [125, 'duplicate_row'],
    ])
    expect(job.skippedRows[0].message).toBe('line 122: "not-an-address" is not an e-mail address')

    const repeated = await post(`/api/campaigns/${campaignId}/enrolments`, csv, 'text/csv')
    expect(repeated).toMatchObject({ status: 200, body: { id: submitted.body.id } })
    expect(await enrolmentsOf(campaignId)).toHaveLength(120)
  })

  it('ends a job whose rows fill its batches exactly after the last full batch, with no empty one', async () => {
    const campaignId = await liveCampaign({ eventType: 'manual' })
    // 500 rows: one batch's worth (engine/entry-client.ts), none of them a known contact.
    const csv = csvOf(Array.from({ length: 500 }, (_, i) => `niemand.${i}@unbekannt.example;X`))
    const submitted = await post(`/api/campaigns/${campaignId}/enrolments`, csv, 'text/csv')
    expect(submitted.status).toBe(202)
    expect(await jobDone(submitted.body.id)).toMatchObject({ total: 500, done: 500, skippedByReason: { unknown_contact: 500 } })
    const history = await system.client.workflow.getHandle(enrolmentJobWorkflowId(submitted.body.id)).fetchHistory()
    const batches = (history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'enrolJobBatch')
    expect(batches).toHaveLength(1)
  })

  it('refuses uploads without an email column, naming the line', async () => {
    const campaignId = await liveCampaign({ eventType: 'manual' })
    const refused = await post(`/api/campaigns/${campaignId}/enrolments`, 'name,company\nAnna,X\n', 'text/csv')
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'no_email_column', message: expect.stringContaining('line 1') } } })
  })

  it('skips contacts outside a subsidiary marketer\'s subsidiaries as unknown', async () => {
    const campaignId = await liveCampaign({ eventType: 'manual' }, staysAWhile)
    const submitted = await post(`/api/campaigns/${campaignId}/enrolments`, csvOf([claire, jonas]), 'text/csv', { token: system.token({ subs: ['FR'] }) })
    const job = await jobDone(submitted.body.id)
    expect(job).toMatchObject({ enrolled: 1, skippedByReason: { unknown_contact: 1 } })
    expect(await enrolmentsOf(campaignId)).toEqual([{ email: claire, status: 'active' }])
  })

  it('enrols a whole segment, skipping who is already in, and not twice when asked again', async () => {
    const campaignId = await liveCampaign({ eventType: 'manual' }, staysAWhile)
    const segment = await system.api('/api/segments', { body: { name: 'German contacts', filter: { match: 'all', rules: [{ kind: 'subsidiary', codes: ['DE'] }] } } })
    const members = (await system.api(`/api/segments/${segment.body.id}/count`)).body.count
    expect(members).toBe(124)
    expect((await enrol(campaignId, { email: jonas })).status).toBe(201)

    const submitted = await enrol(campaignId, { segmentId: segment.body.id })
    expect(submitted.status).toBe(202)
    const job = await jobDone(submitted.body.id)
    expect(job).toMatchObject({ source: 'segment', total: members, enrolled: members - 1, skippedByReason: { already_in_campaign: 1 } })
    expect(await enrol(campaignId, { segmentId: segment.body.id })).toMatchObject({ status: 200, body: { id: submitted.body.id } })
    expect(await enrolmentsOf(campaignId)).toHaveLength(members)
    // Another caller's job is not theirs to read, unless they are HQ.
    expect((await system.api(`/api/enrolment-jobs/${submitted.body.id}`, { token: system.token({ subs: ['DE'], sub: 'someone-else' }) })).status).toBe(404)
  })
})
