import { randomUUID } from 'node:crypto'
import type { CampaignGraph } from '../engine/campaign/graph'
import { enrolContact, loadEnteringCampaign } from '../engine/enrol'
import { manualOccasion } from '../engine/triggers'
import type { BenchSystem, Cleanup } from './infra'
import { cpuMeter, describeCpu, inFlight, now, perSecond, pollUntil, type CpuByProcess } from './measure'
import { runRawMail, runRawTemporal, type RawMailResult, type RawTemporalResult } from './raw-baselines'

// Enrolment throughput: N contacts enrolled into a published campaign through the product's bulk path,
// with the product's worker running, against N empty workflows started on the same Temporal dev server,
// and the campaign's mails against nodemailer sending to the same SMTP sink, all in one run.

export type EnrolPath = 'job' | 'direct'

export interface EnrolmentOptions {
  contacts: number
  paths: EnrolPath[]
  /** In flight at once: raw workflow starts, raw mails, and direct enrolContact calls. */
  concurrency: number
  /** Mails nodemailer sends for the raw mail baseline. */
  rawMails: number
  /**
   * The campaign's first step: `mail` (mail, then wait 1d) or `wait` (wait 1d, then mail): with `wait` the
   * started enrolments only record their step and rest on a timer, like the raw side's empty workflows, so
   * the difference between the two is what the first mails cost the enrolment rate.
   */
  firstStep?: 'mail' | 'wait'
  timeoutMs: number
  log: (message: string) => void
}

export type { RawMailResult, RawTemporalResult }

export interface ProductEnrolmentResult {
  path: EnrolPath
  description: string
  contacts: number
  /** Every enrolment row written and its workflow started (job: the job's finished_at; direct: the last enrolContact call returned). */
  enrolledMs: number | null
  enrolmentsPerSecond: number | null
  /** The last enrolment recorded its first wait step (enrolment_steps.entered_at), i.e. the mail before it was sent. */
  reachedWaitMs: number | null
  reachedWaitPerSecond: number | null
  mails: { sent: number; other: Record<string, number>; firstToLastMs: number | null; mailsPerSecond: number | null }
  finished: boolean
  /** Share of the machine's CPU time used from the start of the enrolment until all were at the wait step. */
  cpuBusy: number
  /** The machine's CPU time over the same span, by process (Temporal server, Postgres, Node). */
  cpuByProcess: CpuByProcess
}

export interface EnrolmentResult {
  contacts: number
  insertContactsMs: number
  rawTemporal: RawTemporalResult
  rawMail: RawMailResult
  product: ProductEnrolmentResult[]
  firstStep: 'mail' | 'wait'
}

/**
 * trigger → send_email → wait 1d → end: every enrolment sends one mail, then rests on a durable timer.
 * With `firstStep: 'wait'` the wait comes before the mail, so no mail is sent within the benchmark.
 */
export function benchCampaignGraph(template: string, firstStep: 'mail' | 'wait' = 'mail'): CampaignGraph {
  const mail = { id: 'mail', type: 'send_email', config: { template } }
  const wait = { id: 'wait', type: 'wait', config: { duration: '1d' } }
  const nodes = [
    { id: 'entry', type: 'trigger', config: { eventType: 'bench_enrol', filter: {} } },
    ...(firstStep === 'wait' ? [wait, mail] : [mail, wait]),
    { id: 'end', type: 'end', config: {} },
  ].map((node, i) => ({ ...node, position: { x: 0, y: i * 120 } }))
  const edges = nodes.slice(1).map((node, i) => ({ id: `e${i}`, source: nodes[i]!.id, sourceHandle: 'next', target: node.id }))
  return { nodes, edges }
}

export async function runEnrolment(bench: BenchSystem, options: EnrolmentOptions & { temporalAddress: string; emptyBundle: { code: string }; cleanup: Cleanup }): Promise<EnrolmentResult> {
  const { log } = options
  log(`enrolment: inserting ${options.contacts} contacts with consent`)
  const insertStart = now()
  const contacts = await insertContacts(bench, options.contacts)
  const insertContactsMs = now() - insertStart

  const rawTemporal = await runRawTemporal(options)
  const rawMail = await runRawMail(bench, options)

  const product: ProductEnrolmentResult[] = []
  for (const path of options.paths) {
    const campaignId = await publishCampaign(bench, `Bench enrolment (${path})`, options.firstStep ?? 'mail')
    product.push(path === 'job' ? await enrolByJob(bench, campaignId, contacts, options) : await enrolDirectly(bench, campaignId, contacts, options))
  }
  return { contacts: options.contacts, insertContactsMs, rawTemporal, rawMail, product, firstStep: options.firstStep ?? 'mail' }
}

/** N contacts of the demo account with consent, spread over the four subsidiaries, in one statement. */
async function insertContacts(bench: BenchSystem, count: number): Promise<{ id: string; email: string }[]> {
  const { sql } = bench.system
  const accountId = bench.system.demoAccountId!
  const subsidiaries = (await sql<{ id: string }[]>`select id from subsidiaries where account_id = ${accountId} order by code`).map((row) => row.id)
  return sql<{ id: string; email: string }[]>`
    insert into contacts (account_id, subsidiary_id, email, first_name, last_name, salutation, company, consent_status, consent_source, consent_at)
    select ${accountId}, (${subsidiaries}::uuid[])[1 + i % ${subsidiaries.length}], 'bench-' || i || '@bench.example',
           'Vorname' || i, 'Nachname' || i, (array['mr', 'ms', 'none'])[1 + i % 3], 'Firma ' || i || ' GmbH',
           'granted', 'benchmark', now()
    from generate_series(1, ${count}::int) as i
    returning id, email`
}

async function publishCampaign(bench: BenchSystem, name: string, firstStep: 'mail' | 'wait'): Promise<string> {
  const created = await bench.api('/api/campaigns', { body: { name, kind: 'custom', graph: benchCampaignGraph('onboarding-welcome', firstStep) } })
  if (created.status !== 201) throw new Error(`creating the benchmark campaign: ${created.status} ${JSON.stringify(created.body)}`)
  const published = await bench.api(`/api/campaigns/${created.body.id}/publish`, { method: 'POST' })
  if (published.status !== 201) throw new Error(`publishing the benchmark campaign: ${published.status} ${JSON.stringify(published.body)}`)
  return created.body.id as string
}

/**
 * The product's bulk enrolment: a CSV upload to POST /api/campaigns/:id/enrolments, which stores the rows
 * and starts an enrolmentJob workflow; its activities enrol each batch of rows through engine/enrol-batch.ts (the rules of enrolContact, decided for the whole batch).
 */
async function enrolByJob(bench: BenchSystem, campaignId: string, contacts: { email: string }[], options: EnrolmentOptions): Promise<ProductEnrolmentResult> {
  const { log } = options
  const csv = `email\n${contacts.map((contact) => contact.email).join('\n')}\n`
  log(`product (bulk enrolment job): uploading a CSV of ${contacts.length} contacts`)
  const dbStart = await dbClock(bench)
  const cpu = cpuMeter()
  const began = now()
  const response = await bench.api(`/api/campaigns/${campaignId}/enrolments`, { raw: { type: 'text/csv', text: csv }, headers: { 'idempotency-key': `bench-${randomUUID()}` } })
  if (response.status !== 202) throw new Error(`bulk enrolment upload: ${response.status} ${JSON.stringify(response.body)}`)
  log(`product (bulk enrolment job): upload answered 202 after ${((now() - began) / 1000).toFixed(1)} s; job ${response.body.id}`)
  const finished = await followCampaign(bench, campaignId, contacts.length, options, 'product (bulk enrolment job)', response.body.id as string)
  const [job] = await bench.system.sql<{ finished_at: Date | null }[]>`select finished_at from enrolment_jobs where id = ${response.body.id}`
  const enrolledMs = job?.finished_at ? job.finished_at.getTime() - dbStart.getTime() : null
  const spent = { cpuBusy: cpu.busy(), cpuByProcess: cpu.byProcess() }
  log(`product (bulk enrolment job): ${describeCpu(spent.cpuByProcess, contacts.length, 'enrolment, to its wait step')}`)
  return summarise(bench, campaignId, contacts.length, dbStart, enrolledMs, finished, spent, {
    path: 'job',
    description: 'CSV upload to POST /api/campaigns/:id/enrolments → enrolmentJob workflow → enrolJobBatch activities (500 rows per batch, each decided in one transaction by engine/enrol-batch.ts, then 50 workflow starts in flight)',
  })
}

/** What the event dispatcher and the trigger scans do per contact: enrolContact, here `concurrency` at a time from the app process. */
async function enrolDirectly(bench: BenchSystem, campaignId: string, contacts: { id: string }[], options: EnrolmentOptions): Promise<ProductEnrolmentResult> {
  const { log, concurrency } = options
  const campaign = await loadEnteringCampaign(bench.system.sql, bench.system.demoAccountId!, campaignId)
  if (!campaign) throw new Error('the benchmark campaign does not take entries')
  const deps = { sql: bench.system.sql, client: bench.system.client, taskQueue: bench.taskQueue }
  const occasion = manualOccasion(`bench-${randomUUID()}`)
  log(`product (enrolContact): enrolling ${contacts.length} contacts, ${concurrency} in flight`)
  const dbStart = await dbClock(bench)
  const cpu = cpuMeter()
  const began = now()
  let enrolled = 0
  await inFlight(contacts.length, concurrency, async (i) => {
    const outcome = await enrolContact(deps, campaign, { contactId: contacts[i]!.id, occasion })
    if (outcome.outcome !== 'enrolled') throw new Error(`contact ${contacts[i]!.id} was not enrolled: ${outcome.reason}`)
    if (++enrolled % Math.max(1, Math.floor(contacts.length / 5)) === 0) log(`product (enrolContact): ${enrolled}/${contacts.length} enrolled`)
  })
  const enrolledMs = now() - began
  const finished = await followCampaign(bench, campaignId, contacts.length, options, 'product (enrolContact)')
  const spent = { cpuBusy: cpu.busy(), cpuByProcess: cpu.byProcess() }
  log(`product (enrolContact): ${describeCpu(spent.cpuByProcess, contacts.length, 'enrolment, to its wait step')}`)
  return summarise(bench, campaignId, contacts.length, dbStart, enrolledMs, finished, spent, {
    path: 'direct',
    description: `engine/enrol.ts enrolContact per contact (the dispatcher's and the scans' call), ${concurrency} in flight from the app process`,
  })
}

async function dbClock(bench: BenchSystem): Promise<Date> {
  const [row] = await bench.system.sql<{ now: Date }[]>`select clock_timestamp() as now`
  return row!.now
}

interface CampaignProgress {
  jobDone: number
  enrolments: number
  waiting: number
  sent: number
}

/** Polls Postgres until every enrolment of the campaign reached its wait step, printing progress. */
async function followCampaign(bench: BenchSystem, campaignId: string, count: number, options: EnrolmentOptions, label: string, jobId?: string): Promise<boolean> {
  const { sql } = bench.system
  const polled = await pollUntil<CampaignProgress>({
    read: async () => {
      const [row] = await sql<CampaignProgress[]>`
        select (select count(*)::int from enrolment_job_items where job_id = ${jobId ?? null} and outcome is not null) as "jobDone",
               (select count(*)::int from enrolments where campaign_id = ${campaignId}) as enrolments,
               (select count(*)::int from enrolment_steps s join enrolments e on e.id = s.enrolment_id
                 where e.campaign_id = ${campaignId} and s.node_id = 'wait') as waiting,
               (select count(*)::int from messages where campaign_id = ${campaignId} and status = 'sent') as sent`
      if (!row) throw new Error('Postgres answered the progress query with no row')
      return row
    },
    done: (progress) => progress.waiting >= count,
    describe: (p) => `${label}: ${jobId ? `${p.jobDone} rows done, ` : ''}${p.enrolments} enrolled, ${p.sent} mails sent, ${p.waiting} at the wait step (of ${count})`,
    log: options.log,
    intervalMs: 500,
    maxPolls: Math.ceil(options.timeoutMs / 500),
  })
  if (!polled.finished) options.log(`${label}: gave up after ${options.timeoutMs / 1000} s; reporting what finished`)
  return polled.finished
}

/** The figures from Postgres' own timestamps, relative to its clock when the enrolment began. */
async function summarise(
  bench: BenchSystem,
  campaignId: string,
  count: number,
  dbStart: Date,
  enrolledMs: number | null,
  finished: boolean,
  cpu: { cpuBusy: number; cpuByProcess: CpuByProcess },
  path: { path: EnrolPath; description: string },
): Promise<ProductEnrolmentResult> {
  const { sql } = bench.system
  const [steps] = await sql<{ last: Date | null; n: number }[]>`
    select max(s.entered_at) as last, count(*)::int as n from enrolment_steps s join enrolments e on e.id = s.enrolment_id
    where e.campaign_id = ${campaignId} and s.node_id = 'wait'`
  const statuses = await sql<{ status: string; n: number; first: Date | null; last: Date | null }[]>`
    select status, count(*)::int as n, min(sent_at) as first, max(sent_at) as last from messages where campaign_id = ${campaignId} group by status`
  const sent = statuses.find((row) => row.status === 'sent')
  const reachedWaitMs = finished && steps?.last ? steps.last.getTime() - dbStart.getTime() : null
  const firstToLastMs = sent?.first && sent.last ? sent.last.getTime() - sent.first.getTime() : null
  return {
    ...path,
    ...cpu,
    contacts: count,
    enrolledMs,
    enrolmentsPerSecond: enrolledMs === null ? null : perSecond(count, enrolledMs),
    reachedWaitMs,
    reachedWaitPerSecond: reachedWaitMs === null ? null : perSecond(count, reachedWaitMs),
    mails: {
      sent: sent?.n ?? 0,
      other: Object.fromEntries(statuses.filter((row) => row.status !== 'sent').map((row) => [row.status, row.n])),
      firstToLastMs,
      mailsPerSecond: firstToLastMs ? perSecond(sent!.n, firstToLastMs) : null,
    },
    finished,
  }
}
