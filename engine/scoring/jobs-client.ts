import { ScheduleAlreadyRunning, type Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import type { scoringDecayPass, scoringJob } from '../workflows/scoring-job'
import { countContactsSql } from '../../db/contacts'

/**
 * Starts a rescore of every contact of the account (after a model or persona change): a scoring_jobs
 * row with total = the account's contacts, and the scoringJob workflow that brings done up to it.
 */
export async function startRescoreJob(sql: Sql, client: Client, taskQueue: string, input: { accountId: string; modelVersion: number; kind?: 'model_change' | 'initial' }): Promise<{ id: string; total: number }> {
  const [job] = await sql<{ id: string; total: number }[]>`
    insert into scoring_jobs (account_id, kind, model_version, total)
    values (${input.accountId}, ${input.kind ?? 'model_change'}, ${input.modelVersion}, ${countContactsSql(sql, input.accountId)})
    returning id, total`
  await client.workflow.start<typeof scoringJob>('scoringJob', { taskQueue, workflowId: `scoring-job-${job!.id}`, args: [{ jobId: job!.id }] })
  return job!
}

/**
 * The daily decay pass as a Temporal Schedule (one per task queue): points fade with time, and a contact
 * whose cell changes by it gets a score change with cause "decay". Idempotent.
 */
export async function ensureDecaySchedule(client: Client, taskQueue: string, every = '1d'): Promise<void> {
  try {
    await client.schedule.create<typeof scoringDecayPass>({
      scheduleId: `scoring-decay-${taskQueue}`,
      spec: { intervals: [{ every }] },
      action: { type: 'startWorkflow', workflowType: 'scoringDecayPass', taskQueue, workflowId: `scoring-decay-${taskQueue}`, args: [] },
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
      state: { note: 'daily lead score decay' },
    })
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error
  }
}
