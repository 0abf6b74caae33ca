import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The worked example through the real system: 240 leads scanned at a fair enter a live lead
// campaign (API → Postgres → the dispatcher → Temporal), whose handover step hands each to sales (MQL,
// routed to a rep, dossier mails over SMTP); the rep accepts or rejects them and moves 50 to won over the
// API; costs (43,550 € over six months) and the 50 won deals come in as CSV imports. The Reports API must
// then say: cost per lead ≈ 181 €, cost per order ≈ 871 €, MQL → customer 21 %, ROI 6.12, and every
// attribution model credits exactly the 560,000 € of the touched deals.
let system: TestSystem
let campaignId: string
let salesToken: string
// Decides every handover of the subsidiary (a rep answers only for the leads routed to them).
let managerToken: string
const LEADS = 240
const WON = 50

beforeAll(async () => {
  system = await startTestSystem()
  salesToken = await system.token({ sub: 'stefan.krueger@kessler-hydraulik.example', role: 'sales', subs: ['DE'] })
  managerToken = await system.token({ sub: 'petra.lang@kessler-hydraulik.example', role: 'manager', subs: ['DE'] })
  const graph: CampaignGraph = {
    nodes: [
      { id: 'scanned', type: 'trigger', position: { x: 0, y: 0 }, config: { kind: 'event', eventType: 'fair_scan', filter: {} } },
      { id: 'to-sales', type: 'handover', position: { x: 0, y: 120 }, config: {} },
    ],
    edges: [{ id: 'e0', source: 'scanned', sourceHandle: 'next', target: 'to-sales' }],
  }
  const created = await system.api('/api/campaigns', { body: { name: 'Hannover Messe lead campaign', kind: 'custom', graph } })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  campaignId = created.body.id
  const published = await system.api(`/api/campaigns/${campaignId}/publish`, { body: {} })
  expect(published.status, JSON.stringify(published.body)).toBe(201)
})
afterAll(async () => {
  await system?.stop()
})

const email = (i: number) => `lead${String(i).padStart(3, '0')}@messe-besucher.example`
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10)

async function csv(path: string, body: string, token?: string) {
  const response = await fetch(`${system.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token ?? (await system.token())}` }, body })
  return { status: response.status, body: await response.json() }
}

async function moveTo(contactId: string, stage: string) {
  const moved = await system.api(`/api/leads/${contactId}/stage`, { body: { stage }, token: managerToken })
  expect(moved.status, JSON.stringify(moved.body)).toBe(200)
}

describe('the worked example, driven through the real system', () => {
  const contactIds: string[] = []

  it('240 fair scans become 240 MQLs through the campaign\'s handover step', async () => {
    const events = Array.from({ length: LEADS }, (_, i) => ({
      id: `messe-${i}`,
      type: 'fair_scan',
      contact: { email: email(i), subsidiary: 'DE', company: `Besucher ${i} GmbH`, attributes: { postal_code: String(10000 + i * 300), country: 'DE' } },
      properties: { campaignId, booth: 'Halle 15 C31' },
    }))
    const stored = await system.api('/api/events', { body: { events } })
    expect(stored.status, JSON.stringify(stored.body)).toBe(202)
    for (const accepted of stored.body.accepted) contactIds[accepted.index] = accepted.contactId
    await expect
      .poll(async () => (await system.sql`select count(*)::int as n from handovers where campaign_id = ${campaignId}`)[0]!.n, { timeout: 400_000, interval: 1_000 })
      .toBe(LEADS)
    // The touch log has each lead's fair scan, enrolment and handover once, credited to the campaign.
    // (Touches are folded in about a second after their facts: fold what is queued first.)
    await system.attribution.drain()
    const touches = await system.sql<{ kind: string; n: number }[]>`select kind, count(*)::int as n from touches where campaign_id = ${campaignId} group by kind order by kind`
    expect(touches).toEqual([{ kind: 'enrolment', n: LEADS }, { kind: 'fair_scan', n: LEADS }, { kind: 'handover', n: LEADS }])
  }, 420_000)

  it('sales accept 200 and reject 40; 120 become SQL, 80 opportunities, 50 won', async () => {
    const open = await system.api('/api/handovers?status=open', { token: managerToken })
    expect(open.status).toBe(200)
    const byContact = new Map<string, string>((await system.sql<{ id: string; contact_id: string }[]>`select id, contact_id from handovers where campaign_id = ${campaignId}`).map((h) => [h.contact_id, h.id]))
    for (const [i, contactId] of contactIds.entries()) {
      const handoverId = byContact.get(contactId)!
      const decided = i < 200
        ? await system.api(`/api/handovers/${handoverId}/accept`, { body: {}, token: managerToken })
        : await system.api(`/api/handovers/${handoverId}/reject`, { body: { reason: 'no budget before 2027' }, token: managerToken })
      expect(decided.status, JSON.stringify(decided.body)).toBe(200)
    }
    for (const contactId of contactIds.slice(0, 120)) await moveTo(contactId, 'sql')
    for (const contactId of contactIds.slice(0, 80)) await moveTo(contactId, 'opportunity')
    for (const contactId of contactIds.slice(0, WON)) await moveTo(contactId, 'won')
    for (const contactId of contactIds.slice(WON, 80)) await moveTo(contactId, 'lost')
  }, 300_000)

  it('costs come in as CSV: a bad row imports nothing, a dry run imports nothing, then 43,550 € over six months', async () => {
    const rows = [
      ['Hannover Messe lead campaign', 'concept', '4.500,00', daysAgo(170), 'DE', 'Kampagnenkonzept'],
      ['Hannover Messe lead campaign', 'fair stand and tickets', '18.000,00', daysAgo(150), 'DE', 'Stand Halle 15'],
      ['Hannover Messe lead campaign', 'content', '6.250', daysAgo(120), 'DE', 'Broschüre, Video'],
      ['Hannover Messe lead campaign', 'agency', '7.800', daysAgo(90), 'DE', ''],
      ['Hannover Messe lead campaign', 'ad_placement', '4.200', daysAgo(60), 'DE', 'LinkedIn'],
      ['Hannover Messe lead campaign', 'software_licence', '1.800', daysAgo(30), 'DE', 'Lead-Scanner'],
      ['Hannover Messe lead campaign', 'mailing_lists', '1.000', daysAgo(10), 'DE', ''],
    ]
    const file = (extra: string[][] = []) => ['campaign;category;amount;date;subsidiary;note', ...[...rows, ...extra].map((r) => r.join(';'))].join('\r\n')
    const bad = await csv('/api/costs/import', file([['Hannover Messe lead campaign', 'catering', '12', '31.02.2026', 'XX', '']]))
    expect(bad.status).toBe(422)
    expect(bad.body.error.rows.map((r: { field: string }) => r.field)).toEqual(['category', 'date', 'subsidiary'])
    expect(bad.body.error.rows[0].line).toBe(9)
    const dry = await csv('/api/costs/import?dryRun=true', file())
    expect(dry).toEqual({ status: 200, body: { dryRun: true, rows: 7, total: 43_550, imported: 0 } })
    expect((await system.api(`/api/campaigns/${campaignId}/costs`)).body.actual).toBe(0)
    const imported = await csv('/api/costs/import', file())
    expect(imported.status, JSON.stringify(imported.body)).toBe(201)
    const budget = await system.api(`/api/campaigns/${campaignId}/budget`, { method: 'PUT', body: { amount: 45_000 } })
    expect(budget.status).toBe(200)
    const costs = await system.api(`/api/campaigns/${campaignId}/costs`)
    expect(costs.body).toMatchObject({ budget: 45_000, actual: 43_550 })
  })

  it('the 50 won deals (560,000 € net, 250,000 € production cost) come in by CSV, and one deal no campaign touched', async () => {
    const deals = contactIds.slice(0, WON).map((_, i) => [email(i), `Order ${i}`, i < 25 ? '10000' : '12400', i < 25 ? '4000' : '6000', 'won', daysAgo(0), `ERP-${i}`])
    const file = ['contact_email,name,amount,production_cost,stage,closed,source_id', ...deals.map((d) => d.join(','))].join('\n')
    const imported = await csv('/api/opportunities/import', file, managerToken)
    expect(imported.status, JSON.stringify(imported.body)).toBe(201)
    expect(imported.body).toMatchObject({ imported: 50, created: 50 })
    // Importing the same file again changes nothing (source ids): no revenue counted twice.
    expect((await csv('/api/opportunities/import', file, managerToken)).body).toMatchObject({ created: 0, updated: 50 })
    const walkIn = await system.api('/api/opportunities', { body: { company: 'Walk-in Hydraulik AG', subsidiary: 'DE', name: 'Spare parts', amountNet: 20_000, productionCost: 9_000, stage: 'won' }, token: managerToken })
    expect(walkIn.status, JSON.stringify(walkIn.body)).toBe(201)
    await system.attribution.drain()
  })

  it('reports CPL ≈ 181 €, cost per order ≈ 871 €, MQL → customer 21 %, ROI 6.12', async () => {
    const overview = await system.api(`/api/reports/overview?campaign=${campaignId}&model=w_shaped`)
    expect(overview.status, JSON.stringify(overview.body)).toBe(200)
    const [row] = overview.body.campaigns
    expect(row).toMatchObject({ name: 'Hannover Messe lead campaign', budget: 45_000, cost: 43_550, leads: LEADS, mql: LEADS, sal: 200, rejected: 40, sql: 120, opportunity: 80, won: WON, revenue: 560_000, production: 250_000 })
    expect(Math.round(row.kpis.costPerLead)).toBe(181)
    expect(row.kpis.costPerOrder).toBe(871)
    expect(Math.round(row.kpis.conversion.mqlToWon * 100)).toBe(21)
    expect(row.kpis.roi.toFixed(2)).toBe('6.12')
    expect(row.kpis.costPerSql).toBeCloseTo(362.92, 2)
  })

  it('every attribution model credits exactly the 560,000 € of touched deals; the untouched 20,000 € is shown as unattributed', async () => {
    const attribution = await system.api('/api/reports/attribution')
    expect(attribution.status).toBe(200)
    expect(attribution.body.wonRevenue).toBe(580_000)
    for (const model of attribution.body.models) {
      expect(attribution.body.totals[model]).toBe(560_000)
      expect(attribution.body.unattributed[model]).toBe(20_000)
    }
    const csvExport = await fetch(`${system.baseUrl}/api/reports/attribution?format=csv`, { headers: { authorization: `Bearer ${await system.token()}` } })
    expect(csvExport.headers.get('content-type')).toMatch(/text\/csv/)
    expect(await csvExport.text()).toContain('Hannover Messe lead campaign,560000,560000,560000,560000,560000,560000')
  })

  it('drills down to the won contacts; a subsidiary sees only its own figures; a rep only their pipeline', async () => {
    const won = await system.api(`/api/reports/drill?stage=won&campaign=${campaignId}`)
    expect(won.body.contacts).toHaveLength(WON)
    const france = await system.api(`/api/reports/overview?campaign=${campaignId}`, { token: system.token({ sub: 'fr-marketer', subs: ['FR'] }) })
    expect(france.status).toBe(200)
    expect(france.body.campaigns).toEqual([])
    const rep = await system.api('/api/reports/overview', { token: salesToken })
    expect(rep.status).toBe(403)
    const pipeline = await system.api('/api/reports/pipeline', { token: salesToken })
    expect(pipeline.status).toBe(200)
    expect(pipeline.body.leads.length).toBeGreaterThan(0)
    expect(pipeline.body.leads.every((lead: { rep: string }) => lead.rep === 'stefan.krueger@kessler-hydraulik.example')).toBe(true)
  })

  it('a new half-life re-attributes every won deal as a job with progress, and the sums still hold', async () => {
    const changed = await system.api('/api/reports/attribution/settings', { method: 'PUT', body: { lookbackDays: 90, halfLifeDays: 3 } })
    expect(changed.status).toBe(202)
    expect(changed.body.recompute).toMatchObject({ total: 51, status: 'running' })
    await system.attribution.drain()
    const job = await system.api(`/api/reports/attribution/jobs/${changed.body.recompute.id}`)
    expect(job.body).toMatchObject({ done: 51, total: 51, status: 'done', progress: 1 })
    expect((await system.api('/api/reports/attribution')).body.totals.time_decay).toBe(560_000)
  })
})
