import { ActivityFailure, ContinueAsNew, continueAsNew, proxyActivities } from '@temporalio/workflow'
import type { EntryActivities } from './activity-types'

/** Input of a bulk enrolment job (CSV upload or segment). Versioned: add V2 rather than change V1. */
export interface EnrolmentJobInputV1 {
  jobId: string
  /** Rows per batch (default 200). */
  batchSize?: number
  /** Batches per run before continuing as new, which keeps the history short for 100k-row uploads (default 100). */
  batchesPerRun?: number
  /** Where a job that continued as new stands: the last line processed (absent on the first run). */
  after?: number
  prepared?: boolean
}

const { prepareEnrolmentJob, enrolJobBatch, finishEnrolmentJob, failEnrolmentJob } = proxyActivities<EntryActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
})

/**
 * Enrols the rows of one bulk enrolment job, batch by batch. Progress is the rows' outcomes in Postgres
 * (GET /api/enrolment-jobs/:id), the cursor is workflow state, and each row enrols at most once for the
 * job's key, so a job whose worker dies resumes without enrolling anyone twice. Side effects: its activities'.
 */
export async function enrolmentJob(input: EnrolmentJobInputV1): Promise<void> {
  const batchSize = input.batchSize ?? 200
  const batchesPerRun = input.batchesPerRun ?? 100
  let after = input.after ?? 0
  try {
    if (!input.prepared) await prepareEnrolmentJob({ jobId: input.jobId })
    for (let batches = 0; ; batches++) {
      if (batches === batchesPerRun) await continueAsNew<typeof enrolmentJob>({ ...input, prepared: true, after })
      const batch = await enrolJobBatch({ jobId: input.jobId, after, limit: batchSize })
      if (batch.cursor === null) break
      after = batch.cursor
    }
  } catch (error) {
    // Transient errors are retried inside the activities; what arrives here ended the job for good.
    if (isContinueAsNew(error)) throw error
    await failEnrolmentJob({ jobId: input.jobId, reason: error instanceof ActivityFailure ? (error.cause?.message ?? error.message) : String(error) })
    throw error
  }
  await finishEnrolmentJob({ jobId: input.jobId })
}

const isContinueAsNew = (error: unknown) => error instanceof ContinueAsNew
