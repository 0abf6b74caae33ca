import { ApplicationFailure, continueAsNew, proxyActivities, uuid4 } from '@temporalio/workflow'
import type { CrmSyncActivities } from './activity-types'

export interface CrmSyncInputV1 {
  accountId: string
  trigger: 'schedule' | 'manual'
  /** Set when continuing as new: the run goes on rather than a second one starting. */
  runId?: string
  /** Longest wait between retries while the CRM is down (tests shorten it). */
  maxRetryInterval?: string
  /** How soon a page whose worker died is given to another worker (tests shorten it; default 2 minutes). */
  heartbeatTimeout?: string
}

const PAGES_PER_RUN = 300

/**
 * One sync with the account's CRM: every stream page by page (the position is in the run's row, so a crash
 * or a retried page repeats nothing), then the run is closed. While the CRM is down or answers 429/5xx the
 * page activity retries with backoff for up to a day; the run's row says "retrying" and why. Side effects:
 * contacts, links, opportunities and lifecycle changes here; custom fields on CRM records there.
 */
export async function crmSync(input: CrmSyncInputV1): Promise<{ runId: string | null }> {
  const { startCrmSyncRun, finishCrmSyncRun } = proxyActivities<CrmSyncActivities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '30 seconds' } })
  const { syncCrmPage } = proxyActivities<CrmSyncActivities>({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: input.heartbeatTimeout ?? '2 minutes',
    scheduleToCloseTimeout: '1 day',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: input.maxRetryInterval ?? '2 minutes', nonRetryableErrorTypes: ['CrmRefused'] },
  })
  const started = input.runId ? { runId: input.runId, joined: false } : await startCrmSyncRun({ accountId: input.accountId, runId: uuid4(), trigger: input.trigger })
  if (!started) return { runId: null }
  // Another run is walking the CRM already: this one has nothing to add.
  if (started.joined) return { runId: started.runId }
  try {
    for (let page = 0; page < PAGES_PER_RUN; page++) {
      if ((await syncCrmPage({ runId: started.runId })).done) {
        await finishCrmSyncRun({ runId: started.runId })
        return { runId: started.runId }
      }
    }
  } catch (error) {
    const message = error instanceof ApplicationFailure ? error.message : String((error as Error).cause ?? error)
    await finishCrmSyncRun({ runId: started.runId, error: message })
    throw error
  }
  return continueAsNew<typeof crmSync>({ ...input, runId: started.runId })
}
