import { readFile } from 'node:fs/promises'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifact, launchChromium } from '../helpers/browser'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The Reports view in a real browser on the demo as `npm start` seeds it (examples and six months of
// history): the manager lands on it, sees the funnel, the campaign KPIs and revenue by model, drills down,
// switches language, opens the onboarding mail's click map; the canvas shows the send step's rates.
let system: TestSystem
let browser: Browser
let page: Page

beforeAll(async () => {
  system = await startTestSystem({ seedExamples: true, seedFair: true })
  await system.attribution.drain()
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1500, height: 1100 }, locale: 'en-GB' })
})
afterAll(async () => {
  await browser?.close()
  await system?.stop()
})

/** ECharts draws on the next animation frames once its canvases exist: wait for those frames, not for a time. */
async function chartsDrawn() {
  await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThan(0)
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
}

const COUNTED = ['sent', 'opens', 'machineOpens', 'clicks', 'machineClicks', 'unsubscribes', 'complaints', 'conversions'] as const
type SeriesPoint = { resolution: string; at: string } & Record<(typeof COUNTED)[number] | 'bounces', number>
/** What the mail's hourly-then-daily points add up to, to set beside its totals. */
const seriesSums = (series: SeriesPoint[]) =>
  Object.fromEntries([...COUNTED, 'bounces' as const].map((k) => [k, series.reduce((sum, p) => sum + p[k], 0)]))
const mailSums = (mail: Record<string, number>) => ({ ...Object.fromEntries(COUNTED.map((k) => [k, mail[k]])), bounces: mail.hardBounces! + mail.softBounces! })

/** A CSV export's lines (the API's ?format=csv), checked to be CSV. */
async function csvLines(path: string) {
  const response = await fetch(`${system.baseUrl}${path}${path.includes('?') ? '&' : '?'}format=csv`, { headers: { authorization: `Bearer ${await system.token()}` } })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/csv/)
  return (await response.text()).trimEnd().split('\r\n')
}
/** A row as the export writes it: empty for null, quoted when it holds a comma or quote. */
const line = (values: unknown[]) => values.map((v) => (v === null || v === undefined ? '' : String(v))).map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')
const r2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100)

describe('the Reports view', () => {
  it('is where a manager lands, with the funnel, KPIs per campaign and revenue by model', async () => {
    const token = await system.token({ sub: 'petra.lang@kessler-hydraulik.example', role: 'manager', subs: '*' })
    await page.goto(`${system.baseUrl}/#token=${token}`)
    await page.waitForURL(/view=reports/)
    const table = page.getByTestId('campaign-table')
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3)
    await expect.poll(() => table.textContent()).toContain('Hannover Messe 2026')
    const attribution = page.getByTestId('attribution-table')
    expect(await attribution.textContent()).toContain('W-shaped')
    expect(await attribution.textContent()).toContain('Unattributed revenue')
    // The seeded history's own figures, as the API counts them, are what the cards show.
    const overview = await system.api('/api/reports/overview')
    expect(overview.body.totals.mql).toBeGreaterThan(100)
    expect(await page.getByTestId('kpi-cards').textContent()).toContain(String(overview.body.totals.mql))
    await chartsDrawn()
    await page.screenshot({ path: artifact('reports-view.png'), fullPage: true })
  })

  it('lists the trade fairs with what each brought and cost, the seeded stand\'s costs among them', async () => {
    const fairs = await system.api('/api/fairs')
    const dortmund = fairs.body.fairs.find((f: { name: string }) => f.name.includes('maintenance'))
    const figures = await system.api(`/api/fairs/${dortmund.id}/figures`)
    // The stand (18,500 €) and the customer tickets (2,400 €) are the seeded fair's cost items.
    expect(figures.body.costs).toBe(20_900)
    const section = page.getByTestId('fair-report')
    await expect.poll(() => section.textContent(), { timeout: 20_000 }).toContain(dortmund.name)
    const row = page.getByTestId('fair-table').locator('tbody tr', { hasText: dortmund.name })
    const costs = (await row.getByTestId('fair-costs').textContent())!.replace(/\D/g, '')
    expect(costs).toBe('20900')
    expect(await row.textContent()).toContain(String(figures.body.leadsCaptured))
    // Its CSV export: the header, and the seeded fair's row with the figures the API gives.
    const download = page.waitForEvent('download')
    await section.getByRole('button', { name: 'Export CSV' }).click()
    const file = await download
    expect(file.suggestedFilename()).toBe('trade-fairs.csv')
    const lines = (await readFile((await file.path())!, 'utf8')).trimEnd().split('\r\n')
    expect(lines[0]).toBe('fair,place,starts_on,leads_captured,meetings_held,opportunities,won_revenue,costs,roi')
    expect(lines).toContain(line([dortmund.name, dortmund.place, dortmund.startsOn, figures.body.leadsCaptured, figures.body.meetingsHeld, figures.body.opportunities, figures.body.wonRevenue, 20_900, figures.body.roi]))
    await section.scrollIntoViewIfNeeded()
    await expect.poll(() => section.locator('.chart canvas').count()).toBeGreaterThan(0)
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    await section.screenshot({ path: artifact('reports-trade-fairs.png') })
  })

  it('drills down from a figure to the contacts behind it, and exports the table as CSV', async () => {
    const row = page.getByTestId('campaign-table').locator('tbody tr', { hasText: 'Hannover Messe 2026' })
    const wonCell = row.locator('td').nth(8)
    const won = Number(await wonCell.textContent())
    await wonCell.getByRole('button').click()
    const drill = page.getByTestId('drill-down')
    await expect.poll(() => drill.locator('tbody tr').count(), { timeout: 10_000 }).toBe(won)
    const download = page.waitForEvent('download')
    await drill.getByRole('button', { name: 'Export CSV' }).click()
    const file = await download
    expect(file.suggestedFilename()).toBe('contacts-won.csv')
    await drill.screenshot({ path: artifact('reports-drill-down.png') })
  })

  it('a cost entered in the form moves the campaign\'s cost per lead and ROI; bad input is refused naming the field', async () => {
    const overviewOf = async () => (await system.api('/api/reports/overview')).body.campaigns.find((c: { name: string }) => c.name === 'LinkedIn ads Q3')
    const before = await overviewOf()
    const section = page.getByTestId('cost-entry')
    await section.getByTestId('cost-campaign').selectOption({ label: 'LinkedIn ads Q3' })
    // The budget (seeded 20,000 €) beside the actual costs (the seeded items).
    await expect.poll(() => section.getByTestId('cost-budget').textContent(), { timeout: 10_000 }).toBe('€20,000.00')
    expect(await section.getByTestId('cost-actual').textContent()).toBe(`€${before.cost.toLocaleString('en-GB', { minimumFractionDigits: 2 })}`)
    const row = page.getByTestId('campaign-table').locator('tbody tr', { hasText: 'LinkedIn ads Q3' })
    const cells = async () => ({ cpl: await row.locator('td').nth(11).textContent(), roi: await row.locator('td').nth(14).textContent() })
    const shownBefore = await cells()
    expect(shownBefore.cpl).toBe(`€${before.kpis.costPerLead.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`)

    // A negative amount: the API's 400 names the field, the form shows it beside the marked input, nothing is stored.
    const form = section.getByTestId('cost-form')
    await form.locator('select[name=category]').selectOption('agency')
    await form.locator('input[name=amount]').fill('-2500')
    await form.locator('input[name=note]').fill('Retargeting, December')
    await form.getByRole('button', { name: 'Enter cost' }).click()
    await expect.poll(() => section.getByTestId('cost-problem').textContent()).toBe('amount: must not be negative')
    expect(await form.locator('input[name=amount]').getAttribute('aria-invalid')).toBe('true')
    // Not a number at all: still the field, not "body".
    await form.locator('input[name=amount]').fill('zweitausend')
    await form.getByRole('button', { name: 'Enter cost' }).click()
    await expect.poll(() => section.getByTestId('cost-problem').textContent()).toMatch(/^amount: .*expected number/)
    expect((await overviewOf()).cost).toBe(before.cost)
    await section.screenshot({ path: artifact('reports-cost-entry-refused.png') })

    await form.locator('input[name=amount]').fill('2500')
    await form.getByRole('button', { name: 'Enter cost' }).click()
    await expect.poll(() => section.getByTestId('cost-done').textContent()).toBe('Cost entered: €2,500.00')
    const after = await overviewOf()
    expect(after.cost).toBe(before.cost + 2500)
    expect(after.kpis.costPerLead).toBeCloseTo((before.cost + 2500) / before.mql, 6)
    expect(after.kpis.roi).toBeLessThan(before.kpis.roi)
    // The view reloads its figures: the row shows the new cost per lead and ROI.
    await expect.poll(() => cells()).toEqual({
      cpl: `€${after.kpis.costPerLead.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
      roi: after.kpis.roi.toLocaleString('en-GB', { maximumFractionDigits: 2 }),
    })
    expect((await cells()).cpl).not.toBe(shownBefore.cpl)
    expect(await section.getByTestId('cost-actual').textContent()).toBe(`€${after.cost.toLocaleString('en-GB', { minimumFractionDigits: 2 })}`)
    expect(await section.getByTestId('cost-items').textContent()).toContain('Retargeting, December')
    // The budget beside it: a refused one names its field; a saved one is what the campaign row shows.
    const budget = section.getByTestId('budget-form')
    await budget.locator('input[name=budget]').fill('-1')
    await budget.getByRole('button', { name: 'Save budget' }).click()
    await expect.poll(() => section.getByTestId('cost-problem').textContent()).toBe('amount: must not be negative')
    await budget.locator('input[name=budget]').fill('25000')
    await budget.getByRole('button', { name: 'Save budget' }).click()
    await expect.poll(() => section.getByTestId('cost-budget').textContent()).toBe('€25,000.00')
    expect(await section.getByTestId('cost-budget-actual').textContent()).toContain(`€${(25_000 - after.cost).toLocaleString('en-GB', { minimumFractionDigits: 2 })} of the budget left`)
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('€25,000')
    await section.screenshot({ path: artifact('reports-cost-entry.png') })
  })

  it('marks a mailing credited beside the campaigns with a badge, in the KPI table and the mail statistics', async () => {
    // A one-off mailing as issue 15 sends it: a delivered mail (messages.mailing_id) and the recipient's
    // human open and click (tracking events carry mailingId); the fold credits them to the mailing.
    const sql = system.sql
    const [contact] = await sql<{ id: string; subsidiary_id: string }[]>`select id, subsidiary_id from contacts where email like 'lead2@history.%'`
    const [mailing] = await sql<{ id: string }[]>`
      insert into mailings (account_id, subsidiary_id, name, content, status, created_by)
      values (${system.demoAccountId!}, ${contact!.subsidiary_id}, 'Winter service offer', '{}', 'sent', 'test') returning id`
    await sql`insert into messages (account_id, contact_id, mailing_id, message_id, template, status, sent_at)
      values (${system.demoAccountId!}, ${contact!.id}, ${mailing!.id}, 'winter-offer-1', ${`mailing:${mailing!.id}`}, 'sent', now())`
    for (const type of ['open', 'click']) {
      await sql`insert into events (account_id, contact_id, type, properties, source)
        values (${system.demoAccountId!}, ${contact!.id}, ${type}, ${sql.json({ mailingId: mailing!.id, messageId: 'winter-offer-1', ...(type === 'click' ? { url: 'https://www.kessler-hydraulik.example/service' } : {}) })}, 'tracking')`
    }
    await system.attribution.drain()
    const overview = await system.api('/api/reports/overview')
    expect(overview.body.campaigns.find((c: { name: string }) => c.name === 'Winter service offer')?.kind).toBe('mailing')
    await page.reload()
    const table = page.getByTestId('campaign-table')
    const mailingRow = table.locator('tbody tr', { hasText: 'Winter service offer' })
    await expect.poll(() => mailingRow.count(), { timeout: 20_000 }).toBe(1)
    expect(await mailingRow.getByTestId('mailing-badge').textContent()).toBe('Mailing')
    // Campaigns carry no badge: exactly one in the KPI table.
    expect(await table.getByTestId('mailing-badge').count()).toBe(1)
    const mails = page.getByTestId('mail-table')
    await expect.poll(() => mails.locator('tr', { hasText: 'Winter service offer' }).getByTestId('mailing-badge').count(), { timeout: 10_000 }).toBe(1)
    expect(await mails.locator('tr', { hasText: 'Onboarding after purchase' }).getByTestId('mailing-badge').count()).toBe(0)
    await page.getByTestId('reports-language').selectOption('fr')
    expect(await mailingRow.getByTestId('mailing-badge').textContent()).toBe('Envoi')
    await page.getByTestId('reports-language').selectOption('en')
    await mailingRow.scrollIntoViewIfNeeded()
    await table.screenshot({ path: artifact('reports-mailing-badge.png') })
  })

  it('exports each table of the view as CSV: the header, and a known row with the figures the JSON shows', async () => {
    // Campaign KPIs (also the funnel's export): Hannover Messe's row, and the funnel's stages are the columns' sums.
    const overview = (await system.api('/api/reports/overview')).body
    const kpis = await csvLines('/api/reports/overview')
    expect(kpis[0]).toBe('campaign,budget,cost,leads,mql,sal,rejected,sql,opportunities,won,net_revenue,production_cost,cost_per_lead,cost_per_order,cost_per_sql,roi,mql_to_won')
    const fair = overview.campaigns.find((c: { name: string }) => c.name === 'Hannover Messe 2026')
    expect(fair.won).toBeGreaterThan(0)
    expect(kpis).toContain(line([fair.name, fair.budget, fair.cost, fair.leads, fair.mql, fair.sal, fair.rejected, fair.sql, fair.opportunity, fair.won, fair.revenue, fair.production,
      r2(fair.kpis.costPerLead), r2(fair.kpis.costPerOrder), r2(fair.kpis.costPerSql), r2(fair.kpis.roi), fair.kpis.conversion.mqlToWon]))
    const column = (name: string) => kpis.slice(1).reduce((sum, l) => sum + Number(l.split(',')[kpis[0]!.split(',').indexOf(name)]), 0)
    expect({ leads: column('leads'), mql: column('mql'), sql: column('sql'), won: column('won') })
      .toEqual({ leads: overview.totals.leads, mql: overview.totals.mql, sql: overview.totals.sql, won: overview.totals.won })

    const attribution = (await system.api('/api/reports/attribution')).body
    const byModel = await csvLines('/api/reports/attribution')
    expect(byModel[0]).toBe(`campaign,${attribution.models.join(',')}`)
    const credited = attribution.campaigns.find((c: { name: string }) => c.name === 'Hannover Messe 2026')
    expect(byModel).toContain(line([credited.name, ...attribution.models.map((m: string) => credited.revenue[m])]))

    const trends = (await system.api('/api/reports/trends?granularity=month')).body
    const trendLines = await csvLines('/api/reports/trends?granularity=month')
    expect(trendLines[0]).toBe('period,cost,leads,mql,sql,won,net_revenue,opens,clicks')
    const month = trends.series.find((p: { won: number }) => p.won > 0)
    expect(trendLines).toContain(line([month.period, month.cost, month.leads, month.mql, month.sql, month.won, month.revenue, month.opens, month.clicks]))
    expect(trendLines.length - 1).toBe(trends.series.length)

    const mails = (await system.api('/api/reports/mail')).body.mails
    const mailLines = await csvLines('/api/reports/mail')
    const columns = ['campaign', 'nodeId', 'template', 'sent', 'delivered', 'hardBounces', 'softBounces', 'opens', 'uniqueOpens', 'machineOpens', 'clicks', 'uniqueClicks', 'machineClicks', 'unsubscribes', 'complaints', 'conversions']
    expect(mailLines[0]).toBe(columns.join(','))
    const welcome = mails.find((m: { template: string }) => m.template === 'onboarding-welcome')
    expect(welcome.sent).toBeGreaterThan(0)
    expect(mailLines).toContain(line(columns.map((c) => welcome[c])))

    const links = (await system.api(`/api/reports/mail/detail?mailKey=${encodeURIComponent(welcome.mailKey)}&template=onboarding-welcome`)).body.links
    const linkLines = await csvLines(`/api/reports/mail/detail?mailKey=${encodeURIComponent(welcome.mailKey)}&template=onboarding-welcome`)
    expect(linkLines[0]).toBe('url,clicks,unique_clicks,machine_clicks')
    const hydrostat = links.find((l: { url: string }) => l.url.includes('/care/hydrostat'))
    expect(linkLines).toContain(line([hydrostat.url, hydrostat.clicks, hydrostat.uniqueClicks, hydrostat.machineClicks]))
  })

  it('counts a goal reached after the onboarding mail as that mail\'s conversion', async () => {
    const mailOf = async () => (await system.api('/api/reports/mail')).body.mails.find((m: { template: string }) => m.template === 'onboarding-welcome')
    const before = await mailOf()
    // An enrolment whose latest mail is the welcome mail reaches its goal a minute after it (as the goal step records it).
    const [sent] = await system.sql<{ enrolment_id: string; account_id: string; campaign_id: string; contact_id: string; sent_at: Date }[]>`
      select m.enrolment_id, e.account_id, e.campaign_id, e.contact_id, coalesce(m.sent_at, m.created_at) as sent_at
      from messages m join enrolments e on e.id = m.enrolment_id
      where m.template = 'onboarding-welcome' and m.status = 'sent'
        and not exists (select 1 from messages later where later.enrolment_id = m.enrolment_id and coalesce(later.sent_at, later.created_at) > coalesce(m.sent_at, m.created_at))
        and not exists (select 1 from conversions c where c.enrolment_id = m.enrolment_id)
      order by m.sent_at desc limit 1`
    expect(sent).toBeDefined()
    await system.sql`insert into conversions (enrolment_id, goal_node_id, account_id, campaign_id, contact_id, converted_at)
      values (${sent!.enrolment_id}, 'goal', ${sent!.account_id}, ${sent!.campaign_id}, ${sent!.contact_id}, ${new Date(sent!.sent_at.getTime() + 60_000)})`
    await system.attribution.drain()
    const after = await mailOf()
    expect(after.conversions).toBe(before.conversions + 1)
    expect({ ...after, conversions: before.conversions }).toEqual(before)
  })

  it('recomputing after a model change shows its progress bar until the job is done', async () => {
    const settings = page.locator('form.reports__settings', { hasText: 'Attribution settings' })
    // The job's first answer (the real one from the API) is held until the bar has been seen and photographed.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    await page.route('**/api/reports/attribution/jobs/*', async (route) => {
      const response = await route.fetch()
      await held
      await route.fulfill({ response })
    }, { times: 1 })
    const saved = page.waitForResponse((r) => r.url().includes('/api/reports/attribution/settings') && r.request().method() === 'PUT')
    await settings.getByLabel('Time-decay half-life (days)').fill('14')
    await settings.getByRole('button', { name: 'Recompute' }).click()
    const { recompute } = await (await saved).json()
    expect(recompute.total).toBeGreaterThan(0)
    const bar = settings.locator('progress')
    await expect.poll(() => bar.count()).toBe(1)
    expect(Number(await bar.getAttribute('max'))).toBe(recompute.total)
    expect(await settings.textContent()).toContain(`of ${recompute.total} deals`)
    expect(await settings.getByRole('button', { name: 'Recompute' }).isDisabled()).toBe(true)
    await settings.screenshot({ path: artifact('reports-recompute-progress.png') })
    release()
    await expect.poll(() => bar.count(), { timeout: 20_000 }).toBe(0)
    expect(await settings.getByRole('button', { name: 'Recompute' }).isDisabled()).toBe(false)
    expect((await system.api(`/api/reports/attribution/jobs/${recompute.id}`)).body).toMatchObject({ status: 'done', done: recompute.total })
    expect((await system.api('/api/reports/attribution/settings')).body.halfLifeDays).toBe(14)
  })

  it('speaks German, French, Italian and Spanish', async () => {
    for (const [language, title, model] of [['de', 'Berichte', 'W-förmig'], ['fr', 'Rapports', 'En W'], ['it', 'Report', 'A W'], ['es', 'Informes', 'En W']] as const) {
      await page.getByTestId('reports-language').selectOption(language)
      expect(await page.locator('.app__title').textContent()).toBe(title)
      expect(await page.getByTestId('attribution-table').textContent()).toContain(model)
    }
    await chartsDrawn()
    await page.screenshot({ path: artifact('reports-view-es.png'), fullPage: false })
    await page.getByTestId('reports-language').selectOption('en')
  })

  it('shows the onboarding mail\'s click map: human clicks on the link, the scanner\'s apart', async () => {
    const mails = page.getByTestId('mail-table')
    await mails.getByRole('button', { name: /Onboarding after purchase · welcome/ }).click()
    const frame = page.frameLocator('[data-testid="click-map"]')
    const badge = frame.locator('.click-badge').first()
    await expect.poll(() => badge.count(), { timeout: 15_000 }).toBeGreaterThan(0)
    const detail = await system.api(`/api/reports/mail/detail?mailKey=${encodeURIComponent((await system.api('/api/reports/mail')).body.mails.find((m: { template: string }) => m.template === 'onboarding-welcome').mailKey)}&template=onboarding-welcome`)
    // Over time: hourly for the first three days, daily after, and every open of the mail in exactly one point.
    const mail = (await system.api('/api/reports/mail')).body.mails.find((m: { template: string }) => m.template === 'onboarding-welcome')
    const series = detail.body.series as SeriesPoint[]
    const firstHour = Date.parse(series[0]!.at)
    expect(series.filter((p) => p.resolution === 'hour').every((p) => Date.parse(p.at) < firstHour + 4 * 86_400_000)).toBe(true)
    expect(series.filter((p) => p.resolution === 'day').length).toBeGreaterThan(0)
    expect(series.filter((p) => p.resolution === 'day').every((p) => Date.parse(p.at) >= firstHour + 3 * 86_400_000)).toBe(true)
    expect(seriesSums(series)).toEqual(mailSums(mail))
    const link = detail.body.links.find((l: { url: string }) => l.url.includes('/care/hydrostat'))
    expect(link.clicks).toBeGreaterThan(0)
    expect(link.machineClicks).toBeGreaterThan(0)
    const clicks = await frame.locator('.click-badge[data-clicks]').evaluateAll((badges) => badges.map((b) => Number(b.getAttribute('data-clicks'))))
    expect(clicks).toContain(link.clicks)
    await page.locator('.reports__mail-detail').scrollIntoViewIfNeeded()
    await chartsDrawn()
    await page.locator('.reports__mail-detail').screenshot({ path: artifact('reports-click-map.png') })
  })

  it('a subsidiary\'s marketer sees only their subsidiary\'s figures; a sales rep is sent to their pipeline', async () => {
    const all = await system.api('/api/reports/overview')
    const france = await system.api('/api/reports/overview', { token: system.token({ sub: 'fr', role: 'marketer', subs: ['FR'] }) })
    expect(france.body.totals.mql).toBeGreaterThan(0)
    expect(france.body.totals.mql).toBeLessThan(all.body.totals.mql)
    const asGermany = await system.api('/api/reports/overview?subsidiary=DE', { token: system.token({ sub: 'fr', role: 'marketer', subs: ['FR'] }) })
    expect(asGermany.status).toBe(403)
    const rep = await system.api('/api/reports/overview', { token: system.token({ sub: 'stefan.krueger@kessler-hydraulik.example', role: 'sales', subs: ['DE'] }) })
    expect(rep.status).toBe(403)
  })

  it('the campaign canvas shows the send step\'s delivered / opened / clicked rates beside its live counts', async () => {
    await page.goto(`${system.designerUrl}`)
    await page.getByText('Onboarding after purchase').first().click()
    const rates = page.getByTestId('step-rates')
    await expect.poll(() => rates.count(), { timeout: 20_000 }).toBeGreaterThan(0)
    expect(await rates.first().textContent()).toMatch(/\d+% delivered.*\d+% opened.*\d+% clicked/)
    await page.screenshot({ path: artifact('canvas-step-rates.png') })
  })
})
