import { ScheduleAlreadyRunning, ScheduleNotFoundError, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import type { CampaignGraph } from './campaign/graph'
import { scannedTrigger } from './triggers'
import type { enrolmentJob, EnrolmentJobInputV1 } from './workflows/enrolment-job'
import type { campaignTriggerScan, TriggerScanInputV1 } from './workflows/trigger-scan'
import { campaignGraphs, runningCampaignGraphs } from '../db/campaign-versions'

// The Temporal client side of entry: one Schedule per campaign whose trigger scans (date, inactivity,
// segment), and the workflows of bulk enrolment jobs.

/** How often a campaign's trigger scan runs. Hourly by default: each contact's "today" turns over at their own midnight. */
export const DEFAULT_SCAN_INTERVAL = '1h'

export interface ScheduleSyncOptions {
  taskQueue: string
  /** A duration such as "1h", or "2s" in tests. */
  every?: string
  /** Contacts per page of a scan. */
  pageSize?: number
}

export interface CampaignScheduleState {
  accountId: string
  campaignId: string
  status: string
  /** The live version's graph, or null when nothing is published. */
  graph: CampaignGraph | null
}

export const triggerScheduleId = (campaignId: string) => `trigger-scan-${campaignId}`

/**
 * Makes the campaign's schedule match the campaign: a live (or paused: paused campaigns still take
 * entries) campaign whose trigger scans gets a schedule that starts a scan every `every`, and one scan
 * right away; any other campaign has none. Call it after publish, pause, resume and stop. Idempotent.
 */
export async function syncCampaignSchedule(
  client: Client,
  campaign: CampaignScheduleState,
  options: ScheduleSyncOptions,
): Promise<'created' | 'updated' | 'deleted' | 'unchanged'> {
  const scheduleId = triggerScheduleId(campaign.campaignId)
  const handle = client.schedule.getHandle(scheduleId)
  const scans = campaign.graph !== null && scannedTrigger(campaign.graph) !== undefined && ['live', 'paused'].includes(campaign.status)
  if (!scans) {
    try {
      await handle.delete()
      return 'deleted'
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return 'unchanged'
      throw error
    }
  }
  const every = options.every ?? DEFAULT_SCAN_INTERVAL
  const input: TriggerScanInputV1 = { accountId: campaign.accountId, campaignId: campaign.campaignId, ...(options.pageSize ? { pageSize: options.pageSize } : {}) }
  const schedule = {
    spec: { intervals: [{ every }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'campaignTriggerScan',
      taskQueue: options.taskQueue,
      workflowId: `trigger-scan-${campaign.campaignId}`,
      args: [input] as [TriggerScanInputV1],
    },
    // A scan still running when the next is due makes the next one unnecessary.
    policies: { overlap: 'SKIP' as const, catchupWindow: '1 day' },
  }
  try {
    await client.schedule.create<typeof campaignTriggerScan>({ scheduleId, ...schedule, state: { triggerImmediately: true, note: 'campaign trigger scan' } })
    return 'created'
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error
  }
  // A new version may scan differently (another attribute, another segment): scan with it now.
  await handle.update<typeof campaignTriggerScan>((previous) => ({ ...schedule, state: { paused: false, note: previous.state.note } }))
  await handle.trigger('SKIP')
  return 'updated'
}

/** syncCampaignSchedule for a campaign as it stands in Postgres (status and live version). */
export async function syncCampaignScheduleFromDb(
  sql: Sql,
  client: Client,
  campaign: { accountId: string; campaignId: string },
  options: ScheduleSyncOptions,
): Promise<'created' | 'updated' | 'deleted' | 'unchanged'> {
  const row = await campaignGraphs(sql, campaign.accountId, campaign.campaignId)
  return syncCampaignSchedule(client, { ...campaign, status: row?.status ?? 'stopped', graph: row?.liveGraph ?? null }, options)
}

/** Brings every live or paused campaign's schedule in line, e.g. at start against a fresh Temporal. */
export async function syncAllCampaignSchedules(sql: Sql, client: Client, options: ScheduleSyncOptions): Promise<number> {
  const campaigns = await runningCampaignGraphs(sql)
  let scanning = 0
  for (const campaign of campaigns) {
    if (!scannedTrigger(campaign.graph)) continue
    await syncCampaignSchedule(client, { accountId: campaign.account_id, campaignId: campaign.id, status: campaign.status, graph: campaign.graph }, options)
    scanning++
  }
  return scanning
}

export const enrolmentJobWorkflowId = (jobId: string) => `enrolment-job-${jobId}`

// Rows per batch activity. A batch is one entry transaction and then its workflow starts 50 at a time
// (engine/enrol-batch.ts); between batches the job waits for a workflow task (1-2 s at load 5-8), which
// 200-row batches paid five times per 1,000 rows. A batch of 500 took 6-10 s in the benchmark at load 5-8,
// far inside the activity's 5-minute timeout.
const JOB_BATCH_ROWS = 500

/** Starts the job's workflow, or leaves the running one alone (a repeated request, a retry after a crash). */
export async function startEnrolmentJob(client: Client, taskQueue: string, input: EnrolmentJobInputV1): Promise<void> {
  try {
    await client.workflow.start<typeof enrolmentJob>('enrolmentJob', {
      taskQueue,
      workflowId: enrolmentJobWorkflowId(input.jobId),
      args: [{ batchSize: JOB_BATCH_ROWS, ...input }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A finished job is not run again: its rows all have outcomes, so a second run would only re-read them.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    })
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error
  }
}
