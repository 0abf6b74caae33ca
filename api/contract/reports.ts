import { z } from 'zod'
import { ATTRIBUTION_MODELS } from '../../reporting/attribution'
import { defineRoute, idParams, timestamp } from './route'

// The Reports view's data (api/reports.ts): figures from the reporting aggregates, narrowed to the caller's
// subsidiaries, each table also as CSV (?format=csv). Docs: docs/reporting.md.

/** A calendar day Postgres and people agree on (zod's ISO date alone lets year 0000 through). */
export const reportDay = (message: string) => z.iso.date(message).refine((day) => day >= '1900-01-01' && day <= '2999-12-31', 'a date between 1900 and 2999')

export const REPORT_STAGES = ['leads', 'mql', 'sal', 'rejected', 'sql', 'opportunity', 'won', 'revenue'] as const

export const reportQuery = z.object({
  from: reportDay('a date such as 2026-01-31').optional(),
  to: reportDay('a date such as 2026-12-31').optional(),
  subsidiary: z.string().regex(/^[A-Z]{2}$/, 'a subsidiary code such as DE or FR').optional(),
  campaign: z.uuid('a campaign id').optional(),
  model: z.enum(ATTRIBUTION_MODELS).default('linear'),
  granularity: z.enum(['day', 'week', 'month']).default('month'),
  format: z.enum(['json', 'csv']).default('json'),
  template: z.string().max(200).optional(),
  mailKey: z.string().max(200).optional(),
  stage: z.enum(REPORT_STAGES).optional(),
  // The mail list's keyset page: the previous page's `next` ("<mailKey> <template>"); and the size of a page of mails (50) or drill-down rows (200).
  after: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
})

export const attributionSettingsBody = z.strictObject({
  lookbackDays: z.number().int().min(1).max(3650),
  halfLifeDays: z.number().min(0.1, 'at least 0.1 days').max(3650),
})

const ratio = z.number().nullable()
const kpis = z.object({
  costPerLead: ratio, costPerOrder: ratio, costPerSql: ratio, roi: ratio,
  conversion: z.object({ leadToMql: ratio, mqlToSal: ratio, salToSql: ratio, sqlToOpportunity: ratio, opportunityToWon: ratio, mqlToWon: ratio }),
})
const figures = {
  cost: z.number(), leads: z.number(), mql: z.number(), sal: z.number(), rejected: z.number(), sql: z.number(), opportunity: z.number(), won: z.number(),
  revenue: z.number(), production: z.number(),
}
const models = z.object(Object.fromEntries(ATTRIBUTION_MODELS.map((m) => [m, z.number()])) as Record<(typeof ATTRIBUTION_MODELS)[number], z.ZodNumber>)
const csv = { 'text/csv': z.string() }
const jobSchema = z.looseObject({ id: z.uuid(), total: z.number().int(), done: z.number().int(), status: z.enum(['running', 'done']) })
const cycle = z.object({ averageDays: ratio, medianDays: ratio })
const mailFigures = {
  sent: z.number().int(), delivered: z.number().int(), hardBounces: z.number().int(), softBounces: z.number().int(), opens: z.number().int(), uniqueOpens: z.number().int(),
  machineOpens: z.number().int(), clicks: z.number().int(), uniqueClicks: z.number().int(), machineClicks: z.number().int(), unsubscribes: z.number().int(),
  complaints: z.number().int(), conversions: z.number().int(),
}
const readErrors = { 403: ['forbidden'], 404: ['not_found'] } as const

export const reports = {
  overview: defineRoute({
    method: 'get', path: '/reports/overview', permission: 'reports.read', query: reportQuery,
    summary: 'Per campaign: cost, budget, leads, funnel stages, credited revenue and KPIs (cost per lead/order/SQL, ROI, conversions), and the unattributed rest',
    responses: {
      200: z.object({
        filter: z.object({ from: z.string(), to: z.string(), subsidiary: z.string().nullable(), campaign: z.string().nullable(), model: z.enum(ATTRIBUTION_MODELS) }),
        // Mailings (issue 15) are credited beside the campaigns: kind says which a row is.
        campaigns: z.array(z.object({ campaignId: z.string(), name: z.string(), kind: z.enum(['campaign', 'mailing']), budget: z.number().nullable(), ...figures, kpis })),
        totals: z.object({ ...figures, kpis }),
        wonRevenue: z.object({ deals: z.number(), revenue: z.number(), production: z.number(), productionUnknown: z.number() }),
        unattributedRevenue: z.number().nullable(),
        attributionPending: z.number().int(),
      }),
    },
    alsoAs: { 200: csv }, errors: readErrors,
  }),
  attribution: defineRoute({
    method: 'get', path: '/reports/attribution', permission: 'reports.read', query: reportQuery,
    summary: 'Won revenue credited per campaign under all six attribution models side by side, and what no model could credit',
    responses: {
      200: z.object({
        models: z.array(z.enum(ATTRIBUTION_MODELS)),
        settings: z.object({ lookbackDays: z.number(), halfLifeDays: z.number() }),
        campaigns: z.array(z.object({ campaignId: z.string(), name: z.string(), kind: z.enum(['campaign', 'mailing']), revenue: models })),
        totals: models, wonRevenue: z.number(), unattributed: models.nullable(), attributionPending: z.number().int(),
      }),
    },
    alsoAs: { 200: csv }, errors: readErrors,
  }),
  trends: defineRoute({
    method: 'get', path: '/reports/trends', permission: 'reports.read', query: reportQuery,
    summary: 'Cost, leads, MQL, SQL, won, credited revenue, opens and clicks per day, week or month',
    responses: {
      200: z.object({
        granularity: z.enum(['day', 'week', 'month']), model: z.enum(ATTRIBUTION_MODELS),
        series: z.array(z.object({ period: z.string(), cost: z.number(), leads: z.number(), mql: z.number(), sql: z.number(), won: z.number(), revenue: z.number(), opens: z.number(), clicks: z.number() })),
      }),
    },
    alsoAs: { 200: csv }, errors: readErrors,
  }),
  salesCycle: defineRoute({
    method: 'get', path: '/reports/sales-cycle', permission: 'reports.read', query: reportQuery,
    summary: 'Average and median days MQL → won and first touch → won, per campaign and in total, and their distribution in weeks',
    responses: {
      200: z.object({
        total: z.object({ won: z.number().int(), mqlToWon: cycle, firstTouchToWon: cycle }).nullable(),
        campaigns: z.array(z.object({ campaignId: z.string().nullable(), name: z.string(), won: z.number().int(), mqlToWon: cycle, firstTouchToWon: cycle })),
        histogram: z.array(z.object({ fromDays: z.number().int(), toDays: z.number().int().nullable(), deals: z.number().int() })),
      }),
    },
    alsoAs: { 200: csv }, errors: readErrors,
  }),
  mail: defineRoute({
    method: 'get', path: '/reports/mail', permission: 'reports.read', query: reportQuery,
    summary: 'Mail statistics per mail (campaign step or mailing) and template, a page at a time (?after=<next> of the previous page)',
    responses: {
      200: z.object({
        mails: z.array(z.object({ mailKey: z.string(), campaignId: z.string().nullable(), nodeId: z.string().nullable(), template: z.string(), campaign: z.string().nullable(), ...mailFigures })),
        next: z.string().nullable(),
      }),
    },
    alsoAs: { 200: csv }, errors: readErrors,
  }),
  mailDetail: defineRoute({
    method: 'get', path: '/reports/mail/detail', permission: 'reports.read', query: reportQuery,
    summary: "One mail's figures over time (hourly for its first three days, then daily) and its clicks per link (the click map)",
    responses: {
      200: z.object({
        mailKey: z.string(), template: z.string(),
        series: z.array(z.looseObject({ resolution: z.enum(['hour', 'day']), at: timestamp })),
        links: z.array(z.object({ url: z.string(), clicks: z.number().int(), uniqueClicks: z.number().int(), machineClicks: z.number().int() })),
      }),
    },
    alsoAs: { 200: csv }, errors: readErrors,
  }),
  drill: defineRoute({
    method: 'get', path: '/reports/drill', permission: 'reports.read', query: reportQuery,
    summary: 'The contacts behind a funnel figure (?stage=leads…won), or the deals behind a revenue figure (?stage=revenue, under ?model)',
    responses: {
      200: z.union([
        z.object({ stage: z.literal('revenue'), model: z.enum(ATTRIBUTION_MODELS), opportunities: z.array(z.looseObject({ id: z.uuid(), name: z.string(), credited: z.number(), share: z.number() })) }),
        z.object({ stage: z.enum(REPORT_STAGES), contacts: z.array(z.looseObject({ id: z.uuid(), email: z.string(), campaign: z.string() })) }),
      ]),
    },
    alsoAs: { 200: csv }, errors: readErrors,
  }),
  pipeline: defineRoute({
    method: 'get', path: '/reports/pipeline', permission: 'reports.pipeline', query: reportQuery,
    summary: "A sales rep's own pipeline: the leads handed to them and their deals (managers see every rep's)",
    responses: { 200: z.object({ leads: z.array(z.looseObject({ id: z.uuid(), email: z.string(), rep: z.string(), openAmount: z.number(), wonAmount: z.number() })) }) },
    alsoAs: { 200: csv }, errors: readErrors,
  }),
  settings: defineRoute({
    method: 'get', path: '/reports/attribution/settings', permission: 'reports.read',
    summary: 'The lookback window and time-decay half-life every attribution model runs with',
    responses: { 200: z.object({ lookbackDays: z.number(), halfLifeDays: z.number() }) },
  }),
  changeSettings: defineRoute({
    method: 'put', path: '/reports/attribution/settings', permission: 'attribution.configure', body: attributionSettingsBody,
    summary: 'Change the lookback or half-life: every won deal is re-attributed, as a job with progress',
    responses: { 202: z.object({ settings: attributionSettingsBody, recompute: jobSchema }) },
  }),
  job: defineRoute({
    method: 'get', path: '/reports/attribution/jobs/:id', permission: 'reports.read', params: idParams, notFound: 'recompute job',
    summary: 'A re-attribution job: done / total and progress',
    responses: { 200: jobSchema.extend({ progress: z.number() }) },
  }),
  stepStats: defineRoute({
    method: 'get', path: '/campaigns/:id/step-stats', permission: 'reports.read', params: idParams, notFound: 'campaign',
    summary: "Delivered / opened / clicked per send step of a campaign, for the canvas",
    responses: {
      200: z.object({
        steps: z.array(z.object({ nodeId: z.string(), sent: z.number().int(), delivered: z.number().int(), uniqueOpens: z.number().int(), uniqueClicks: z.number().int(), deliveredRate: ratio, openRate: ratio, clickRate: ratio })),
      }),
    },
    errors: { 403: ['forbidden'] },
  }),
}
