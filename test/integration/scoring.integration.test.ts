import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDecayJobs, rescorePage } from '../../activities/scoring'
import { linearCampaign } from '../helpers/graphs'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Personas, scores and the matrix on the real system: the seeded contacts get their first scores from
// the initial rescore job, events move contacts between cells, a model change rescores everyone with
// progress, persona rules filter segments and branch conditions, the daily decay pass records cell
// changes, and a handover step hands a lead over from inside a campaign.
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem()
})
afterAll(() => system?.stop())

const PETER = { position: 'Production Manager', industry: 'Machine tools', employees: 240, interests: ['hydraulic components'] }

async function post(email: string, type: string, attributes?: Record<string, unknown>, subsidiary = 'DE') {
  const response = await system.api('/api/events', { body: { type, contact: { email, subsidiary, ...(attributes && { attributes }) }, properties: {} } })
  expect(response.status, JSON.stringify(response.body)).toBe(202)
  return response.body as { eventId: string; contactId: string }
}

const dispatched = (contactId: string) =>
  expect.poll(async () => (await system.sql`select count(*)::int as n from events where contact_id = ${contactId} and dispatched_at is null`)[0]!.n, { timeout: 20_000 }).toBe(0)

async function liveCampaign(name: string, graph: unknown): Promise<string> {
  const created = await system.api('/api/campaigns', { body: { name, kind: 'custom', graph } })
  const published = await system.api(`/api/campaigns/${created.body.id}/publish`, { body: {} })
  expect(published.status, JSON.stringify(published.body)).toBe(201)
  return created.body.id
}

describe('the scoring matrix', () => {
  it('counts the seeded contacts after the initial scoring, within the caller’s subsidiaries', async () => {
    // Seeded contacts: consent granted (15 of 100 profile points) and no activity: all in D4.
    await expect.poll(async () => (await system.api('/api/leads/matrix')).body.total, { timeout: 30_000 }).toBe(12)
    const all = await system.api('/api/leads/matrix')
    expect(all.body.cells.D4).toBe(12)
    expect(all.body.handoverCells).toEqual(['A1', 'B1'])
    const fr = await system.api('/api/leads/matrix', { token: system.token({ subs: ['FR'] }) })
    expect(fr.body).toMatchObject({ total: 3, cells: { D4: 3, A1: 0 } })
    const listed = await system.api('/api/leads?cell=D4', { token: system.token({ subs: ['FR'] }) })
    expect(listed.body.leads.map((lead: { subsidiary: string }) => lead.subsidiary)).toEqual(['FR', 'FR', 'FR'])
    const bad = await system.api('/api/leads?cell=E9')
    expect(bad.status).toBe(400)
    expect(bad.body.error.field).toBe('cell')
  })

  it('moves a lead across cells as its events arrive, and exports a cell as CSV', async () => {
    const email = 'hanna.hub@hub-werkzeugmaschinen.example'
    const { contactId } = await post(email, 'click', PETER)
    await dispatched(contactId)
    // Peter 100 % × 70 + position 15 = 85 → A; one click = 3 points → level 4.
    expect((await system.api(`/api/leads/${contactId}`)).body.lead).toMatchObject({ cell: 'A4', profilePoints: 85, activityPoints: 3 })
    for (const type of ['download', 'form_submitted']) {
      await post(email, type)
      await dispatched(contactId)
    }
    // 3 + 8 + 10 = 21 → level 3.
    const lead = await system.api(`/api/leads/${contactId}`)
    expect(lead.body.lead).toMatchObject({ cell: 'A3', activityPoints: 21 })
    expect(lead.body.personas).toEqual([{ slug: 'peter-produzent', name: 'Peter Produzent', match: 100, matches: true }])
    // Newest first: 3 + 8 = 11 (level 3), then 21 (still 3; the points changed, so it is recorded).
    expect(lead.body.scoreChanges.map((c: { cause: string; activityAfter: number; activityPoints: number }) => `${c.cause}:${c.activityAfter}:${c.activityPoints}`)).toEqual([
      'event:3:21',
      'event:3:11',
      'event:4:3',
    ])

    const csv = await fetch(`${system.url}/api/leads/export.csv?cell=A3`, { headers: { authorization: `Bearer ${await system.token()}` } })
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/)
    const lines = (await csv.text()).trim().split('\r\n')
    expect(lines[0]).toBe('email,name,company,subsidiary,cell,profilePoints,activityPoints,lifecycleStage')
    expect(lines.slice(1)).toEqual([`${email},,,DE,A3,85,21,lead`])
  })

  it('a model change rescores every contact, with progress, and records the cause', async () => {
    const invalid = await system.api('/api/scoring/model', { method: 'PUT', body: { profile: { criteria: [{ kind: 'persona', persona: 'nobody', weight: 10 }] } } })
    expect(invalid.status).toBe(400)
    expect(invalid.body.error.field).toBe('profile.criteria.0.persona')
    const forbidden = await system.api('/api/scoring/model', { method: 'PUT', body: {}, token: system.token({ subs: ['FR'] }) })
    expect(forbidden.status).toBe(403)

    // Only consent counts now: 15 of 15 → the seeded contacts with consent are A, Pablo (none) and Hanna D.
    const changed = await system.api('/api/scoring/model', { method: 'PUT', body: { profile: { criteria: [{ kind: 'rule', rule: { kind: 'consent', status: 'granted' }, weight: 15 }] } } })
    expect(changed.status).toBe(202)
    const job = changed.body.job as { id: string; total: number }
    expect(job.total).toBe(13)
    await expect.poll(async () => (await system.api(`/api/scoring/jobs/${job.id}`)).body, { timeout: 30_000 }).toMatchObject({ status: 'done', done: 13, total: 13 })
    const matrix = await system.api('/api/leads/matrix')
    expect(matrix.body.cells).toMatchObject({ A4: 11, D4: 1, D3: 1 })
    const [change] = await system.sql`select cause, model_version from score_changes where cause = 'model_change' limit 1`
    expect(change).toEqual({ cause: 'model_change', model_version: 1 })
  })

  it('the daily decay pass lowers a cell as time passes and records it as decay', async () => {
    const { contactId, eventId } = await post('dora.decay@decay.example', 'form_submitted')
    await dispatched(contactId)
    expect((await system.api(`/api/leads/${contactId}`)).body.lead.cell).toBe('D3') // 10 points
    // Forty days later: 10 × 2^(−40/30) = 3.97 points → level 4.
    await system.sql`update events set occurred_at = now() - interval '40 days' where id = ${eventId}`
    for (const jobId of await createDecayJobs(system.sql)) while (!(await rescorePage(system.sql, { jobId })).finished);
    const lead = await system.api(`/api/leads/${contactId}`)
    expect(lead.body.lead).toMatchObject({ cell: 'D4', activityPoints: 3.97 })
    expect(lead.body.scoreChanges[0]).toMatchObject({ cause: 'decay', activityBefore: 3, activityAfter: 4 })
    // Contacts whose cell did not change got no decay record.
    expect((await system.sql`select count(*)::int as n from score_changes where cause = 'decay'`)[0]!.n).toBe(1)
  })
})

describe('personas as filters', () => {
  it('a segment and a condition step select contacts matching the persona', async () => {
    const matching = await post('pia.passt@passt-werkzeug.example', 'click', PETER)
    const other = await post('otto.anders@anders-logistik.example', 'click', { position: 'Buyer', industry: 'Logistics' })
    await dispatched(matching.contactId)
    await dispatched(other.contactId)
    const segment = await system.api('/api/segments', { body: { name: 'Peter Produzenten', filter: { match: 'all', rules: [{ kind: 'persona', persona: 'peter-produzent' }] } } })
    expect(segment.status, JSON.stringify(segment.body)).toBe(201)
    const count = await system.api(`/api/segments/${segment.body.id}/count`)
    // Hanna (earlier test) and Pia match; Otto and the seeded contacts do not.
    expect(count.body.count).toBe(2)
    // Scores filter the same way: the DE contacts in D4 are exactly those stored in that cell.
    const cells = await system.api('/api/segments', { body: { name: 'Quiet D leads', filter: { match: 'all', rules: [{ kind: 'score', cells: ['D4'] }, { kind: 'subsidiary', codes: ['DE'] }] } } })
    expect(cells.status, JSON.stringify(cells.body)).toBe(201)
    const inD4 = await system.sql<{ n: number }[]>`select count(*)::int as n from contact_scores cs join contacts c on c.id = cs.contact_id join subsidiaries s on s.id = c.subsidiary_id where cs.profile_grade = 'D' and cs.activity_level = 4 and s.code = 'DE'`
    expect((await system.api(`/api/segments/${cells.body.id}/count`)).body.count).toBe(inD4[0]!.n)
    expect(inD4[0]!.n).toBeGreaterThan(0)

    const graph = linearCampaign({ eventType: 'persona_check' }, [
      { id: 'is-peter', type: 'condition', config: { mode: 'yes_no', match: 'all', rules: [{ kind: 'persona', persona: 'peter-produzent' }] } },
      { id: 'tag-peter', type: 'update_contact', config: { addTags: ['peter'] } },
    ])
    graph.edges = graph.edges.map((edge) => (edge.source === 'is-peter' ? { ...edge, sourceHandle: 'yes' } : edge))
    graph.edges.push({ id: 'no', source: 'is-peter', sourceHandle: 'no', target: 'end' })
    await liveCampaign('Persona branch', graph)
    await post('pia.passt@passt-werkzeug.example', 'persona_check')
    await post('otto.anders@anders-logistik.example', 'persona_check')
    const tags = async (id: string) => (await system.sql`select tags from contacts where id = ${id}`)[0]!.tags
    await expect.poll(() => tags(matching.contactId), { timeout: 20_000 }).toEqual(['peter'])
    await expect.poll(async () => (await system.sql`select status from enrolments where contact_id = ${other.contactId}`)[0]?.status, { timeout: 20_000 }).toBe('completed')
    expect(await tags(other.contactId)).toEqual([])
  })

  it('a persona change is validated and rescored', async () => {
    const bad = await system.api('/api/personas', { body: { slug: 'Bad Slug', name: 'x', criteria: [], threshold: 50 } })
    expect(bad.status).toBe(400)
    expect(bad.body.error.field).toBe('slug')
    const created = await system.api('/api/personas', {
      body: { slug: 'einkaeufer-erwin', name: 'Einkäufer Erwin', threshold: 50, criteria: [{ kind: 'contains_any', attribute: 'position', values: ['buyer', 'einkauf'], weight: 1 }] },
    })
    expect(created.status).toBe(201)
    await expect.poll(async () => (await system.api(`/api/scoring/jobs/${created.body.job.id}`)).body.status, { timeout: 30_000 }).toBe('done')
    const personas = await system.api('/api/personas')
    expect(personas.body.personas.map((p: { slug: string; matchingContacts: number }) => [p.slug, p.matchingContacts])).toEqual([
      ['einkaeufer-erwin', 1],
      ['peter-produzent', 2],
    ])
  })

  it("a trigger's audience lets in only persona matches, judged on the attributes the triggering event brings", async () => {
    const bad = await system.api('/api/campaigns', {
      body: { name: 'Audience typo', kind: 'custom', graph: linearCampaign({ eventType: 'form_submitted', filter: {}, audience: [{ kind: 'attribute', attribute: 'employees', operator: 'greater_than', value: 'many' }] }, []) },
    })
    const refused = await system.api(`/api/campaigns/${bad.body.id}/publish`, { body: {} })
    expect(refused.status).toBe(400)
    expect(refused.body.error, JSON.stringify(refused.body)).toMatchObject({ code: 'graph_invalid', nodeId: 'trigger' })
    expect(JSON.stringify(refused.body.error)).toMatch(/audience\.0\.value/)

    await liveCampaign('Nurture for Peter Produzent', linearCampaign({ eventType: 'form_submitted', filter: {}, audience: [{ kind: 'persona', persona: 'peter-produzent' }] }, [
      { id: 'wait', type: 'wait', config: { duration: '30d' } },
    ]))
    // Both are new: the form brings the attributes, so no stored persona match exists yet at entry.
    const fits = await post('paula.passgenau@passgenau-werkzeug.example', 'form_submitted', PETER)
    const doesNot = await post('bernd.buero@buero-handel.example', 'form_submitted', { position: 'Office Manager', industry: 'Retail' })
    await dispatched(fits.contactId)
    await dispatched(doesNot.contactId)
    const enrolments = async (contactId: string) =>
      (await system.sql`select e.status from enrolments e join campaigns c on c.id = e.campaign_id where c.name = 'Nurture for Peter Produzent' and e.contact_id = ${contactId}`).map((row) => row.status)
    expect(await enrolments(fits.contactId)).toEqual(['active'])
    expect(await enrolments(doesNot.contactId)).toEqual([])
    // Simulating the campaign for him says so, instead of showing a path he would never take.
    const [campaign] = await system.sql<{ id: string }[]>`select id from campaigns where name = 'Nurture for Peter Produzent'`
    const simulated = await system.api(`/api/campaigns/${campaign!.id}/simulate`, { body: { source: 'live', contact: { email: 'bernd.buero@buero-handel.example' }, script: [], horizon: '7d' } })
    expect(simulated.status).toBe(409)
    expect(simulated.body.error).toMatchObject({ code: 'not_in_audience', field: 'contact' })
    expect(simulated.body.error.message).toContain('persona peter-produzent')
  })
})

describe('the handover step', () => {
  it('hands the contact over from inside a campaign and leaves it with handed_over', async () => {
    await liveCampaign('Demo request hand-over', {
      nodes: [
        { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { eventType: 'demo_form' } },
        { id: 'to-sales', type: 'handover', position: { x: 0, y: 120 }, config: {} },
      ],
      edges: [{ id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'to-sales' }],
    })
    const { contactId } = await post('rita.rasch@rasch-pressen.example', 'demo_form', { postal_code: '69002', country: 'FR' }, 'FR')
    await expect.poll(async () => (await system.sql`select status, exit_reason from enrolments where contact_id = ${contactId}`)[0], { timeout: 20_000 }).toEqual({
      status: 'exited',
      exit_reason: 'handed_over',
    })
    const [handover] = await system.sql`select h.source, h.campaign_id is not null as from_campaign, r.email as rep from handovers h left join sales_reps r on r.id = h.rep_id where h.contact_id = ${contactId}`
    expect(handover).toMatchObject({ source: 'campaign_step', from_campaign: true })
    // 69002 (Lyon) is in FR 50000–99999: Camille Laurent.
    await expect.poll(async () => (await system.sql`select r.email from handovers h join sales_reps r on r.id = h.rep_id where h.contact_id = ${contactId}`)[0]?.email, { timeout: 20_000 }).toBe(
      'camille.laurent@fr.kessler-hydraulik.example',
    )
    const [report] = await system.sink!.waitFor((mail) => mail.to.includes('camille.laurent@fr.kessler-hydraulik.example'), 1, 20_000)
    expect(report!.text).toContain('campaign “Demo request hand-over”')
    expect((await system.api(`/api/leads/${contactId}`)).body.lifecycleStage).toBe('mql')
  })
})
