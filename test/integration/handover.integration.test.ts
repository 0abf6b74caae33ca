import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deriveSecret } from '../../tracking/tokens'
import { BACK_TO_NURTURE_CAMPAIGN } from '../../engine/examples'
import { backToNurtureGraph } from '../../engine/examples/back-to-nurture'
import { scoreDispatchedEvent } from '../../engine/scoring/dispatch'
import type { ReceivedMail } from '../../server/smtp-sink'
import { startCrmReceiver, type CrmReceiver } from '../helpers/crm-receiver'
import { linearCampaign } from '../helpers/graphs'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The sales handover end to end on the real components: events posted to the API raise a contact's
// scores into A1, the dispatcher starts one handover workflow, which routes by postal code, mails the
// dossier to rep and manager over SMTP, pushes it signed to a local CRM receiver, takes the contact out
// of nurture, and reminds the rep after the (here 3 s) SLA, then the manager.
let system: TestSystem
let crm: CrmReceiver
let salesToken: string
beforeAll(async () => {
  system = await startTestSystem()
  crm = await startCrmReceiver(deriveSecret(system.config.appSecret!, 'webhook'))
  crm.failNext(1) // the first push meets a CRM in maintenance: retried with backoff
  salesToken = await system.token({ sub: 'sabine.vogel@kessler-hydraulik.example', role: 'sales', subs: ['DE'] })
  const model = await system.api('/api/scoring/model', { method: 'PUT', body: { handover: { sla: '3s', crmWebhookUrl: crm.url } } })
  expect(model.status).toBe(202)
  // A nurture campaign the e-book form enters, long enough to be running when the handover comes.
  await liveCampaign('E-book nurture (test)', 'nurture', linearCampaign({ eventType: 'form_submitted' }, [{ id: 'wait', type: 'wait', config: { duration: '30d' } }]))
  // Where rejected leads go back to: the demo's campaign, resting 2 s instead of a month.
  await liveCampaign(BACK_TO_NURTURE_CAMPAIGN, 'nurture', backToNurtureGraph({ restFor: '2s' }))
})
afterAll(async () => {
  await system?.stop()
  await crm?.stop()
})

async function liveCampaign(name: string, kind: string, graph: unknown): Promise<string> {
  const created = await system.api('/api/campaigns', { body: { name, kind, graph } })
  expect(created.status).toBe(201)
  const published = await system.api(`/api/campaigns/${created.body.id}/publish`, { body: {} })
  expect(published.status, JSON.stringify(published.body)).toBe(201)
  return created.body.id
}

const PETER = { position: 'Production Manager', industry: 'Machine tools', employees: 240, interests: ['hydraulic components'], postal_code: '70173', country: 'DE' }

async function post(email: string, type: string, properties: Record<string, unknown> = {}, attributes?: Record<string, unknown>) {
  const response = await system.api('/api/events', { body: { type, contact: { email, subsidiary: 'DE', ...(attributes && { attributes }) }, properties } })
  expect(response.status, JSON.stringify(response.body)).toBe(202)
  return response.body as { eventId: string; contactId: string }
}

/** 10 (form) + 8 (download) + 2 × 10 (pricing page) + 4 × 3 (clicks) = 50 points: activity level 1. */
async function hotStream(email: string) {
  const first = await post(email, 'form_submitted', { form: 'ebook-antriebslosigkeit' }, PETER)
  await expect.poll(async () => (await system.sql`select 1 from enrolments where contact_id = ${first.contactId} and status = 'active'`).length, { timeout: 15_000 }).toBe(1)
  // The rest arrive at once, as a burst of tracked behaviour would.
  const rest = await Promise.all([
    post(email, 'download', { url: 'https://kessler-hydraulik.example/ebook.pdf' }),
    post(email, 'visit', { path: '/de/preise' }),
    post(email, 'visit', { path: '/de/preise/hydrostat' }),
    ...Array.from({ length: 4 }, () => post(email, 'click', { url: 'https://kessler-hydraulik.example/energie' })),
  ])
  return { contactId: first.contactId, eventIds: [first.eventId, ...rest.map((r) => r.eventId)] }
}

const to = (address: string, subject?: RegExp) => (mail: ReceivedMail) => mail.to.includes(address) && (!subject || subject.test(mail.subject))

describe('a contact whose events cross the threshold is handed to sales once', () => {
  let contactId: string
  let handoverId: string
  const email = 'paul.produktion@hydro-werkzeug.example'

  it('hands over once, to the rep of the postal code, with both mails, the CRM push and the nurture left', async () => {
    const stream = await hotStream(email)
    contactId = stream.contactId
    await expect.poll(async () => (await system.sql`select count(*)::int as n from events where contact_id = ${contactId} and dispatched_at is null`)[0]!.n, { timeout: 20_000 }).toBe(0)
    // A second dispatcher instance handling the same events at the same moment changes nothing.
    const events = await system.sql<{ id: string; account_id: string; contact_id: string; properties: Record<string, unknown> }[]>`
      select id, account_id, contact_id, properties from events where contact_id = ${contactId}`
    await Promise.all(events.map((event) => scoreDispatchedEvent({ sql: system.sql, client: system.client, taskQueue: system.config.temporal.taskQueue }, event)))

    const handovers = await system.sql<{ id: string; cell: string; qualification: number; rep: string; routed_by: string }[]>`
      select h.id, h.cell, h.qualification, r.email as rep, h.routed_by from handovers h join sales_reps r on r.id = h.rep_id where h.contact_id = ${contactId}`
    expect(handovers).toHaveLength(1)
    handoverId = handovers[0]!.id
    // 70173 (Stuttgart) is in 50000–99999: Sabine Vogel's territory, not Stefan Krüger's.
    expect(handovers[0]).toMatchObject({ cell: 'A1', qualification: 1, rep: 'sabine.vogel@kessler-hydraulik.example', routed_by: 'territory' })

    const [report] = await system.sink!.waitFor(to('sabine.vogel@kessler-hydraulik.example', /^Lead handover/), 1, 20_000)
    await system.sink!.waitFor(to('petra.lang@kessler-hydraulik.example', /^Lead handover/), 1, 20_000)
    expect(report!.subject).toContain('A1')
    expect(report!.text).toContain(email)
    expect(report!.text).toMatch(/Peter Produzent 100 %/)
    expect(report!.text).toMatch(/visit \/de\/preise/)

    const [contact] = await system.sql`select lifecycle_stage, lifecycle_stage_at from contacts where id = ${contactId}`
    expect(contact!.lifecycle_stage).toBe('mql')
    expect(contact!.lifecycle_stage_at).toBeInstanceOf(Date)

    await expect.poll(async () => (await system.sql`select e.status, e.exit_reason from enrolments e join campaigns c on c.id = e.campaign_id where e.contact_id = ${contactId} and c.name = 'E-book nurture (test)'`)[0], { timeout: 20_000 })
      .toEqual({ status: 'exited', exit_reason: 'handed_over' })

    // The CRM refused the first try (503); the retry delivered the signed dossier.
    await expect.poll(() => crm.received.length, { timeout: 30_000 }).toBe(1)
    expect(crm.received[0]!.body).toMatchObject({ type: 'lead.handover', handoverId, cell: 'A1', contact: { email }, rep: { email: 'sabine.vogel@kessler-hydraulik.example' } })
    expect(crm.received[0]!.body.timeline.length).toBe(8)
    expect(crm.received[0]!.idempotencyKey).toBe(`handover-${handoverId}`)
    const state = await system.api(`/api/handovers/${handoverId}`)
    expect(state.body).toMatchObject({ crmStatus: 'delivered', crmAttempts: 2, status: 'open' })

    // The events' score changes name their event. (An "initial" or attribute change may come first when
    // the account's first scoring pass meets the new contact before its events do.)
    const changes = await system.sql`select cause, event_id from score_changes where contact_id = ${contactId}`
    expect(changes.length).toBeGreaterThan(0)
    expect(changes.filter((c) => c.cause === 'event').length).toBeGreaterThan(0)
    expect(changes.filter((c) => c.cause === 'event' && !c.event_id)).toEqual([])
  })

  it('reminds the rep when the SLA passes unanswered, then the manager', async () => {
    const [reminder] = await system.sink!.waitFor(to('sabine.vogel@kessler-hydraulik.example', /^Reminder/), 1, 20_000)
    expect(reminder!.text).toContain(email)
    await system.sink!.waitFor(to('petra.lang@kessler-hydraulik.example', /^Unanswered lead/), 1, 20_000)
    // Each mail once: report ×2, reminder, escalation.
    const mails = system.sink!.mails().filter((mail) => mail.headers['x-kessler-handover'] === handoverId)
    expect(mails.map((mail) => mail.subject.split(':')[0]).sort()).toEqual(['Lead handover', 'Lead handover', 'Reminder', 'Unanswered lead'])
  })

  it('a rejection with a reason sends the lead back into nurture', async () => {
    const refused = await system.api(`/api/handovers/${handoverId}/reject`, { body: {}, token: salesToken })
    expect(refused.status).toBe(400)
    expect(refused.body.error.field).toBe('reason')
    const marketer = await system.api(`/api/handovers/${handoverId}/reject`, { body: { reason: 'student' } })
    expect(marketer.status).toBe(403)

    await system.sql`update contacts set consent_status = 'granted', consent_source = 'double opt-in (test)', consent_at = now() where id = ${contactId}`
    const rejected = await system.api(`/api/handovers/${handoverId}/reject`, { body: { reason: 'no budget before 2027' }, token: salesToken })
    expect(rejected.status).toBe(200)
    const again = await system.api(`/api/handovers/${handoverId}/accept`, { body: {}, token: salesToken })
    expect(again.status).toBe(409)

    // Back in nurture: marked recycled, and after the rest the savings mail (the lead had confirmed the opt-in).
    await expect.poll(async () => (await system.sql`select e.status from enrolments e join campaigns c on c.id = e.campaign_id where e.contact_id = ${contactId} and c.name = ${BACK_TO_NURTURE_CAMPAIGN}`)[0]?.status, { timeout: 20_000 }).toBe('active')
    await expect.poll(async () => (await system.sql`select tags, attributes->>'lead_status' as status from contacts where id = ${contactId}`)[0], { timeout: 20_000 })
      .toMatchObject({ status: 'recycled', tags: expect.arrayContaining(['recycled']) })
    const [news] = await system.sink!.waitFor(to(email, /^Weniger Energie/), 1, 20_000)
    expect(news!.html).toContain('Einsparung berechnen')
    const lead = await system.api(`/api/leads/${contactId}`)
    expect(lead.body.lifecycleStage).toBe('nurture')
    expect(lead.body.lifecycle.at(-1)).toMatchObject({ stage: 'nurture', reason: 'no budget before 2027' })
    expect(lead.body.handovers[0]).toMatchObject({ status: 'rejected', reason: 'no budget before 2027' })
    // The workflow took the answer: no further mail, and it completed.
    const result = await system.client.workflow.getHandle(`handover-${contactId}-1`).result()
    expect(result).toMatchObject({ phase: 'decided', decision: 'rejected', crm: 'delivered' })
  })
})

describe('accepting and the later stages', () => {
  it('a rep accepts (SAL), then records SQL, opportunity and won in order', async () => {
    const email = 'greta.guss@guss-werkzeugmaschinen.example'
    const { contactId } = await hotStream(email)
    // Routed (a rep chosen) by the handover workflow shortly after the row appears.
    await expect.poll(async () => (await system.sql`select id from handovers where contact_id = ${contactId} and rep_id is not null`).length, { timeout: 20_000 }).toBe(1)
    const [handover] = await system.sql<{ id: string; rep: string }[]>`select h.id, r.email as rep from handovers h join sales_reps r on r.id = h.rep_id where h.contact_id = ${contactId}`
    // A sales rep answers for the leads routed to them (round robin picked this one).
    const salesToken = await system.token({ sub: handover!.rep, role: 'sales', subs: ['DE'] })
    const accepted = await system.api(`/api/handovers/${handover!.id}/accept`, { body: {}, token: salesToken })
    expect(accepted.status).toBe(200)
    const skip = await system.api(`/api/leads/${contactId}/stage`, { body: { stage: 'won' }, token: salesToken })
    expect(skip.status).toBe(409)
    expect(skip.body.error.field).toBe('stage')
    for (const stage of ['sql', 'opportunity', 'won']) {
      const moved = await system.api(`/api/leads/${contactId}/stage`, { body: { stage }, token: salesToken })
      expect(moved.status, JSON.stringify(moved.body)).toBe(200)
    }
    const lead = await system.api(`/api/leads/${contactId}`)
    expect(lead.body.lifecycle.map((change: { stage: string }) => change.stage)).toEqual(['mql', 'sal', 'sql', 'opportunity', 'won'])
  })
})
