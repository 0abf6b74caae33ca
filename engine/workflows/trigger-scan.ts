import { continueAsNew, defineQuery, proxyActivities, setHandler } from '@temporalio/workflow'
import type { CandidatePage, EnrolledPage, EntryActivities, TriggerScanPlan } from './activity-types'

/** Input of one scan of a campaign's date, inactivity or segment trigger. Versioned: add V2 rather than change V1. */
export interface TriggerScanInputV1 {
  accountId: string
  campaignId: string
  /** Contacts looked at per page (default 500). */
  pageSize?: number
  /** Pages per run before continuing as new, which keeps the history short on large accounts (default 50). */
  pagesPerRun?: number
  /** Where a scan that continued as new stands (absent on the first run). */
  progress?: TriggerScanProgress
}

export interface TriggerScanProgress {
  plan: TriggerScanPlan
  /** The next page starts after this contact id; null before the first page. */
  cursor: string | null
  done: boolean
  pages: number
  examined: number
  enrolled: number
  alreadyEnrolled: number
  skipped: Record<string, number>
}

export const triggerScanProgressQuery = defineQuery<TriggerScanProgress | null>('triggerScanProgress')

const { beginTriggerScan, findTriggerCandidates, enrolTriggerCandidates } = proxyActivities<EntryActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
})

/**
 * One scan of a campaign's scanned trigger, started by the campaign's Temporal Schedule (or by hand). Pages
 * through the contacts the trigger enters and enrols each page. The cursor lives in workflow state, so a
 * scan whose worker dies resumes at the page it was on; enrolment is idempotent per contact and occasion,
 * so the page that was in flight is safe to repeat. Side effects: those of its activities.
 */
export async function campaignTriggerScan(input: TriggerScanInputV1): Promise<TriggerScanProgress | null> {
  const pageSize = input.pageSize ?? 500
  const pagesPerRun = input.pagesPerRun ?? 50
  let progress: TriggerScanProgress | null = input.progress ?? null
  setHandler(triggerScanProgressQuery, () => progress)

  if (!progress) {
    const plan = await beginTriggerScan({ accountId: input.accountId, campaignId: input.campaignId })
    if (!plan) return null
    progress = { plan, cursor: null, done: false, pages: 0, examined: 0, enrolled: 0, alreadyEnrolled: 0, skipped: {} }
  }

  for (let pagesThisRun = 0; !progress.done; pagesThisRun++) {
    if (pagesThisRun === pagesPerRun) await continueAsNew<typeof campaignTriggerScan>({ ...input, progress })
    const page: CandidatePage = await findTriggerCandidates({ plan: progress.plan, cursor: progress.cursor, limit: pageSize })
    const result: EnrolledPage = page.candidates.length
      ? await enrolTriggerCandidates({ plan: progress.plan, candidates: page.candidates })
      : { enrolled: 0, alreadyEnrolled: 0, skipped: {} }
    const skipped: Record<string, number> = { ...progress.skipped }
    for (const [reason, n] of Object.entries(result.skipped)) skipped[reason] = (skipped[reason] ?? 0) + (n ?? 0)
    progress = {
      ...progress,
      cursor: page.cursor,
      done: page.cursor === null,
      pages: progress.pages + 1,
      examined: progress.examined + page.examined,
      enrolled: progress.enrolled + result.enrolled,
      alreadyEnrolled: progress.alreadyEnrolled + page.alreadyEnrolled + result.alreadyEnrolled,
      skipped,
    }
  }
  return progress
}
