import { createHash } from 'node:crypto'
import type { Client } from '@temporalio/client'
import { Router, text, type ErrorRequestHandler } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { contactWithSubsidiary } from '../db/contact-lookups'
import { enrolContact, loadEnteringCampaign, type SkipReason } from '../engine/enrol'
import { startEnrolmentJob } from '../engine/entry-client'
import { manualOccasion } from '../engine/triggers'
import { seesSubsidiary, type Caller } from './auth'
import { enrolmentRequests } from './contract/enrolment-requests'
import { route } from './contract/mount'
import { parseEnrolmentCsv, type CsvProblem, type CsvRow } from './enrolment-csv'
import { invalidInput, notFound, send } from './errors'
import { rejectUnstorableBody } from './input-guard'
import { emailAddress } from './input-schemas'

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/

const SKIP_MESSAGES: Record<SkipReason, string> = {
  unknown_contact: 'no such contact in your subsidiaries',
  already_in_campaign: 'the contact is in this campaign right now',
  re_entry_never: 'the campaign takes each contact once, and this one was in it before',
  cooling_down: "the campaign's cool-down since the contact last entered has not passed yet",
  not_in_audience: "the contact is not in the trigger's audience (who may enter)",
}

interface JobSummaryRow {
  id: string
  campaign_id: string
  source: 'csv' | 'segment'
  segment_id: string | null
  status: 'pending' | 'running' | 'done' | 'failed'
  failure: string | null
  requested_by: string
  subsidiaries: string[] | null
  created_at: Date
  finished_at: Date | null
  total: number
  done: number
  enrolled: number
  skipped: number
}

/**
 * Manual enrolment: POST /api/campaigns/:id/enrolments with one contact ({email} or {contactId}), a
 * whole segment ({segmentId}) or a CSV upload (Content-Type text/csv, column "email"). Bulk requests run
 * as an enrolmentJob workflow whose progress GET /api/enrolment-jobs/:id reports. A request is identified
 * by its Idempotency-Key header, else by its content: sending it again enrols nobody twice.
 */
export function manualEnrolmentRoutes(deps: { sql: Sql; client: Client; taskQueue: string }): Router {
  const { sql } = deps
  const router = Router()
  const csvBody = text({ type: 'text/csv', limit: '20mb' })

  // Enrolling is open to subsidiary marketers too (enrolments.enrol), for the contacts of their own
  // subsidiaries (seesSubsidiary), which is checked per contact.
  route(
    router,
    enrolmentRequests.enrol,
    async ({ params, body: input, who, req, res }) => {
      const id = { data: params.id }
      const [known] = await sql<{ status: string }[]>`select status from campaigns where id = ${id.data} and account_id = ${who.acc}`
      if (!known) return notFound('campaign')
      const campaign = await loadEnteringCampaign(sql, who.acc, id.data)
      if (!campaign) return { status: 409, code: 'campaign_not_live', field: 'status', message: `status: the campaign is ${known.status}; only live (or paused) campaigns take enrolments` }
      const key = req.header('idempotency-key')
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        return { status: 400, code: 'invalid_input', field: 'Idempotency-Key', message: 'Idempotency-Key: 1-200 printable characters without spaces' }
      }

      if (req.is('text/csv')) {
        const body = typeof req.body === 'string' ? req.body : ''
        const parsed = parseEnrolmentCsv(body)
        if (!parsed.ok) {
          const status = parsed.error === 'too_many_rows' ? 413 : 400
          return { status, code: parsed.error, field: 'body', message: parsed.message }
        }
        const job = await createJob(sql, who, { campaignId: id.data, key: key ?? `csv:${digest(body)}`, source: 'csv', rows: parsed.rows, problems: parsed.problems })
        await startEnrolmentJob(deps.client, deps.taskQueue, { jobId: job.id })
        return jobAnswer(job.created, await jobSummary(sql, job.id))
      }
      if (typeof input === 'string') return { status: 400, code: 'invalid_input', field: 'body', message: 'body: send {"email"}, {"contactId"} or {"segmentId"}, or a text/csv upload' }

      if ('segmentId' in input) {
        const [segment] = await sql`select id from segments where id = ${input.segmentId} and account_id = ${who.acc}`
        if (!segment) return { ...notFound('segment'), field: 'segmentId' }
        const job = await createJob(sql, who, { campaignId: id.data, key: key ?? `segment:${input.segmentId}`, source: 'segment', segmentId: input.segmentId })
        await startEnrolmentJob(deps.client, deps.taskQueue, { jobId: job.id })
        return jobAnswer(job.created, await jobSummary(sql, job.id))
      }

      const contact = await contactWithSubsidiary(sql, who.acc, 'email' in input ? { email: input.email } : { id: input.contactId })
      // Not "forbidden": a caller must not learn that a contact of another subsidiary exists.
      if (!contact || !seesSubsidiary(who, contact.subsidiary_code)) {
        return { status: 404, code: 'not_found', field: 'email' in input ? 'email' : 'contactId', message: `${'email' in input ? 'email' : 'contactId'}: ${SKIP_MESSAGES.unknown_contact}` }
      }
      const outcome = await enrolContact({ sql, client: deps.client, taskQueue: deps.taskQueue }, campaign, { contactId: contact.id, occasion: manualOccasion(key ?? 'single') })
      if (outcome.outcome === 'skipped') return { status: 409, code: outcome.reason, message: SKIP_MESSAGES[outcome.reason] }
      const enrolled = { enrolmentId: outcome.enrolmentId, contactId: contact.id, repeated: outcome.repeated }
      return outcome.repeated ? { status: 200, body: enrolled } : { status: 201, body: enrolled }
    },
    { use: [csvBody, rejectUnstorableBody] },
  )

  route(router, enrolmentRequests.job, async ({ params, who }) => {
    const [owner] = await sql<{ requested_by: string }[]>`select requested_by from enrolment_jobs where id = ${params.id} and account_id = ${who.acc}`
    // A job lists addresses of the requester's subsidiaries: HQ sees every job, others their own.
    if (!owner || (who.subs !== '*' && owner.requested_by !== who.sub)) return notFound('enrolment job')
    return { status: 200, body: await jobSummary(sql, params.id) }
  })

  // The CSV parser's own failures (too large, bad encoding) in this route's words rather than the JSON parser's.
  const csvErrors: ErrorRequestHandler = (error, _req, res, next) => {
    const e = error as { type?: string }
    if (e.type === 'entity.too.large') return send(res, { status: 413, code: 'too_large', field: 'body', message: 'body: a CSV upload may be up to 20 MB' })
    next(error)
  }
  router.use(csvErrors)
  return router
}

/** 202 for a job this request created, 200 for the one the same request created before. */
const jobAnswer = (created: boolean, body: ApiJobSummary) => (created ? { status: 202 as const, body } : { status: 200 as const, body })

const digest = (text: string) => createHash('sha256').update(text).digest('base64url')

type NewJob =
  | { campaignId: string; key: string; source: 'csv'; rows: CsvRow[]; problems: CsvProblem[] }
  | { campaignId: string; key: string; source: 'segment'; segmentId: string }

/** Stores the job and its rows in one transaction, or finds the job this request made before (same key). */
async function createJob(sql: Sql, who: Caller, job: NewJob): Promise<{ id: string; created: boolean }> {
  return sql.begin(async (sql) => {
    const [created] = await sql<{ id: string }[]>`
      insert into enrolment_jobs (account_id, campaign_id, key, source, segment_id, subsidiaries, requested_by)
      values (${who.acc}, ${job.campaignId}, ${job.key}, ${job.source}, ${job.source === 'segment' ? job.segmentId : null},
              ${who.subs === '*' ? null : who.subs}, ${who.sub})
      on conflict (campaign_id, key) do nothing
      returning id`
    if (!created) {
      const [existing] = await sql<{ id: string }[]>`select id from enrolment_jobs where campaign_id = ${job.campaignId} and key = ${job.key}`
      return { id: existing!.id, created: false }
    }
    if (job.source === 'csv') {
      const items = [
        ...job.rows.map((row) => ({ job_id: created.id, line: row.line, email: row.email, outcome: null, reason: null, detail: null })),
        ...job.problems.map((problem) => ({ job_id: created.id, line: problem.line, email: null, outcome: 'skipped', reason: problem.reason, detail: problem.message })),
      ]
      // Postgres takes at most 65,535 parameters per statement: 6 per row.
      for (let i = 0; i < items.length; i += 5_000) await sql`insert into enrolment_job_items ${sql(items.slice(i, i + 5_000))}`
    }
    return { id: created.id, created: true }
  })
}

type ApiJobSummary = ReturnType<typeof summaryView>

function summaryView(job: JobSummaryRow, reasons: { reason: string; n: number }[], skippedRows: { line: number; email: string | null; reason: string; detail: string | null }[]) {
  return {
    id: job.id,
    campaignId: job.campaign_id,
    source: job.source,
    segmentId: job.segment_id,
    status: job.status,
    /** Why a failed job stopped (rows done before it keep their outcome). */
    failure: job.failure,
    total: job.total,
    done: job.done,
    enrolled: job.enrolled,
    skipped: job.skipped,
    skippedByReason: Object.fromEntries(reasons.map((row) => [row.reason, row.n])),
    // The first hundred, by line: enough to fix a file; the counts above cover the rest.
    skippedRows: skippedRows.map((row) => ({ line: row.line, email: row.email, reason: row.reason, message: row.detail ?? SKIP_MESSAGES[row.reason as SkipReason] ?? row.reason })),
    createdAt: job.created_at,
    finishedAt: job.finished_at,
  }
}

async function jobSummary(sql: Sql, jobId: string): Promise<ApiJobSummary> {
  const [job] = await sql<JobSummaryRow[]>`
    select j.id, j.campaign_id, j.source, j.segment_id, j.status, j.failure, j.requested_by, j.subsidiaries, j.created_at, j.finished_at,
           count(i.line)::int as total, count(i.outcome)::int as done,
           (count(*) filter (where i.outcome = 'enrolled'))::int as enrolled,
           (count(*) filter (where i.outcome = 'skipped'))::int as skipped
    from enrolment_jobs j left join enrolment_job_items i on i.job_id = j.id
    where j.id = ${jobId} group by j.id`
  const reasons = await sql<{ reason: string; n: number }[]>`
    select reason, count(*)::int as n from enrolment_job_items where job_id = ${jobId} and outcome = 'skipped' group by reason order by reason`
  const skippedRows = await sql<{ line: number; email: string | null; reason: string; detail: string | null }[]>`
    select line, email, reason, detail from enrolment_job_items where job_id = ${jobId} and outcome = 'skipped' order by line limit 100`
  return summaryView(job!, reasons, skippedRows)
}
