import { addSegmentMembers, openJobItems } from '../db/enrolment-jobs'
import { loadEnteringCampaign } from '../engine/enrol'
import { enrolContacts } from '../engine/enrol-batch'
import type { SegmentFilter } from '../engine/segment-filter'
import { manualOccasion } from '../engine/triggers'
import { enrolDeps, type EntryActivityDeps } from './entry-context'

// The activities of a bulk enrolment job (engine/workflows/enrolment-job.ts). The job's rows live in
// enrolment_job_items, one per CSV line or segment member; each gets its outcome once processed, so the
// job's progress is a count over rows and a batch that is retried picks up exactly the rows still open.

interface JobRow {
  id: string
  account_id: string
  campaign_id: string
  key: string
  source: 'csv' | 'segment'
  segment_id: string | null
  subsidiaries: string[] | null
  prepared_at: Date | null
}

interface Outcome {
  line: number
  contactId: string | null
  outcome: 'enrolled' | 'skipped'
  reason: string | null
}

export function enrolmentJobActivities(deps: EntryActivityDeps) {
  const { sql } = deps

  async function loadJob(jobId: string): Promise<JobRow> {
    const [job] = await sql<JobRow[]>`
      select id, account_id, campaign_id, key, source, segment_id, subsidiaries, prepared_at from enrolment_jobs where id = ${jobId}`
    if (!job) throw new Error(`enrolment job ${jobId} does not exist`)
    return job
  }

  return {
    /**
     * Makes the job's rows and marks it running. A segment job lists the contacts matching the segment now
     * (within the requester's subsidiaries); a CSV job's rows were stored with the upload. Runs once per job.
     */
    prepareEnrolmentJob: async (input: { jobId: string }): Promise<{ total: number }> => {
      return sql.begin(async (sql) => {
        const [job] = await sql<JobRow[]>`select * from enrolment_jobs where id = ${input.jobId} for update`
        if (!job) throw new Error(`enrolment job ${input.jobId} does not exist`)
        if (!job.prepared_at && job.source === 'segment' && job.segment_id) {
          const [segment] = await sql<{ filter: SegmentFilter }[]>`select filter from segments where id = ${job.segment_id}`
          if (segment) {
            await addSegmentMembers(sql, job, segment.filter)
          }
        }
        await sql`update enrolment_jobs set prepared_at = coalesce(prepared_at, now()), status = 'running' where id = ${job.id} and status <> 'done'`
        const [count] = await sql<{ n: number }[]>`select count(*)::int as n from enrolment_job_items where job_id = ${job.id}`
        return { total: count!.n }
      })
    },

    /**
     * Enrols the next open rows after `after` (a line number) through engine/enrol.ts and records each
     * row's outcome. The occasion is the job's key, so a row that is repeated (retry, resume) enrols nobody twice.
     */
    enrolJobBatch: async (input: { jobId: string; after: number; limit: number }): Promise<{ cursor: number | null; processed: number }> => {
      const job = await loadJob(input.jobId)
      const campaign = await loadEnteringCampaign(sql, job.account_id, job.campaign_id)
      if (!campaign) {
        // Stopped while the job ran: whatever is left is not enrolled, and says why.
        const closed = await sql`
          update enrolment_job_items set outcome = 'skipped', reason = 'campaign_stopped'
          where job_id = ${job.id} and outcome is null`
        return { cursor: null, processed: closed.count }
      }
      // CSV rows name an e-mail address; it is resolved now, within the requester's subsidiaries, so a
      // contact they may not see is as unknown to them as one that does not exist.
      // One row beyond the batch says whether another batch follows, so a job whose rows are a multiple of
      // the batch size does not end with an empty batch (an activity and a workflow task for nothing).
      const read = await openJobItems(sql, job, input.after, input.limit + 1)
      const items = read.slice(0, input.limit)
      // One entry transaction for the batch (engine/enrol-batch.ts), then 50 workflow starts in flight, as
      // many as the dispatcher's path and the raw baseline; rows without a contact are skipped here.
      const rows = items.filter((item) => item.contact_id)
      const results = await enrolContacts(enrolDeps(deps), campaign, rows.map((item) => ({ contactId: item.contact_id!, occasion: manualOccasion(job.key) })), 50)
      const outcomes: Outcome[] = [
        ...items.filter((item) => !item.contact_id).map((item) => ({ line: item.line, contactId: null, outcome: 'skipped' as const, reason: 'unknown_contact' })),
        ...rows.map((item, i) => {
          const result = results[i]!
          return { line: item.line, contactId: item.contact_id, outcome: result.outcome, reason: result.outcome === 'skipped' ? result.reason : null }
        }),
      ]
      if (outcomes.length) {
        await sql`
          update enrolment_job_items i set outcome = o.outcome, reason = o.reason, contact_id = coalesce(i.contact_id, o.contact_id)
          from unnest(${outcomes.map((o) => o.line)}::int[], ${outcomes.map((o) => o.outcome)}::text[],
                      ${outcomes.map((o) => o.reason)}::text[], ${outcomes.map((o) => o.contactId)}::uuid[]) as o(line, outcome, reason, contact_id)
          where i.job_id = ${job.id} and i.line = o.line`
      }
      return { cursor: read.length > input.limit ? items.at(-1)!.line : null, processed: items.length }
    },

    /** Marks the job failed with the reason (what the progress view shows). Idempotent; a finished job stays done. */
    failEnrolmentJob: async (input: { jobId: string; reason: string }): Promise<void> => {
      await sql`update enrolment_jobs set status = 'failed', failure = ${input.reason}, finished_at = now() where id = ${input.jobId} and status <> 'done'`
    },

    /** Marks the job done. Idempotent. */
    finishEnrolmentJob: async (input: { jobId: string }): Promise<void> => {
      await sql`update enrolment_jobs set status = 'done', finished_at = now() where id = ${input.jobId} and status <> 'done'`
    },
  }
}

export type EnrolmentJobActivities = ReturnType<typeof enrolmentJobActivities>
