import { continueAsNew, proxyActivities } from '@temporalio/workflow'
import type { LeadActivities } from './activity-types'

const { rescorePage, createDecayJobs } = proxyActivities<LeadActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
})

export interface ScoringJobInputV1 {
  jobId: string
}

const PAGES_PER_RUN = 200

/**
 * Rescores every contact of the job's account, page by page (the cursor is in the job row, so a retried
 * page repeats nothing and progress is done/total in Postgres). Side effects: contact_scores and
 * score_changes rows (cause model_change or decay).
 */
export async function scoringJob(input: ScoringJobInputV1): Promise<void> {
  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const { finished } = await rescorePage({ jobId: input.jobId })
    if (finished) return
  }
  await continueAsNew<typeof scoringJob>(input)
}

/** The daily decay pass (a Temporal Schedule starts it): one decay job per account, run one after another. */
export async function scoringDecayPass(): Promise<void> {
  const jobs = await createDecayJobs({})
  for (const jobId of jobs) {
    // Inline rather than through scoringJob, whose continue-as-new would restart this pass instead.
    while (!(await rescorePage({ jobId })).finished);
  }
}
