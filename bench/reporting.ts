import type { Server } from 'node:http'
import express, { json, Router } from 'express'
import postgres from 'postgres'
import { requireCaller } from '../api/auth'
import { issueApiKey } from '../people/api-keys'
import { errorHandler } from '../api/errors'
import { reportRoutes } from '../api/reports'
import { startRecompute } from '../db/attribution'
import { migrate } from '../db/migrate'
import { createAttributionRefresher } from '../reporting/attribution-refresher'
import { createReportFolder } from '../reporting/report-folder'
import type { Cleanup } from './infra'
import { createBenchDatabase } from './infra'
import { inFlight, now, percentile, perSecond } from './measure'
import { generateReportingData, type ReportingScale } from './reporting-data'

// Reporting at scale: the dashboards' endpoints (the product's own routes, over HTTP with a bearer token)
// against generated data of 1M contacts, 10M touches and 100k deals, p50/p95 of each; event ingestion
// with and without the aggregation triggers; and a full re-attribution after a model change, with progress.

export interface ReportingOptions extends ReportingScale {
  requests: number
  ingestEvents: number
  log: (message: string) => void
  cleanup: Cleanup
}

export interface EndpointFigures {
  path: string
  p50Ms: number
  p95Ms: number
  maxMs: number
}

export interface ReportingResult {
  scale: ReportingScale
  generateSeconds: number
  endpoints: EndpointFigures[]
  ingestion: { events: number; concurrency: number; withAggregation: number; withoutAggregation: number; cost: number; foldedPerSecond: number }
  recompute: { deals: number; seconds: number; dealsPerSecond: number; progress: string[] }
}

export async function runReporting(options: ReportingOptions): Promise<ReportingResult> {
  const { log } = options
  const database = await createBenchDatabase(process.env.DATABASE_URL)
  options.cleanup.add('reporting benchmark database', database.drop)
  if (database.kind !== 'postgres') log('reporting: note: without DATABASE_URL this runs on PGlite; set DATABASE_URL for figures about Postgres')
  const sql = postgres(database.url, { max: 10, onnotice: () => {} })
  options.cleanup.add('reporting database pool', () => sql.end({ timeout: 5 }))
  await migrate(sql)

  const began = now()
  log(`reporting: generating ${options.contacts} contacts, ${options.touches} touches, ${options.deals} deals in Postgres`)
  const { accountId, campaignId } = await generateReportingData(sql, options, log)
  const generateSeconds = (now() - began) / 1000

  // Full re-attribution (as after a change of the lookback or half-life), with the job's progress.
  const refresher = createAttributionRefresher({ sql, intervalMs: 3_600_000, log })
  options.cleanup.add('attribution refresher', refresher.stop)
  const job = await startRecompute(sql, accountId, 'benchmark', 'bench', { lookbackDays: 365, halfLifeDays: 14 })
  log(`reporting: re-attributing ${job.total} won deals under six models`)
  const progress: string[] = []
  const recomputeBegan = now()
  const drained = refresher.drain()
  const ticker = setInterval(async () => {
    const [row] = await sql<{ done: number; total: number }[]>`select done, total from attribution_jobs where id = ${job.id}`
    const line = `${row!.done} / ${row!.total} deals (${Math.round((row!.done / Math.max(1, row!.total)) * 100)} %) after ${((now() - recomputeBegan) / 1000).toFixed(0)} s`
    progress.push(line)
    log(`reporting: recompute ${line}`)
  }, 5_000)
  await drained
  clearInterval(ticker)
  const recomputeSeconds = (now() - recomputeBegan) / 1000

  const endpoints = await measureEndpoints(sql, accountId, campaignId, options)
  const ingestion = await measureIngestion(sql, accountId, campaignId, options)
  return {
    scale: { contacts: options.contacts, touches: options.touches, deals: options.deals, campaigns: options.campaigns },
    generateSeconds,
    endpoints,
    ingestion,
    recompute: { deals: job.total, seconds: recomputeSeconds, dealsPerSecond: job.total / recomputeSeconds, progress },
  }
}

/** p50/p95 of each dashboard endpoint: the routes exactly as the app mounts them, behind the token check. */
export async function measureEndpoints(sql: postgres.Sql, accountId: string, campaignId: string, options: Pick<ReportingOptions, 'requests' | 'log' | 'cleanup'>): Promise<EndpointFigures[]> {
  const { log } = options
  const app = express()
  const api = Router()
  api.use(requireCaller({ sql, sessions: { idleMs: 3_600_000, absoluteMs: 3_600_000 } }))
  api.use(json())
  api.use(reportRoutes({ sql }))
  app.use('/api', api)
  app.use(errorHandler)
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  options.cleanup.add('reporting HTTP server', () => new Promise((resolve) => server.close(resolve)))
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api`
  const token = (await issueApiKey(sql, { accountId, name: 'bench-manager', role: 'sales_manager', subsidiaries: '*', createdBy: 'bench' })).key
  const [mail] = await sql<{ mail_key: string; template: string }[]>`select mail_key, template from mail_stats_daily where campaign_id = ${campaignId} limit 1`
  const paths = [
    '/reports/overview',
    '/reports/overview?subsidiary=FR&model=w_shaped',
    `/reports/overview?campaign=${campaignId}`,
    '/reports/attribution',
    '/reports/trends?granularity=month',
    '/reports/trends?granularity=week&model=time_decay',
    '/reports/sales-cycle',
    '/reports/mail',
    `/reports/mail/detail?mailKey=${encodeURIComponent(mail!.mail_key)}&template=${mail!.template}`,
    `/reports/drill?stage=won&campaign=${campaignId}`,
    `/campaigns/${campaignId}/step-stats`,
  ]
  const endpoints: EndpointFigures[] = []
  for (const path of paths) {
    const latencies: number[] = []
    for (let i = 0; i < options.requests + 3; i++) {
      const sent = now()
      const response = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } })
      await response.arrayBuffer()
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
      if (i >= 3) latencies.push(now() - sent)
    }
    const figures = { path, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), maxMs: Math.max(...latencies) }
    endpoints.push(figures)
    log(`reporting: GET ${path}: p50 ${figures.p50Ms.toFixed(1)} ms, p95 ${figures.p95Ms.toFixed(1)} ms`)
  }

  return endpoints
}

/**
 * Opens and clicks of sent mails stored as the tracking routes store them (one insert, one transaction
 * each, 8 at once), with the reporting trigger (it queues a delta) and without (disabled): the
 * aggregation's share of the cost of storing an event. Runs alternate, so drift in machine load hits both
 * alike. After each run with the trigger, the report folder folds that run's deltas into touches and the
 * aggregates, timed: the rate it keeps up with.
 */
async function measureIngestion(sql: postgres.Sql, accountId: string, campaignId: string, options: ReportingOptions) {
  const concurrency = 8
  const n = options.ingestEvents
  // Sent mails to open and click: 2,000 enrolments with one message each (their own triggers off: setup, not measured).
  {
    const [version] = await sql<{ id: string }[]>`
      insert into campaign_versions (account_id, campaign_id, version, graph, published_by) values (${accountId}, ${campaignId}, 1, '{"nodes":[],"edges":[]}', 'bench') returning id`
    await sql.unsafe(`
      alter table enrolments disable trigger user; alter table messages disable trigger user;
      insert into enrolments (account_id, campaign_id, version_id, contact_id, workflow_id)
      select '${accountId}', '${campaignId}', '${version!.id}', md5('c' || i)::uuid, 'bench-' || i from generate_series(0, 1999) i;
      insert into messages (account_id, enrolment_id, contact_id, campaign_id, node_id, visit, message_id, template, status, sent_at)
      select account_id, id, contact_id, campaign_id, 'mail-0', 1, 'bench-msg-' || workflow_id, 'bench-mail-0', 'sent', now() from enrolments where account_id = '${accountId}';
      alter table enrolments enable trigger user; alter table messages enable trigger user`)
  }
  const messages = await sql<{ message_id: string; contact_id: string }[]>`select message_id, contact_id from messages where account_id = ${accountId} limit 2000`
  const run = async (label: string, offset: number) => {
    const began = now()
    await inFlight(n, concurrency, async (i) => {
      const m = messages[(offset + i) % messages.length]!
      const type = i % 3 === 0 ? 'click' : 'open'
      const properties = { campaignId, nodeId: 'mail-0', messageId: m.message_id, enrolmentId: null, ...(type === 'click' ? { url: `https://kessler.example/link-${i % 5}` } : {}) }
      await sql`insert into events (account_id, contact_id, type, properties, source, suspected_machine) values (${accountId}, ${m.contact_id}, ${type}, ${sql.json(properties)}, 'tracking', ${i % 11 === 0})`
    })
    const rate = perSecond(n, now() - began)
    options.log(`reporting: ingestion ${label}: ${rate.toFixed(0)} events/s`)
    return rate
  }
  const withRates: number[] = []
  const withoutRates: number[] = []
  const foldRates: number[] = []
  const folder = createReportFolder({ sql, intervalMs: 3_600_000 })
  for (let round = 0; round < 2; round++) {
    await sql`alter table events disable trigger report_on_event`
    withoutRates.push(await run('without the aggregation', round * n))
    await sql`alter table events enable trigger report_on_event`
    withRates.push(await run('with the aggregation', round * n + n / 2))
    const began = now()
    const folded = await folder.drain()
    foldRates.push(perSecond(folded, now() - began))
    options.log(`reporting: folded ${folded} deltas into touches and aggregates: ${foldRates.at(-1)!.toFixed(0)} events/s`)
  }
  await folder.stop()
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
  const withAggregation = mean(withRates)
  const withoutAggregation = mean(withoutRates)
  return { events: n * 2, concurrency, withAggregation, withoutAggregation, cost: 1 - withAggregation / withoutAggregation, foldedPerSecond: mean(foldRates) }
}
