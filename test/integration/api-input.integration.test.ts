import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onboardingGraph } from '../../engine/examples/onboarding'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Bad input gets a 4xx naming the field or node, and nothing already stored is lost or half-written.
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
})
afterAll(() => system?.stop())

const counts = async () => (await system.sql`select (select count(*)::int from contacts) as contacts, (select count(*)::int from events) as events`)[0]
const onboardingId = async () => (await system.sql<{ id: string }[]>`select id from campaigns where name = 'Onboarding after purchase'`)[0]!.id

describe('events API refuses bad input', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    const before = await counts()
    const response = await system.api('/api/events', { rawBody: '{"type":"purchase","contact":{' })
    expect(response.status).toBe(400)
    expect(response.body.error).toMatchObject({ code: 'invalid_json', field: 'body' })
    expect(await counts()).toEqual(before)
  })

  it('names an unknown contact field and stores neither contact nor event', async () => {
    const before = await counts()
    const response = await system.api('/api/events', {
      body: { type: 'purchase', contact: { email: 'new.person@example.com', phone: '+49 711 0' }, properties: {} },
    })
    expect(response.status).toBe(400)
    expect(response.body.error.field).toBe('contact.phone')
    expect(response.body.error.message).toContain('contact.phone: unknown field')
    expect(await counts()).toEqual(before)
  })

  it('names an invalid e-mail address and a bad event type', async () => {
    const email = await system.api('/api/events', { body: { type: 'purchase', contact: { email: 'not-an-address' } } })
    expect(email.status).toBe(400)
    expect(email.body.error.field).toBe('contact.email')
    const type = await system.api('/api/events', { body: { type: 'Big Purchase!', contact: { email: 'a@example.com' } } })
    expect(type.status).toBe(400)
    expect(type.body.error.field).toBe('type')
  })

  it('updates only the fields sent and keeps the rest of an existing contact', async () => {
    const response = await system.api('/api/events', {
      body: { type: 'visit', contact: { email: 'MARCO.ROSSI@rossi-macchine.example', attributes: { industry: 'machine tools' } }, properties: { page: '/pricing' } },
    })
    expect(response.status).toBe(202)
    expect(response.body.contactCreated).toBe(false)
    const [marco] = await system.sql`select first_name, company, attributes, consent_status from contacts where lower(email) = 'marco.rossi@rossi-macchine.example'`
    expect(marco).toMatchObject({ first_name: 'Marco', company: 'Rossi Macchine Utensili', attributes: { industry: 'machine tools' }, consent_status: 'granted' })
  })
})

describe('who may call', () => {
  it('refuses calls without a valid token', async () => {
    expect((await system.api('/api/campaigns', { token: null })).status).toBe(401)
    const forged = await system.api('/api/campaigns', { token: (await system.token()).slice(0, -3) + 'AAA' })
    expect(forged.status).toBe(401)
    expect(forged.body.error.field).toBe('Authorization')
  })

  it('keeps a subsidiary marketer to their own subsidiary', async () => {
    const fr = system.token({ role: 'marketer', subs: ['FR'] })
    const german = await system.api('/api/events', { token: fr, body: { type: 'visit', contact: { email: 'jonas.becker@becker-maschinenbau.example' } } })
    expect(german.status).toBe(404)
    const intoDe = await system.api('/api/events', { token: fr, body: { type: 'visit', contact: { email: 'neu@example.de', subsidiary: 'DE' } } })
    expect(intoDe.status).toBe(403)
    const french = await system.api('/api/events', { token: fr, body: { type: 'visit', contact: { email: 'nouveau@example.fr' } } })
    expect(french.status).toBe(202)
    const [created] = await system.sql`select s.code from contacts c join subsidiaries s on s.id = c.subsidiary_id where c.email = 'nouveau@example.fr'`
    expect(created!.code).toBe('FR')
    expect((await system.api('/api/me', { token: fr })).body).toMatchObject({ role: 'subsidiary_marketer', subsidiaries: ['FR'], mayAuthorCampaigns: false })
    expect((await system.api('/api/me')).body).toMatchObject({ subsidiaries: '*', mayAuthorCampaigns: true })
    // Subsidiary marketers read campaigns but do not publish HQ's.
    expect((await system.api(`/api/campaigns/${await onboardingId()}/publish`, { token: fr, method: 'POST' })).status).toBe(403)
  })
})

describe('campaign drafts and publishing', () => {
  it('refuses a malformed draft naming the field, and keeps the stored draft', async () => {
    const id = await onboardingId()
    const before = (await system.api(`/api/campaigns/${id}`)).body.draft
    const response = await system.api(`/api/campaigns/${id}/draft`, { method: 'PUT', body: { graph: { nodes: [{ id: 'x', type: 'end', position: { x: 'left' } }], edges: [] } } })
    expect(response.status).toBe(400)
    expect(response.body.error.field).toBe('graph.nodes.0.position.x')
    expect((await system.api(`/api/campaigns/${id}`)).body.draft).toEqual(before)
  })

  it('refuses to publish a graph with a dangling edge, naming the node, and keeps the live version', async () => {
    const id = await onboardingId()
    const graph = onboardingGraph()
    graph.edges.push({ id: 'e-nowhere', source: 'reminder', sourceHandle: 'next', target: 'deleted-node' })
    graph.edges = graph.edges.filter((edge) => edge.id !== 'e-reminder-end')
    expect((await system.api(`/api/campaigns/${id}/draft`, { method: 'PUT', body: { graph } })).status).toBe(200)
    const response = await system.api(`/api/campaigns/${id}/publish`, { method: 'POST' })
    expect(response.status).toBe(400)
    expect(response.body.error).toMatchObject({ code: 'graph_invalid', nodeId: 'reminder' })
    expect(response.body.error.message).toContain('deleted-node')
    const campaign = (await system.api(`/api/campaigns/${id}`)).body
    expect(campaign.liveVersion.version).toBe(1)
    expect(campaign.versions).toHaveLength(1)
  })

  it('publishes a valid draft as the next immutable version', async () => {
    const id = await onboardingId()
    expect((await system.api(`/api/campaigns/${id}/draft`, { method: 'PUT', body: { graph: onboardingGraph({ clickTimeout: '5d' }) } })).status).toBe(200)
    const published = await system.api(`/api/campaigns/${id}/publish`, { method: 'POST' })
    expect(published.status).toBe(201)
    expect(published.body.version.version).toBe(2)
    await expect(system.sql`update campaign_versions set graph = '{}' where campaign_id = ${id}`).rejects.toThrow(/immutable/)
  })

  it('answers an unknown campaign id with 404', async () => {
    expect((await system.api('/api/campaigns/not-a-uuid')).status).toBe(404)
    expect((await system.api('/api/campaigns/00000000-0000-4000-8000-000000000000')).status).toBe(404)
  })
})
