import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadContactFacts } from '../../activities/contacts'
import { segmentCondition } from '../../db/segments'
import { ruleSetHolds } from '../../engine/nodes/contact-rules'
import { segmentFilterSchema, type SegmentFilter } from '../../engine/segment-filter'
import type { campaignTriggerScan } from '../../engine/workflows/trigger-scan'
import { linearCampaign } from '../helpers/graphs'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Saved segments through the API, their SQL against the condition step's rules, and the segment entry
// trigger: membership snapshots, entries since the previous scan, one enrolment per entry.
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem()
})
afterAll(() => system?.stop())

const claire = 'claire.dupont@dupont-industrie.example'
const julien = 'julien.martin@martin-mecanique.example'
const elodie = 'elodie.bernard@bernard-plasturgie.example'
const jonas = 'jonas.becker@becker-maschinenbau.example'
const setAttributes = (email: string, attributes: Record<string, unknown>) =>
  system.sql`update contacts set attributes = attributes || ${system.sql.json(attributes as Record<string, never>)} where email = ${email}`

const frenchHydroStat2000 = {
  match: 'all',
  rules: [
    { kind: 'subsidiary', codes: ['FR'] },
    { kind: 'attribute', attribute: 'model', operator: 'equals', value: 'HydroStat 2000' },
  ],
}

describe('segments API', () => {
  it('creates, lists, counts, renames and deletes segments, scoped to the account and to HQ authors', async () => {
    await setAttributes(claire, { model: 'HydroStat 2000' })
    await setAttributes(jonas, { model: 'HydroStat 2000' })
    const created = await system.api('/api/segments', { body: { name: 'FR HydroStat 2000 owners', filter: frenchHydroStat2000 } })
    expect(created.status).toBe(201)
    const id = created.body.id
    expect((await system.api(`/api/segments/${id}/count`)).body).toEqual({ count: 1 })
    // A German marketer sees none of the French members.
    expect((await system.api(`/api/segments/${id}/count`, { token: system.token({ subs: ['DE'] }) })).body).toEqual({ count: 0 })
    expect((await system.api('/api/segments')).body.segments.map((s: { name: string }) => s.name)).toContain('FR HydroStat 2000 owners')

    expect((await system.api('/api/segments', { body: { name: 'fr hydrostat 2000 OWNERS', filter: frenchHydroStat2000 } })).status).toBe(409)
    expect((await system.api('/api/segments', { body: { name: 'x', filter: frenchHydroStat2000 }, token: system.token({ subs: ['FR'] }) })).status).toBe(403)
    const planned = await system.api('/api/segments', { body: { name: 'In a segment', filter: { match: 'all', rules: [{ kind: 'segment', segmentId: 'x' }] } } })
    expect(planned).toMatchObject({ status: 400, body: { error: { field: 'filter.rules.0.kind' } } })
    const unknownField = await system.api('/api/segments', { body: { name: 'Bad', filter: frenchHydroStat2000, colour: 'red' } })
    expect(unknownField).toMatchObject({ status: 400, body: { error: { field: 'colour' } } })

    const renamed = await system.api(`/api/segments/${id}`, { method: 'PUT', body: { name: 'French HydroStat 2000 owners' } })
    expect(renamed).toMatchObject({ status: 200, body: { name: 'French HydroStat 2000 owners', filter: frenchHydroStat2000 } })
    expect((await system.api(`/api/segments/${randomUUID()}`)).status).toBe(404)
    expect((await system.api(`/api/segments/${id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await system.api(`/api/segments/${id}`)).status).toBe(404)
  })
})

describe('segment filters in SQL', () => {
  it('match exactly the contacts the condition step\'s rules match', async () => {
    await setAttributes(claire, { model: 'HydroStat 2000', pressure_bar: 320, industries: ['Automotive', 'Plastics'] })
    await setAttributes(julien, { model: 'HydroStat 3000', pressure_bar: '180', industries: 'automotive suppliers' })
    await setAttributes(elodie, { model: '', pressure_bar: 'n/a' })
    await setAttributes(jonas, { model: 'HydroStat 2000', pressure_bar: 250.5, vip: true })
    await system.sql`update contacts set tags = array['vip', 'webinar-2026'] where email = ${jonas}`
    await system.sql`update contacts set tags = array['webinar-2026'] where email = ${claire}`

    const filters = [
      frenchHydroStat2000,
      { match: 'any', rules: [{ kind: 'tag', tag: 'vip' }, { kind: 'attribute', attribute: 'pressure_bar', operator: 'greater_than', value: 300 }] },
      { match: 'all', rules: [{ kind: 'attribute', attribute: 'pressure_bar', operator: 'less_than', value: 251 }] },
      { match: 'all', rules: [{ kind: 'attribute', attribute: 'pressure_bar', operator: 'equals', value: 180 }] },
      { match: 'all', rules: [{ kind: 'attribute', attribute: 'model', operator: 'not_equals', value: 'HydroStat 2000' }] },
      { match: 'all', rules: [{ kind: 'attribute', attribute: 'model', operator: 'exists' }] },
      { match: 'all', rules: [{ kind: 'attribute', attribute: 'model', operator: 'not_exists' }, { kind: 'subsidiary', operator: 'is_not', codes: ['ES'] }] },
      { match: 'all', rules: [{ kind: 'attribute', attribute: 'industries', operator: 'contains', value: 'AUTOMOTIVE' }] },
      { match: 'all', rules: [{ kind: 'attribute', attribute: 'vip', operator: 'equals', value: 'true' }] },
      { match: 'all', rules: [{ kind: 'tag', operator: 'has_not', tag: 'webinar-2026' }, { kind: 'consent', operator: 'is_not', status: 'granted' }] },
    ]
    const contacts = await system.sql<{ id: string }[]>`select id from contacts where account_id = ${system.demoAccountId!}`
    const facts = await Promise.all(contacts.map(async ({ id }) => ({ id, facts: await loadContactFacts(system.sql, { accountId: system.demoAccountId!, contactId: id }) })))
    const sizes: number[] = []
    for (const raw of filters) {
      const filter: SegmentFilter = segmentFilterSchema.parse(raw)
      const inSql = (
        await system.sql<{ id: string }[]>`select c.id from contacts c where c.account_id = ${system.demoAccountId!} and (${segmentCondition(system.sql, filter)})`
      )
        .map((row) => row.id)
        .sort()
      const inRules = facts.filter((contact) => ruleSetHolds(filter, contact.facts)).map((contact) => contact.id).sort()
      expect(inSql, JSON.stringify(raw)).toEqual(inRules)
      sizes.push(inSql.length)
    }
    // The filters split the contacts rather than taking all or none, or the comparison would prove little.
    expect(sizes.filter((n) => n > 0 && n < contacts.length).length).toBeGreaterThanOrEqual(8)
  })
})

describe('segment entry trigger', () => {
  it('enrols a contact who starts matching at the next scan, once; members from the start never', async () => {
    await setAttributes(claire, { model: 'HydroStat 2000' })
    await setAttributes(julien, { model: 'HydroStat 3000' })
    const segment = await system.api('/api/segments', { body: { name: 'FR 2000 (entry)', filter: frenchHydroStat2000 } })
    const created = await system.api('/api/campaigns', { body: { name: 'Welcome to the 2000 club', graph: linearCampaign({ kind: 'segment', segmentId: segment.body.id }, []) } })
    const campaignId = created.body.id as string
    expect((await system.api(`/api/campaigns/${campaignId}/publish`, { body: {} })).status).toBe(201)
    const scan = async () =>
      system.client.workflow.execute<typeof campaignTriggerScan>('campaignTriggerScan', {
        taskQueue: system.config.temporal.taskQueue,
        workflowId: `trigger-scan-${campaignId}-${randomUUID()}`,
        args: [{ accountId: system.demoAccountId!, campaignId, pageSize: 1 }],
      })
    const enrolledEmails = async () =>
      (await system.sql<{ email: string }[]>`select c.email from enrolments e join contacts c on c.id = e.contact_id where e.campaign_id = ${campaignId} order by e.started_at`).map(
        (row) => row.email,
      )

    // Claire matched when the segment was saved: she never entered it.
    expect(await scan()).toMatchObject({ enrolled: 0 })
    expect(await enrolledEmails()).toEqual([])

    await setAttributes(julien, { model: 'HydroStat 2000' })
    expect(await scan()).toMatchObject({ enrolled: 1 })
    expect(await enrolledEmails()).toEqual([julien])
    expect(await scan()).toMatchObject({ enrolled: 0, alreadyEnrolled: 1 })
    expect(await enrolledEmails()).toEqual([julien])

    // He leaves and comes back: a new entry, so (his first enrolment having finished) a new enrolment.
    await setAttributes(julien, { model: 'HydroStat 3000' })
    await scan()
    const [membership] = await system.sql`select count(*)::int as n from segment_members m join contacts c on c.id = m.contact_id where c.email = ${julien} and m.left_at is not null`
    expect(membership!.n).toBe(1)
    await expect.poll(async () => (await system.sql`select status from enrolments where campaign_id = ${campaignId}`)[0]?.status, { timeout: 10_000 }).toBe('completed')
    await setAttributes(julien, { model: 'HydroStat 2000' })
    expect(await scan()).toMatchObject({ enrolled: 1 })
    expect(await enrolledEmails()).toEqual([julien, julien])
    const occasions = await system.sql<{ occasion: string }[]>`select occasion from trigger_occasions where campaign_id = ${campaignId}`
    expect(occasions.map((row) => row.occasion)).toEqual([expect.stringMatching(/^segment-entry:/), expect.stringMatching(/^segment-entry:/)])

    // A segment a live campaign starts from cannot be deleted.
    expect((await system.api(`/api/segments/${segment.body.id}`, { method: 'DELETE' })).status).toBe(409)
  })
})
