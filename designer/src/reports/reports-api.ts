// The Reports view's side of the API (api/reports.ts): figures as JSON, every table also as CSV.
import { authHeaders } from '../auth'
import type { CostCategory } from '../../../db/costs'
export type { CostCategory }
import type { CampaignFigures, CampaignKpis } from '../../../reporting/kpis'

export const MODELS = ['first', 'last', 'linear', 'u_shaped', 'w_shaped', 'time_decay'] as const
export type Model = (typeof MODELS)[number]

export interface ReportFilter {
  from: string
  to: string
  subsidiary: string
  campaign: string
  model: Model
}

// The figures and KPIs are the server's own types (reporting/kpis.ts), so the view cannot drift from them.
export type Kpis = CampaignKpis
export type Figures = CampaignFigures

/** What a row credits: a campaign, or a one-off mailing (credited beside the campaigns, issue 15). */
export type CreditedKind = 'campaign' | 'mailing'

export interface CampaignRow extends Figures {
  campaignId: string
  name: string
  kind: CreditedKind
  budget: number | null
  kpis: Kpis
}

export interface Overview {
  campaigns: CampaignRow[]
  totals: Figures & { kpis: Kpis }
  wonRevenue: { deals: number; revenue: number; production: number; productionUnknown: number }
  unattributedRevenue: number | null
  attributionPending: number
}

export interface Attribution {
  models: Model[]
  settings: { lookbackDays: number; halfLifeDays: number }
  campaigns: { campaignId: string; name: string; kind: CreditedKind; revenue: Record<Model, number> }[]
  totals: Record<Model, number>
  wonRevenue: number
  unattributed: Record<Model, number> | null
  attributionPending: number
}

export interface TrendPoint {
  period: string
  cost: number
  leads: number
  mql: number
  sql: number
  won: number
  revenue: number
}

export interface Cycle {
  averageDays: number | null
  medianDays: number | null
}

export interface SalesCycle {
  total: { won: number; mqlToWon: Cycle; firstTouchToWon: Cycle } | null
  campaigns: { campaignId: string | null; name: string; won: number; mqlToWon: Cycle; firstTouchToWon: Cycle }[]
  histogram: { fromDays: number; toDays: number | null; deals: number }[]
}

export interface MailRow {
  mailKey: string
  campaignId: string | null
  campaign: string | null
  nodeId: string | null
  template: string
  sent: number
  delivered: number
  hardBounces: number
  softBounces: number
  opens: number
  uniqueOpens: number
  machineOpens: number
  clicks: number
  uniqueClicks: number
  machineClicks: number
  unsubscribes: number
  complaints: number
  conversions: number
}

export interface MailDetail {
  series: ({ resolution: 'hour' | 'day'; at: string } & Record<'sent' | 'opens' | 'uniqueOpens' | 'machineOpens' | 'clicks' | 'uniqueClicks' | 'machineClicks', number>)[]
  links: { url: string; clicks: number; uniqueClicks: number; machineClicks: number }[]
}

// The server's categories (db/costs.ts): a record over its type, so a new category fails to compile here until the form offers it.
const CATEGORY_ORDER: Record<CostCategory, number> = { concept: 0, content: 1, agency: 2, software_licence: 3, ad_placement: 4, mailing_lists: 5, fair: 6, discounts: 7 }
export const COST_CATEGORIES = (Object.keys(CATEGORY_ORDER) as CostCategory[]).sort((a, b) => CATEGORY_ORDER[a] - CATEGORY_ORDER[b])

export interface CampaignCosts {
  campaignId: string
  budget: number | null
  actual: number
  items: { id: string; subsidiary_code: string; category: CostCategory; amount: number; incurred_on: string; note: string | null }[]
}

/** A refused request as the API words it: the message, and the field it names for bad input. */
export class ApiProblem extends Error {
  constructor(message: string, readonly status: number, readonly field?: string) {
    super(message)
  }
}

export type DrillStage = 'leads' | 'mql' | 'sal' | 'rejected' | 'sql' | 'opportunity' | 'won' | 'revenue'

export function reportsQuery(filter: ReportFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ from: filter.from, to: filter.to, model: filter.model, ...extra })
  if (filter.subsidiary) params.set('subsidiary', filter.subsidiary)
  if (filter.campaign) params.set('campaign', filter.campaign)
  return params.toString()
}

export function createReportsApi(token: string | null) {
  const headers = authHeaders(token)
  const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(path, { ...init, headers: { ...authHeaders(token, init.method ?? 'GET'), ...(init.body ? { 'content-type': 'application/json' } : {}) } })
    const body = (await response.json().catch(() => null)) as (T & { error?: { message?: string; field?: string } }) | null
    if (!response.ok) throw new ApiProblem(body?.error?.message ?? `${response.status} ${response.statusText}`, response.status, body?.error?.field)
    return body as T
  }
  const get = <T>(path: string, filter: ReportFilter, extra?: Record<string, string>) => call<T>(`/api/reports/${path}?${reportsQuery(filter, extra)}`)
  return {
    me: () => call<{ role: string; subsidiaries: string[] | '*' }>('/api/me'),
    campaigns: () => call<{ campaigns: { id: string; name: string }[] }>('/api/campaigns'),
    overview: (f: ReportFilter) => get<Overview>('overview', f),
    attribution: (f: ReportFilter) => get<Attribution>('attribution', f),
    trends: (f: ReportFilter) => get<{ series: TrendPoint[] }>('trends', f, { granularity: 'month' }),
    salesCycle: (f: ReportFilter) => get<SalesCycle>('sales-cycle', f),
    // A page of mails; `next` names the page after it (null: the last).
    mail: (f: ReportFilter, after?: string) => get<{ mails: MailRow[]; next: string | null }>('mail', f, after ? { after } : undefined),
    mailDetail: (f: ReportFilter, mailKey: string, template: string) => get<MailDetail>('mail/detail', f, { mailKey, template }),
    drill: (f: ReportFilter, stage: DrillStage, campaign?: string) =>
      get<{ contacts?: Record<string, unknown>[]; opportunities?: Record<string, unknown>[] }>('drill', campaign ? { ...f, campaign } : f, { stage }),
    preview: (template: string, subsidiary: string) => call<{ html: string }>('/api/templates/preview', { method: 'POST', body: JSON.stringify({ template, subsidiary }) }),
    stepStats: (campaignId: string) =>
      call<{ steps: { nodeId: string; deliveredRate: number | null; openRate: number | null; clickRate: number | null }[] }>(`/api/campaigns/${campaignId}/step-stats`),
    saveSettings: (settings: { lookbackDays: number; halfLifeDays: number }) =>
      call<{ recompute: { id: string; total: number; done: number } }>('/api/reports/attribution/settings', { method: 'PUT', body: JSON.stringify(settings) }),
    costs: (campaignId: string) => call<CampaignCosts>(`/api/campaigns/${campaignId}/costs`),
    // The form's values go as typed: the server checks them and names the field it refuses.
    addCost: (campaignId: string, item: Record<string, unknown>) => call<{ ids: string[] }>(`/api/campaigns/${campaignId}/costs`, { method: 'POST', body: JSON.stringify(item) }),
    setBudget: (campaignId: string, amount: unknown) => call<{ budget: number }>(`/api/campaigns/${campaignId}/budget`, { method: 'PUT', body: JSON.stringify({ amount }) }),
    job: (id: string) => call<{ total: number; done: number; status: string }>(`/api/reports/attribution/jobs/${id}`),
    /** Downloads a table as CSV (the same query with format=csv) under the name the server gives it. */
    async downloadCsv(path: string, filter: ReportFilter, extra: Record<string, string> = {}) {
      const response = await fetch(`/api/${path}?${reportsQuery(filter, { ...extra, format: 'csv' })}`, { headers })
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`)
      const name = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'report.csv'
      const url = URL.createObjectURL(await response.blob())
      const link = document.createElement('a')
      link.href = url
      link.download = name
      link.click()
      URL.revokeObjectURL(url)
    },
  }
}
export type ReportsApi = ReturnType<typeof createReportsApi>

export const isReportsView = (search: string) => new URLSearchParams(search).get('view') === 'reports'
