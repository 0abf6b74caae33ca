import { Router, type Request, type Response } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { attributionJob, attributionSettings, startRecompute } from '../db/attribution'
import { pipeline } from '../db/handovers'
import { contactsReachingStage, creditedDeals, firstTouchedContacts } from '../db/report-drills'
import {
  attributionBacklog, campaignTotals, mailLinks, mailSeries, mailTotals, NO_CAMPAIGN, revenueByModel, salesCycles, stepStats, trends, wonRevenue,
  type ReportFilter,
} from '../db/report-aggregates'
import { ATTRIBUTION_MODELS, type AttributionModel } from '../reporting/attribution'
import type { AttributionRefresher } from '../reporting/attribution-refresher'
import { toCsv } from '../reporting/csv-values'
import { campaignKpis, type CampaignFigures } from '../reporting/kpis'
import { caller, type Caller } from './auth'
import { invalidInput, notFound, send } from './errors'
import { refusal } from './permissions'
import { route } from './contract/mount'
import { attributionSettingsBody, reportQuery, reports } from './contract/reports'
import { answered, may, subsidiaryScope } from './report-scope'

// The Reports view's data: every figure from the aggregates migration 015 keeps (db/report-aggregates.ts),
// each table also as CSV (?format=csv). permission: reports.read unless said otherwise.

const DAY_MS = 86_400_000
const today = () => new Date().toISOString().slice(0, 10)

type Query = z.output<typeof reportQuery>

export function reportRoutes(deps: { sql: Sql; attribution?: AttributionRefresher }): Router {
  const { sql } = deps
  const router = Router()

  /** The filter the caller may use, or an error already sent. */
  async function filterOf(req: Request, res: Response, permission: 'reports.read' | 'reports.pipeline' = 'reports.read'): Promise<{ who: Caller; q: Query; f: ReportFilter; names: Map<string, string>; kindOf: (id: string) => 'campaign' | 'mailing' } | null> {
    const who = caller(req)
    if (!may(who, permission)) {
      send(res, { status: 403, code: 'forbidden', message: 'sales reps see their own pipeline: GET /api/reports/pipeline' })
      return null
    }
    const parsed = reportQuery.safeParse(req.query)
    if (!parsed.success) {
      send(res, invalidInput(parsed.error))
      return null
    }
    const q = parsed.data
    const to = q.to ?? today()
    const from = q.from ?? new Date(Date.parse(to) - 364 * DAY_MS).toISOString().slice(0, 10)
    if (from > to) {
      send(res, { status: 400, code: 'invalid_input', field: 'from', message: 'from: must not be after to' })
      return null
    }
    const scope = await subsidiaryScope(sql, who)
    let subsidiaryIds = scope.ids
    if (q.subsidiary) {
      const id = scope.byCode.get(q.subsidiary)
      if (!id || (scope.ids !== '*' && !scope.ids.includes(id))) {
        send(res, { status: 403, code: 'forbidden', field: 'subsidiary', message: `subsidiary: ${q.subsidiary} is not one you see` })
        return null
      }
      subsidiaryIds = [id]
    }
    // Mailings (issue 15) are credited beside the campaigns (migration 021_c) and named like them.
    const campaigns = await sql<{ id: string; name: string; mailing: boolean }[]>`
      select id, name, false as mailing from campaigns where account_id = ${who.acc}
      union all select id, name, true from mailings where account_id = ${who.acc}`
    const names = new Map(campaigns.map((c) => [c.id, c.name]))
    const mailings = new Set(campaigns.filter((c) => c.mailing).map((c) => c.id))
    names.set(NO_CAMPAIGN, '(no campaign)')
    if (q.campaign && !names.has(q.campaign)) {
      send(res, notFound('campaign'))
      return null
    }
    return { who, q, f: { accountId: who.acc, from, to, subsidiaryIds, campaignId: q.campaign }, names, kindOf: (id) => (mailings.has(id) ? 'mailing' : 'campaign') }
  }

  const reply = (res: Response, q: Query, json: unknown, csv: () => { header: string[]; rows: unknown[][]; name: string }) => {
    if (q.format !== 'csv') return void res.json(json)
    const table = csv()
    res.type('text/csv').attachment(`${table.name}.csv`).send(toCsv(table.header, table.rows))
  }

  const round2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100)

  route(router, reports.overview, answered(async (req, res) => {
    const ctx = await filterOf(req, res)
    if (!ctx) return
    const { q, f, names } = ctx
    const [totals, won, pending, budgets] = await Promise.all([
      campaignTotals(sql, f, q.model),
      wonRevenue(sql, f),
      attributionBacklog(sql, f.accountId),
      sql<{ campaign_id: string; amount: string }[]>`select campaign_id, amount from campaign_budgets where account_id = ${f.accountId}`,
    ])
    const budget = new Map(budgets.map((b) => [b.campaign_id, Number(b.amount)]))
    const figuresOf = (t: (typeof totals)[number]): CampaignFigures => ({
      cost: t.cost, leads: t.leads, mql: t.mql, sal: t.sal, rejected: t.rejected, sql: t.sql, opportunity: t.opportunity, won: t.won,
      revenue: t.revenue_cents / 100, production: t.production_cents / 100,
    })
    const campaigns = totals
      .map((t) => ({ campaignId: t.campaign_id, name: names.get(t.campaign_id) ?? t.campaign_id, kind: ctx.kindOf(t.campaign_id), budget: budget.get(t.campaign_id) ?? null, ...figuresOf(t), kpis: campaignKpis(figuresOf(t)) }))
      .sort((a, b) => b.revenue - a.revenue || b.mql - a.mql || a.name.localeCompare(b.name))
    const sum: CampaignFigures = { cost: 0, leads: 0, mql: 0, sal: 0, rejected: 0, sql: 0, opportunity: 0, won: 0, revenue: 0, production: 0 }
    for (const c of totals) for (const [key, value] of Object.entries(figuresOf(c))) sum[key as keyof CampaignFigures] += value
    sum.revenue = round2(sum.revenue)!
    sum.production = round2(sum.production)!
    const attributed = totals.reduce((s, t) => s + t.revenue_cents, 0)
    reply(res, q, {
      filter: { from: f.from, to: f.to, subsidiary: q.subsidiary ?? null, campaign: q.campaign ?? null, model: q.model },
      campaigns,
      totals: { ...sum, kpis: campaignKpis(sum) },
      // All won deals of the period; what no model could credit (no touch in the lookback window) is shown, not hidden.
      wonRevenue: { deals: won.won, revenue: won.revenue_cents / 100, production: won.production_cents / 100, productionUnknown: won.production_unknown },
      unattributedRevenue: q.campaign ? null : (won.revenue_cents - attributed) / 100,
      attributionPending: pending,
    }, () => ({
      name: 'campaign-kpis',
      header: ['campaign', 'budget', 'cost', 'leads', 'mql', 'sal', 'rejected', 'sql', 'opportunities', 'won', 'net_revenue', 'production_cost', 'cost_per_lead', 'cost_per_order', 'cost_per_sql', 'roi', 'mql_to_won'],
      rows: campaigns.map((c) => [c.name, c.budget, c.cost, c.leads, c.mql, c.sal, c.rejected, c.sql, c.opportunity, c.won, c.revenue, c.production,
        round2(c.kpis.costPerLead), round2(c.kpis.costPerOrder), round2(c.kpis.costPerSql), round2(c.kpis.roi), c.kpis.conversion.mqlToWon]),
    }))
  }))

  route(router, reports.attribution, answered(async (req, res) => {
    const ctx = await filterOf(req, res)
    if (!ctx) return
    const { q, f, names } = ctx
    const [rows, won, settings, pending] = await Promise.all([revenueByModel(sql, f), wonRevenue(sql, f), attributionSettings(sql, f.accountId), attributionBacklog(sql, f.accountId)])
    const byCampaign = new Map<string, Record<AttributionModel, number>>()
    const totals = Object.fromEntries(ATTRIBUTION_MODELS.map((m) => [m, 0])) as Record<AttributionModel, number>
    for (const row of rows) {
      const entry = byCampaign.get(row.campaign_id) ?? (Object.fromEntries(ATTRIBUTION_MODELS.map((m) => [m, 0])) as Record<AttributionModel, number>)
      entry[row.model] = row.revenue_cents / 100
      totals[row.model] += row.revenue_cents
      byCampaign.set(row.campaign_id, entry)
    }
    const campaigns = [...byCampaign.entries()].map(([id, revenue]) => ({ campaignId: id, name: names.get(id) ?? id, kind: ctx.kindOf(id), revenue })).sort((a, b) => b.revenue.linear - a.revenue.linear)
    reply(res, q, {
      models: ATTRIBUTION_MODELS,
      settings,
      campaigns,
      totals: Object.fromEntries(ATTRIBUTION_MODELS.map((m) => [m, totals[m] / 100])),
      wonRevenue: won.revenue_cents / 100,
      unattributed: q.campaign ? null : Object.fromEntries(ATTRIBUTION_MODELS.map((m) => [m, (won.revenue_cents - totals[m]) / 100])),
      attributionPending: pending,
    }, () => ({ name: 'revenue-by-model', header: ['campaign', ...ATTRIBUTION_MODELS], rows: campaigns.map((c) => [c.name, ...ATTRIBUTION_MODELS.map((m) => c.revenue[m])]) }))
  }))

  route(router, reports.trends, answered(async (req, res) => {
    const ctx = await filterOf(req, res)
    if (!ctx) return
    const series = await trends(sql, ctx.f, ctx.q.model, ctx.q.granularity)
    reply(res, ctx.q, { granularity: ctx.q.granularity, model: ctx.q.model, series }, () => ({
      name: 'trends', header: ['period', 'cost', 'leads', 'mql', 'sql', 'won', 'net_revenue', 'opens', 'clicks'],
      rows: series.map((p) => [p.period, p.cost, p.leads, p.mql, p.sql, p.won, p.revenue, p.opens, p.clicks]),
    }))
  }))

  route(router, reports.salesCycle, answered(async (req, res) => {
    const ctx = await filterOf(req, res)
    if (!ctx) return
    const { perCampaign, histogram } = await salesCycles(sql, ctx.f)
    const campaigns = perCampaign.filter((r) => r.is_total === 0).map((r) => ({
      campaignId: r.campaign_id, name: r.campaign_id ? (ctx.names.get(r.campaign_id) ?? r.campaign_id) : '(no campaign)', won: r.won,
      mqlToWon: { averageDays: round2(r.mql_avg), medianDays: round2(r.mql_median) }, firstTouchToWon: { averageDays: round2(r.touch_avg), medianDays: round2(r.touch_median) },
    }))
    const all = perCampaign.find((r) => r.is_total === 1)
    reply(res, ctx.q, {
      total: all ? { won: all.won, mqlToWon: { averageDays: round2(all.mql_avg), medianDays: round2(all.mql_median) }, firstTouchToWon: { averageDays: round2(all.touch_avg), medianDays: round2(all.touch_median) } } : null,
      campaigns,
      histogram: histogram.map((h) => ({ fromDays: h.bucket * 7, toDays: h.bucket === 26 ? null : h.bucket * 7 + 6, deals: h.deals })),
    }, () => ({
      name: 'sales-cycle', header: ['campaign', 'won', 'mql_to_won_avg_days', 'mql_to_won_median_days', 'first_touch_to_won_avg_days', 'first_touch_to_won_median_days'],
      rows: campaigns.map((c) => [c.name, c.won, c.mqlToWon.averageDays, c.mqlToWon.medianDays, c.firstTouchToWon.averageDays, c.firstTouchToWon.medianDays]),
    }))
  }))

  route(router, reports.mail, answered(async (req, res) => {
    const ctx = await filterOf(req, res)
    if (!ctx) return
    const filter = { ...ctx.f, template: ctx.q.template, mailKey: ctx.q.mailKey }
    const split = ctx.q.after?.indexOf(' ') ?? -1
    if (ctx.q.after !== undefined && split < 1) return send(res, { status: 400, code: 'invalid_input', field: 'after', message: 'after: the "next" of the previous page' })
    const after = ctx.q.after ? { mailKey: ctx.q.after.slice(0, split), template: ctx.q.after.slice(split + 1) } : undefined
    // A page in JSON; the CSV export is every page.
    // 50 mails a page: each mail's period sums a year of monthly rows and a month of edge days per subsidiary.
    let page = await mailTotals(sql, { ...filter, after, limit: ctx.q.limit ?? 50 })
    const rows = [...page.mails]
    while (ctx.q.format === 'csv' && page.next) {
      const [mailKey, template] = [page.next.slice(0, page.next.indexOf(' ')), page.next.slice(page.next.indexOf(' ') + 1)]
      page = await mailTotals(sql, { ...filter, after: { mailKey, template }, limit: 1000 })
      rows.push(...page.mails)
    }
    // A mailing's mail is keyed "mailing:<id>": named by its mailing.
    const nameOf = (r: Record<string, unknown>) => (r.campaignId ? ctx.names.get(String(r.campaignId)) : ctx.names.get(String(r.mailKey).replace(/^mailing:/, ''))) ?? null
    const mails = rows.map((r) => ({ ...r, campaign: nameOf(r) }))
    const columns = ['campaign', 'nodeId', 'template', 'sent', 'delivered', 'hardBounces', 'softBounces', 'opens', 'uniqueOpens', 'machineOpens', 'clicks', 'uniqueClicks', 'machineClicks', 'unsubscribes', 'complaints', 'conversions']
    reply(res, ctx.q, { mails, next: page.next }, () => ({ name: 'mail-statistics', header: columns, rows: mails.map((m) => columns.map((c) => (m as Record<string, unknown>)[c])) }))
  }))

  route(router, reports.mailDetail, answered(async (req, res) => {
    const ctx = await filterOf(req, res)
    if (!ctx) return
    if (!ctx.q.mailKey || !ctx.q.template) return send(res, { status: 400, code: 'invalid_input', field: ctx.q.mailKey ? 'template' : 'mailKey', message: 'mailKey and template: name the mail' })
    const [series, links] = await Promise.all([mailSeries(sql, ctx.f.accountId, ctx.q.mailKey, ctx.q.template, ctx.f.subsidiaryIds), mailLinks(sql, ctx.f.accountId, ctx.q.mailKey, ctx.q.template)])
    reply(res, ctx.q, { mailKey: ctx.q.mailKey, template: ctx.q.template, series, links }, () => ({
      name: 'mail-links', header: ['url', 'clicks', 'unique_clicks', 'machine_clicks'], rows: links.map((l) => [l.url, l.clicks, l.uniqueClicks, l.machineClicks]),
    }))
  }))

  // Drill-down: the contacts behind a funnel figure, or the deals behind a revenue figure (credited under the model).
  route(router, reports.drill, answered(async (req, res) => {
    const ctx = await filterOf(req, res)
    if (!ctx) return
    const { q, f, names } = ctx
    // A page on screen (?limit, 200); the CSV export takes up to 1,000 rows, as it always did.
    const pageSize = q.format === 'csv' ? 1000 : (q.limit ?? 200)
    if (!q.stage) return send(res, { status: 400, code: 'invalid_input', field: 'stage', message: 'stage: name the figure (leads, mql, sal, rejected, sql, opportunity, won or revenue)' })
    if (q.stage === 'revenue') {
      const deals = await creditedDeals(sql, f, q.model, pageSize)
      const rows: Record<string, any>[] = deals.map((d) => ({ ...d, campaign: names.get(d.campaignId) ?? d.campaignId }))
      return reply(res, q, { stage: q.stage, model: q.model, opportunities: rows }, () => ({
        name: 'revenue-deals', header: ['deal', 'company', 'contact', 'amount_net', 'production_cost', 'closed', 'campaign', 'credited', 'share'],
        rows: rows.map((d) => [d.name, d.company, d.email, d.amountNet, d.productionCost, d.closedOn, d.campaign, d.credited, d.share]),
      }))
    }
    const contacts: Record<string, any>[] = q.stage === 'leads'
      ? await firstTouchedContacts(sql, f, pageSize)
      : await contactsReachingStage(sql, f, q.stage, pageSize)
    const rows: Record<string, any>[] = contacts.map((c) => ({ ...c, campaign: c.campaignId ? (names.get(c.campaignId) ?? c.campaignId) : '(no campaign)' }))
    reply(res, q, { stage: q.stage, contacts: rows }, () => ({
      name: `contacts-${q.stage}`, header: ['email', 'first_name', 'last_name', 'company', 'current_stage', 'campaign', 'at'],
      rows: rows.map((c) => [c.email, c.firstName, c.lastName, c.company, c.stage, c.campaign, c.at]),
    }))
  }))

  // permission: reports.pipeline. A sales rep's own pipeline: the leads handed to them and the deals of those contacts.
  route(router, reports.pipeline, answered(async (req, res) => {
    const ctx = await filterOf(req, res, 'reports.pipeline')
    if (!ctx) return
    const { who, q } = ctx
    const leads = await pipeline(sql, { accountId: who.acc, from: ctx.f.from, to: ctx.f.to, subsidiaryIds: ctx.f.subsidiaryIds, repEmail: who.role === 'sales_rep' ? who.sub : undefined })
    reply(res, q, { leads }, () => ({
      name: 'pipeline', header: ['email', 'first_name', 'last_name', 'company', 'stage', 'handover', 'handed_over_at', 'rep', 'open_amount', 'won_amount'],
      rows: leads.map((l) => [l.email, l.firstName, l.lastName, l.company, l.stage, l.handoverStatus, l.handedOverAt, l.rep, l.openAmount, l.wonAmount]),
    }))
  }))

  route(router, reports.settings, answered(async (req, res) => {
    const who = caller(req)
    if (!may(who, 'reports.read')) return send(res, { status: 403, code: 'forbidden', message: 'attribution settings are for marketers and managers' })
    res.json(await attributionSettings(sql, who.acc))
  }))

  // permission: attribution.configure. A new lookback or half-life re-attributes every won deal, as a job with progress.
  route(router, reports.changeSettings, answered(async (req, res) => {
    const who = caller(req)
    if (!may(who, 'attribution.configure')) return send(res, { status: 403, code: 'forbidden', message: refusal('attribution.configure') })
    const parsed = attributionSettingsBody.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const job = await startRecompute(sql, who.acc, 'attribution settings', who.sub, parsed.data)
    deps.attribution?.kick()
    res.status(202).json({ settings: parsed.data, recompute: job })
  }))

  route(router, reports.job, answered(async (req, res) => {
    const who = caller(req)
    const id = z.uuid().safeParse(req.params.id)
    const job = id.success && may(who, 'reports.read') ? await attributionJob(sql, who.acc, id.data) : undefined
    if (!job) return send(res, notFound('recompute job'))
    res.json({ ...job, progress: job.total ? job.done / job.total : 1 })
  }))

  // Delivered / opened / clicked per send step, for the campaign canvas beside the live counts.
  route(router, reports.stepStats, answered(async (req, res) => {
    const ctx = await filterOf(req, res)
    if (!ctx) return
    const id = z.uuid().safeParse(req.params.id)
    if (!id.success || !ctx.names.has(id.data)) return send(res, notFound('campaign'))
    const steps = await stepStats(sql, ctx.f.accountId, id.data, ctx.f.subsidiaryIds)
    res.json({
      steps: steps.map((s) => ({ ...s, deliveredRate: s.sent ? s.delivered / s.sent : null, openRate: s.delivered ? s.uniqueOpens / s.delivered : null, clickRate: s.delivered ? s.uniqueClicks / s.delivered : null })),
    })
  }))

  return router
}
