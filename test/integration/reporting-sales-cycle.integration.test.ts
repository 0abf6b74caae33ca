import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { artifact, launchChromium } from '../helpers/browser'
import { startTestSystem, type TestSystem } from '../helpers/system'

// Sales-cycle lengths with known dates, through the real system: each lead's touches are posted to the
// events API with their time (occurredAt), the fold credits them to the campaign, and the lead's MQL and
// won (or lost) changes are its lifecycle history at known times. The product records a stage change at
// the moment it is made (no API backdates one), so that history is written as lifecycle rows, the way the
// demo's history and a CRM import arrive; everything after that is the product's: the fold into the funnel
// (first touch = the lead's first human touch), the Reports API's averages and medians, and the view.
// On the same system: trends per month, the CSV export, and a product's production cost ratio.
let system: TestSystem
let browser: Browser
let page: Page
const campaigns: Record<'fair' | 'webinar', string> = { fair: '', webinar: '' }

const DAY = 86_400_000
// Won ten days ago at 12:00 UTC, minus k more days for the k-th deal: inside the default period (a year).
const base = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate(), 12) - 10 * DAY
const at = (ms: number) => new Date(ms).toISOString()

// Days MQL → won and first touch → won; the lost lead and the MQL still open must count nowhere.
const LEADS = [
  { campaign: 'fair', mqlDays: 3, touchDays: 20, outcome: 'won' },
  { campaign: 'fair', mqlDays: 10, touchDays: 30, outcome: 'won' },
  { campaign: 'fair', mqlDays: 10.5, touchDays: 31.25, outcome: 'won' },
  { campaign: 'fair', mqlDays: 24, touchDays: 45, outcome: 'won' },
  { campaign: 'fair', mqlDays: 61, touchDays: 90, outcome: 'won' },
  { campaign: 'webinar', mqlDays: 7, touchDays: 14, outcome: 'won' },
  { campaign: 'webinar', mqlDays: 15, touchDays: 40, outcome: 'won' },
  { campaign: 'webinar', mqlDays: 2, touchDays: 5, outcome: 'lost' },
  { campaign: 'fair', mqlDays: 1, touchDays: 8, outcome: null },
] as const

beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
  const graph: CampaignGraph = { nodes: [{ id: 'start', type: 'trigger', position: { x: 0, y: 0 }, config: { kind: 'event', eventType: 'fair_scan', filter: {} } }], edges: [] }
  for (const [key, name] of [['fair', 'Sales-cycle fair'], ['webinar', 'Sales-cycle webinar']] as const) {
    const created = await system.api('/api/campaigns', { body: { name, kind: 'custom', graph } })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    campaigns[key] = created.body.id
  }
})
afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

describe('sales-cycle lengths', () => {
  it('are the exact days MQL → won and first touch → won, per campaign and in total, with their distribution', async () => {
    // Each lead's first touch, and a second one halfway to the MQL (the first must win), through the events API.
    const events = LEADS.flatMap((lead, i) => {
      const end = base - i * DAY
      const first = end - lead.touchDays * DAY
      const mql = end - lead.mqlDays * DAY
      const contact = { email: `cycle${i}@kunde.example`, subsidiary: 'DE' }
      return [
        { id: `cycle-${i}-a`, type: 'visit', contact, properties: { campaignId: campaigns[lead.campaign] }, occurredAt: at(first) },
        { id: `cycle-${i}-b`, type: 'download', contact, properties: { campaignId: campaigns[lead.campaign] }, occurredAt: at((first + mql) / 2) },
      ]
    })
    const stored = await system.api('/api/events', { body: { events } })
    expect(stored.status, JSON.stringify(stored.body)).toBe(202)
    expect(stored.body.rejected).toEqual([])
    const contactOf = (i: number) => stored.body.accepted.find((a: { index: number }) => a.index === i * 2).contactId as string
    // The touches are folded first, so the funnel credits the lead's campaign as it would live.
    await system.attribution.drain()
    for (const [i, lead] of LEADS.entries()) {
      const end = base - i * DAY
      const history: [string, number][] = [['mql', end - lead.mqlDays * DAY], ...(lead.outcome ? [[lead.outcome, end] as [string, number]] : [])]
      for (const [stage, when] of history) {
        await system.sql`insert into lifecycle_changes (account_id, contact_id, stage, reason, changed_by, changed_at)
          values (${system.demoAccountId!}, ${contactOf(i)}, ${stage}, 'sales-cycle history', 'test', ${at(when)})`
      }
    }
    await system.attribution.drain()
    // None was set aside: a stage change of a lead never handed over folds like any other (it failed before 024_b).
    expect(await system.sql`select fact, error from report_fold_failures`).toEqual([])

    const cycle = await system.api('/api/reports/sales-cycle')
    expect(cycle.status).toBe(200)
    // MQL → won: 3, 7, 10, 10.5, 15, 24, 61 (avg 130.5 / 7); first touch → won: 14, 20, 30, 31.25, 40, 45, 90 (avg 270.25 / 7).
    expect(cycle.body.total).toEqual({ won: 7, mqlToWon: { averageDays: 18.64, medianDays: 10.5 }, firstTouchToWon: { averageDays: 38.61, medianDays: 31.25 } })
    const byName = Object.fromEntries(cycle.body.campaigns.map((c: { name: string }) => [c.name, c]))
    expect(byName['Sales-cycle fair']).toMatchObject({ won: 5, mqlToWon: { averageDays: 21.7, medianDays: 10.5 }, firstTouchToWon: { averageDays: 43.25, medianDays: 31.25 } })
    expect(byName['Sales-cycle webinar']).toMatchObject({ won: 2, mqlToWon: { averageDays: 11, medianDays: 11 }, firstTouchToWon: { averageDays: 27, medianDays: 27 } })
    expect(cycle.body.campaigns).toHaveLength(2)
    // Weeks from MQL to won: 3 → 0; 7, 10, 10.5 → 1; 15 → 2; 24 → 3; 61 → 8.
    expect(cycle.body.histogram).toEqual([
      { fromDays: 0, toDays: 6, deals: 1 }, { fromDays: 7, toDays: 13, deals: 3 }, { fromDays: 14, toDays: 20, deals: 1 },
      { fromDays: 21, toDays: 27, deals: 1 }, { fromDays: 56, toDays: 62, deals: 1 },
    ])
    // One campaign's filter narrows both.
    const fair = await system.api(`/api/reports/sales-cycle?campaign=${campaigns.fair}`)
    expect(fair.body.total).toEqual({ won: 5, mqlToWon: { averageDays: 21.7, medianDays: 10.5 }, firstTouchToWon: { averageDays: 43.25, medianDays: 31.25 } })
    expect(fair.body.histogram.map((h: { deals: number }) => h.deals)).toEqual([1, 2, 1, 1])

    // The Reports view shows the same figures and distribution.
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB' })
    await page.goto(`${system.baseUrl}/?view=reports#token=${await system.token({ sub: 'petra.lang@kessler-hydraulik.example', role: 'manager', subs: '*' })}`)
    const summary = page.getByTestId('cycle-summary')
    await expect.poll(() => summary.textContent(), { timeout: 20_000 }).toBe('MQL → won: average 18.6 days, median 10.5 days · first touch → won: average 38.6 days, median 31.3 days')
    const rows = await page.getByTestId('cycle-histogram').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)))
    expect(rows).toEqual([['0', '1'], ['1', '3'], ['2', '1'], ['3', '1'], ['8', '1']])
    const section = page.getByRole('region', { name: 'Sales cycle' })
    await section.locator('summary').click()
    await section.scrollIntoViewIfNeeded()
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    await section.screenshot({ path: artifact('reports-sales-cycle.png') })
  })

  it('trends count each MQL, won deal and lead in the month it happened; the sales-cycle table exports as CSV', async () => {
    const month = (ms: number) => `${new Date(ms).toISOString().slice(0, 7)}-01`
    const expected = new Map<string, { mql: number; won: number; leads: number }>()
    const add = (ms: number, key: 'mql' | 'won' | 'leads') => {
      const entry = expected.get(month(ms)) ?? { mql: 0, won: 0, leads: 0 }
      entry[key]++
      expected.set(month(ms), entry)
    }
    for (const [i, lead] of LEADS.entries()) {
      const end = base - i * DAY
      add(end - lead.mqlDays * DAY, 'mql')
      if (lead.outcome === 'won') add(end, 'won')
      add(end - lead.touchDays * DAY, 'leads')
    }
    const trends = await system.api('/api/reports/trends?granularity=month')
    expect(trends.status).toBe(200)
    const shown = trends.body.series.filter((p: { mql: number; won: number; leads: number }) => p.mql || p.won || p.leads)
      .map((p: { period: string; mql: number; won: number; leads: number }) => [p.period, { mql: p.mql, won: p.won, leads: p.leads }])
    expect(shown).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)))

    const response = await fetch(`${system.baseUrl}/api/reports/sales-cycle?format=csv`, { headers: { authorization: `Bearer ${await system.token()}` } })
    expect(response.headers.get('content-type')).toMatch(/text\/csv/)
    const lines = (await response.text()).trim().split(/\r?\n/)
    expect(lines[0]).toBe('campaign,won,mql_to_won_avg_days,mql_to_won_median_days,first_touch_to_won_avg_days,first_touch_to_won_median_days')
    expect(lines.slice(1).sort()).toEqual(['Sales-cycle fair,5,21.7,10.5,43.25,31.25', 'Sales-cycle webinar,2,11,11,27,27'])
  })
})

describe('production cost per product', () => {
  it("a won deal without its own production cost takes its product's cost ratio once set, recomputed as a job", async () => {
    // The sales manager records the deal (opportunities.write) and sets the margin (attribution.configure, HQ).
    const manager = await system.token({ sub: 'petra.lang@kessler-hydraulik.example', role: 'manager', subs: '*' })
    const before = (await system.api('/api/reports/overview')).body.wonRevenue
    const deal = await system.api('/api/opportunities', {
      body: { name: 'HydroStat 9000 for Werk Süd', company: 'Werk Süd', subsidiary: 'DE', amountNet: 12_000, products: ['HydroStat 9000'], stage: 'won', closedOn: at(base) },
      token: manager,
    })
    expect(deal.status, JSON.stringify(deal.body)).toBe(201)
    await system.attribution.drain()
    // No figure and no ratio yet: counted as unknown (0 in ROI), not guessed.
    expect((await system.api('/api/reports/overview')).body.wonRevenue).toEqual({
      deals: before.deals + 1, revenue: before.revenue + 12_000, production: before.production, productionUnknown: before.productionUnknown + 1,
    })
    const set = await system.api(`/api/product-costs/${encodeURIComponent('HydroStat 9000')}`, { method: 'PUT', body: { costRatio: 0.4 }, token: manager })
    expect(set.status, JSON.stringify(set.body)).toBe(200)
    expect(set.body.recompute.status).toBe('running')
    await system.attribution.drain()
    const job = await system.api(`/api/reports/attribution/jobs/${set.body.recompute.id}`)
    expect(job.body).toMatchObject({ status: 'done', progress: 1, done: job.body.total })
    expect((await system.api('/api/reports/overview')).body.wonRevenue).toEqual({
      deals: before.deals + 1, revenue: before.revenue + 12_000, production: before.production + 4_800, productionUnknown: before.productionUnknown,
    })
  })
})
