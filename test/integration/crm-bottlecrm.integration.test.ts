import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReceivedMail } from '../../server/smtp-sink'
import { startBottleCrm, type BottleCrm } from '../helpers/bottlecrm'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { syncNow as syncCrmNow } from '../helpers/crm-sync'

// The CRM in both directions against a real BottleCRM (PyPI django-crm, started by tools/bottlecrm): data
// is made in the CRM through its own REST API and watched arriving in the product, and the reverse.
let system: TestSystem
let crm: BottleCrm
let adminToken: string
const SABINE = 'sabine.vogel@kessler-hydraulik.example'

beforeAll(async () => {
  ;[crm, system] = await Promise.all([startBottleCrm({ reps: [SABINE, 'stefan.krueger@kessler-hydraulik.example'] }), startTestSystem({ env: { CRM_PAGE_SIZE: '50' } })])
  adminToken = await system.token({ sub: 'hq-admin', role: 'admin', subs: '*' })
}, 600_000)
afterAll(async () => {
  await system?.stop()
  await crm?.stop()
})

const to = (address: string) => (mail: ReceivedMail) => mail.to.includes(address)
const trackedLinks = (mail: ReceivedMail) => [...mail.html.matchAll(/href="([^"]*\/t\/c\/[^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, '&'))

const syncNow = () => syncCrmNow(system, adminToken)

async function crmContact(id: string) {
  return (await crm.api('GET', `contacts/${id}/`)).contact_obj
}

describe('connecting the CRM', () => {
  it('refuses a wrong token naming the field, stores a good one sealed and never answers it back', async () => {
    const wrong = await system.api('/api/crm/connection', { method: 'PUT', token: adminToken, body: { kind: 'bottlecrm', url: crm.url, token: 'bcrm_pat_not-a-token' } })
    expect(wrong.status).toBe(422)
    expect(wrong.body.error.field).toBe('token')
    const marketer = await system.api('/api/crm/connection', { method: 'PUT', body: { kind: 'bottlecrm', url: crm.url, token: crm.token } })
    expect(marketer.status).toBe(403)
    const saved = await system.api('/api/crm/connection', { method: 'PUT', token: adminToken, body: { kind: 'bottlecrm', url: crm.url, token: crm.token, syncEvery: 'off' } })
    expect(saved.status, JSON.stringify(saved.body)).toBe(200)
    expect(JSON.stringify(saved.body)).not.toContain(crm.token)
    const [stored] = await system.sql<{ credentials_encrypted: string }[]>`select credentials_encrypted from crm_connections`
    expect(stored!.credentials_encrypted).not.toContain(crm.token.slice(9))
    expect(stored!.credentials_encrypted).toMatch(/^v1\./)
  })
})

describe('from the CRM into campaigns and back', () => {
  let contactId: string
  let crmId: string
  let campaignId: string
  let ottoCrmId: string
  let ottoId: string

  it('a contact created in BottleCRM is in the cross-sell campaign after the next sync, mailed only with consent', async () => {
    const graph = {
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { kind: 'event', eventType: 'crm.contact_created', filter: {}, reEntry: 'never' } },
        { id: 'overview', type: 'send_email', position: { x: 0, y: 120 }, config: { template: 'crosssell-overview' } },
        { id: 'click', type: 'wait_for_event', position: { x: 0, y: 240 }, config: { eventType: 'click', filter: {}, timeout: '2m' } },
        { id: 'handover', type: 'handover', position: { x: 0, y: 360 }, config: {} },
        { id: 'end', type: 'end', position: { x: 200, y: 360 }, config: {} },
      ],
      edges: [
        { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'overview' },
        { id: 'e2', source: 'overview', sourceHandle: 'next', target: 'click' },
        { id: 'e3', source: 'click', sourceHandle: 'event', target: 'handover' },
        { id: 'e4', source: 'click', sourceHandle: 'timeout', target: 'end' },
      ],
    }
    const created = await system.api('/api/campaigns', { body: { name: 'Cross-sell for CRM customers (test)', kind: 'cross_sell', graph } })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    campaignId = created.body.id
    expect((await system.api(`/api/campaigns/${campaignId}/publish`, { body: {} })).status).toBe(201)

    const withConsent = await crm.api('POST', 'contacts/', { first_name: 'Jana', last_name: 'Krämer', email: 'Jana.Kraemer@kraemer-pressen.example', organization: 'Krämer Pressen GmbH', postcode: '70173', country: 'DE', custom_fields: { email_opt_in: true, email_opt_in_source: 'signed trade fair form' } })
    crmId = withConsent.id
    const without = await crm.api('POST', 'contacts/', { first_name: 'Otto', last_name: 'Ohne', email: 'otto@ohne-einwilligung.example', organization: 'Ohne AG', postcode: '10115', country: 'DE' })
    const run = await syncNow()
    expect(run).toMatchObject({ status: 'done', errors: 0 })
    expect(run.recordsIn).toBeGreaterThanOrEqual(2)

    const [jana] = await system.sql<{ id: string; email: string; consent_status: string; consent_source: string; subsidiary: string; company: string }[]>`
      select c.id, c.email, c.consent_status, c.consent_source, s.code as subsidiary, c.company from contacts c join subsidiaries s on s.id = c.subsidiary_id join crm_links l on l.contact_id = c.id where l.crm_id = ${crmId}`
    expect(jana).toMatchObject({ email: 'Jana.Kraemer@kraemer-pressen.example', consent_status: 'granted', subsidiary: 'DE', company: 'Krämer Pressen GmbH' })
    expect(jana!.consent_source).toBe('crm (obtained outside: signed trade fair form)')
    contactId = jana!.id
    await expect.poll(async () => (await system.sql`select 1 from enrolments where contact_id = ${contactId} and campaign_id = ${campaignId}`).length, { timeout: 30_000 }).toBe(1)
    await system.sink!.waitFor(to('Jana.Kraemer@kraemer-pressen.example'), 1, 30_000)
    // Otto is in the campaign too, but without consent in the CRM no mail goes out: suppressed, not sent.
    const [otto] = await system.sql<{ id: string }[]>`select l.contact_id as id from crm_links l where l.crm_id = ${without.id}`
    ottoCrmId = without.id
    ottoId = otto!.id
    await expect.poll(async () => (await system.sql<{ status: string }[]>`select status from messages where contact_id = ${otto!.id}`).map((m) => m.status), { timeout: 30_000 }).toEqual(['suppressed'])
    const profile = await system.api(`/api/contacts/${contactId}/profile`)
    expect(profile.body.provenance.find((p: { attribute: string }) => p.attribute === 'company')).toMatchObject({ source: 'crm' })
    expect(profile.body.consent[0]).toMatchObject({ status: 'granted', source: 'crm (obtained outside: signed trade fair form)' })
    // Consent the CRM records needs no asking; Otto, without any, is offered the double opt-in mail.
    expect(profile.body.offerDoubleOptIn).toBe(false)
    expect((await system.api(`/api/contacts/${otto!.id}/profile`)).body.offerDoubleOptIn).toBe(true)
  })

  it('the click in the campaign mail shows on the CRM record; the handover makes a lead assigned to the routed rep', async () => {
    const [mail] = system.sink!.mails().filter(to('Jana.Kraemer@kraemer-pressen.example'))
    const click = await fetch(trackedLinks(mail!)[0]!, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0' } })
    expect(click.status).toBe(302)
    await expect.poll(async () => (await system.sql`select 1 from handovers where contact_id = ${contactId}`).length, { timeout: 30_000 }).toBe(1)
    await expect.poll(async () => (await system.sql<{ crm_status: string }[]>`select crm_status from handovers where contact_id = ${contactId}`)[0]!.crm_status, { timeout: 30_000 }).toBe('delivered')

    // Jana tells the website what she does: she matches the Peter Produzent persona and her profile score moves.
    const visit = await system.api('/api/events', { body: { type: 'page_view', contact: { email: 'Jana.Kraemer@kraemer-pressen.example', attributes: { position: 'Produktionsleiterin', industry: 'Werkzeugmaschinen', employees: 120, interests: ['hydraulik-komponenten'] } }, properties: { url: 'https://kessler.example/hydraulik' } } })
    expect(visit.status).toBe(202)
    await expect.poll(async () => (await system.sql`select 1 from contact_personas where contact_id = ${contactId} and match_percent >= 70`).length, { timeout: 30_000 }).toBe(1)

    const run = await syncNow()
    expect(run.recordsOut).toBeGreaterThanOrEqual(1)
    const record = await crmContact(crmId)
    // Scores, persona matches and lifecycle as the product holds them, read back through BottleCRM's own API.
    const [scores] = await system.sql<{ grade: string; level: number; personas: string }[]>`
      select s.profile_grade as grade, s.activity_level as level,
        (select string_agg(p.name || ' ' || cp.match_percent || '%', ', ') from contact_personas cp join personas p on p.id = cp.persona_id where cp.contact_id = s.contact_id) as personas
      from contact_scores s where s.contact_id = ${contactId}`
    expect(scores!.grade).toMatch(/^[A-D]$/)
    expect(scores!.level).toBeGreaterThanOrEqual(1)
    expect(record.custom_fields).toMatchObject({
      kessler_profile_grade: scores!.grade,
      kessler_activity_level: String(scores!.level),
      kessler_score_cell: `${scores!.grade}${scores!.level}`,
      kessler_personas: expect.stringMatching(/^Peter Produzent \d+%$/),
    })
    expect(record.custom_fields.kessler_personas).toBe(scores!.personas)
    // "Which customer clicked which content": the clicked link's content tag (its URL when untagged).
    const [clicked] = await system.sql<{ label: string }[]>`select coalesce(properties->>'tag', properties->>'url') as label from events where contact_id = ${contactId} and type = 'click'`
    expect(record.custom_fields.kessler_content_clicked).toBe(clicked!.label)
    expect(record.custom_fields.kessler_campaigns).toContain('Cross-sell for CRM customers (test)')
    expect(record.custom_fields.kessler_lifecycle).toBe('mql')

    const [lead] = await system.sql<{ crm_id: string }[]>`select crm_id from crm_links where object_type = 'lead' and contact_id = ${contactId}`
    const crmLead = (await crm.api('GET', `leads/${lead!.crm_id}/`)).lead_obj
    expect(crmLead.email).toBe('Jana.Kraemer@kraemer-pressen.example')
    // 70173 lies in Sabine Vogel's territory (50000–99999), not Stefan Krüger's.
    expect(crmLead.assigned_to.map((p: any) => p.user_details.email)).toEqual([SABINE])
    expect(crmLead.description).toContain('Handed over by Kessler Campaigns')

    // A second sync pushes nothing: the values are what the CRM already has.
    expect((await syncNow()).recordsOut).toBe(0)
  })

  it('moving its opportunity to won in the CRM makes its revenue appear in the campaign report; a lost one makes the contact lost', async () => {
    const today = new Date().toISOString().slice(0, 10)
    // The campaign cost something, so the manager reads a return on investment beside the revenue.
    expect((await system.api(`/api/campaigns/${campaignId}/costs`, { body: { category: 'agency', amount: 2000, date: today, subsidiary: 'DE' } })).status).toBe(201)
    const deal = await crm.api('POST', 'opportunities/', { name: 'Krämer service kit', stage: 'NEGOTIATION', amount: '18500', contacts: [crmId], closed_on: '2026-12-20' })
    // Its products, as a CRM user enters them: line items priced so the deal's amount stays what it was.
    await crm.api('POST', `opportunities/${deal.id}/line-items/`, { name: 'Seal kit SK-40', quantity: 1, unit_price: '12500' })
    await crm.api('POST', `opportunities/${deal.id}/line-items/`, { name: 'Service visit', quantity: 1, unit_price: '6000' })
    // Otto's deal is still being qualified in the CRM: he is a sales-qualified lead, not yet an opportunity.
    const lostDeal = await crm.api('POST', 'opportunities/', { name: 'Ohne press line', stage: 'QUALIFICATION', amount: '40000', contacts: [ottoCrmId], closed_on: '2026-12-31' })
    await syncNow()
    const open = await system.sql`select stage, amount_net::float as amount, products, to_char(closed_on, 'YYYY-MM-DD') as closed from opportunities where source_id = ${deal.id}`
    expect(open).toEqual([{ stage: 'open', amount: 18500, products: ['Seal kit SK-40', 'Service visit'], closed: null }])
    expect((await system.sql`select lifecycle_stage from contacts where id = ${contactId}`)[0]!.lifecycle_stage).toBe('opportunity')
    expect((await system.sql`select lifecycle_stage from contacts where id = ${ottoId}`)[0]!.lifecycle_stage).toBe('sql')
    const report = async () => {
      await system.attribution.drain()
      const overview = await system.api(`/api/reports/overview?campaign=${campaignId}`)
      expect(overview.status, JSON.stringify(overview.body)).toBe(200)
      return overview.body.campaigns.find((c: { campaignId: string }) => c.campaignId === campaignId)
    }
    // An open deal is pipeline, not revenue.
    expect(await report()).toMatchObject({ revenue: 0, won: 0, cost: 2000 })

    await crm.api('PATCH', `opportunities/${deal.id}/`, { stage: 'CLOSED_WON', closed_on: today })
    await crm.api('PATCH', `opportunities/${lostDeal.id}/`, { stage: 'CLOSED_LOST', closed_on: today })
    await syncNow()
    const rows = await system.sql`select stage, crm_stage, amount_net::float as amount, contact_id, products, to_char(closed_on, 'YYYY-MM-DD') as closed from opportunities where source_id = ${deal.id}`
    expect(rows).toEqual([{ stage: 'won', crm_stage: 'CLOSED_WON', amount: 18500, contact_id: contactId, products: ['Seal kit SK-40', 'Service visit'], closed: today }])
    expect((await system.sql`select lifecycle_stage from contacts where id = ${contactId}`)[0]!.lifecycle_stage).toBe('won')
    expect((await system.sql`select stage from opportunities where source_id = ${lostDeal.id}`)[0]!.stage).toBe('lost')
    expect((await system.sql`select lifecycle_stage from contacts where id = ${ottoId}`)[0]!.lifecycle_stage).toBe('lost')

    // What the manager reads: the campaign that touched Jana is credited with the deal, and its ROI follows.
    const credited = await report()
    expect(credited).toMatchObject({ won: 1, revenue: 18500, cost: 2000 })
    expect(credited.kpis.roi).toBeCloseTo((18500 - credited.production - 2000) / 2000, 5)
    const drill = await system.api(`/api/reports/drill?campaign=${campaignId}&stage=revenue`)
    expect(drill.body.opportunities).toEqual([expect.objectContaining({ name: 'Krämer service kit', amountNet: 18500, credited: 18500 })])
    // Jana's 360° profile: the deal from the CRM, the handover, the campaign with its path, the click, the score history.
    const profile = (await system.api(`/api/contacts/${contactId}/profile`)).body
    expect(profile.opportunities).toEqual([expect.objectContaining({ name: 'Krämer service kit', stage: 'won', crmStage: 'CLOSED_WON', amount: 18500, products: ['Seal kit SK-40', 'Service visit'], source: 'crm' })])
    expect(profile.handovers).toEqual([expect.objectContaining({ crmStatus: 'delivered', rep: expect.stringMatching(/Sabine Vogel/) })])
    expect(profile.campaigns).toEqual([expect.objectContaining({ campaign: 'Cross-sell for CRM customers (test)' })])
    expect(profile.campaigns[0].path.map((step: { node: string }) => step.node)).toEqual(expect.arrayContaining(['overview', 'click', 'handover']))
    expect(profile.timeline.map((event: { type: string }) => event.type)).toEqual(expect.arrayContaining(['crm.contact_created', 'click']))
    expect(profile.scoreHistory.length).toBeGreaterThanOrEqual(1)
    // A sync with nothing changed in the CRM leaves the deal (and its revenue) as it was: counted once.
    await syncNow()
    expect((await report()).revenue).toBe(18500)
  })

  it('an e-mail change in the CRM keeps one contact, with the new address', async () => {
    await crm.api('PATCH', `contacts/${crmId}/`, { email: 'jana.kraemer@new-domain.example' })
    await syncNow()
    const rows = await system.sql<{ id: string; email: string }[]>`select id, email from contacts where email ilike '%kraemer%'`
    expect(rows).toEqual([{ id: contactId, email: 'jana.kraemer@new-domain.example' }])
  })
})

describe('the CRM goes down in the middle of a sync', () => {
  it('says "retrying" with the reason while it is down, then goes on from its page: nothing lost, nothing doubled', async () => {
    const emails = Array.from({ length: 120 }, (_, i) => `fault-${String(i).padStart(3, '0')}@fault-test.example`)
    for (let i = 0; i < emails.length; i += 15) {
      await Promise.all(emails.slice(i, i + 15).map((email, j) => crm.api('POST', 'contacts/', { first_name: 'Fault', last_name: `Test ${i + j}`, email, organization: 'Fault GmbH', country: 'DE' })))
    }
    const workflowId = `crm-sync-fault-${Date.now()}`
    const handle = await system.client.workflow.start('crmSync', { taskQueue: system.config.temporal.taskQueue, workflowId, args: [{ accountId: system.demoAccountId!, trigger: 'manual', maxRetryInterval: '1s' }] })
    // Down after the first page (50 contacts) is in, before the walk is through.
    await expect.poll(async () => (await system.sql`select 1 from crm_sync_runs where status = 'running' and page is not null and stream = 'contact'`).length, { timeout: 60_000, interval: 20 }).toBe(1)
    await crm.stopServer()
    await expect.poll(async () => (await system.api('/api/crm/runs')).body.runs[0], { timeout: 30_000 }).toMatchObject({ status: 'retrying', lastError: expect.stringMatching(/did not answer/) })
    await crm.startServer()
    const { runId } = await handle.result()
    const run = (await system.api('/api/crm/runs')).body.runs.find((r: { id: string }) => r.id === runId)
    expect(run).toMatchObject({ status: 'done', errors: 0 })
    const [counts] = await system.sql<{ contacts: number; distinct_emails: number; links: number }[]>`
      select count(*)::int as contacts, count(distinct lower(email))::int as distinct_emails,
        (select count(*)::int from crm_links l join contacts c on c.id = l.contact_id where c.email like 'fault-%') as links
      from contacts where email like 'fault-%'`
    expect(counts).toEqual({ contacts: 120, distinct_emails: 120, links: 120 })
    // One "new in the CRM" event per contact, however often a page was tried.
    expect((await system.sql`select count(*)::int as n from events e join contacts c on c.id = e.contact_id where c.email like 'fault-%' and e.type = 'crm.contact_created'`)[0]!.n).toBe(120)
  }, 600_000)
})
