import type { Client } from '@temporalio/client'
import { WorkflowNotFoundError } from '@temporalio/client'
import type { Sql } from 'postgres'
import { syncCampaignScheduleFromDb, type ScheduleSyncOptions } from './entry-client'
import { campaignControlSignal } from './workflows/enrolment'

export type CampaignAction = 'pause' | 'resume' | 'stop'

const TRANSITIONS: Record<CampaignAction, { from: string[]; to: string }> = {
  pause: { from: ['live'], to: 'paused' },
  resume: { from: ['paused'], to: 'live' },
  stop: { from: ['live', 'paused'], to: 'stopped' },
}

export type ControlResult =
  | { ok: true; status: string; affected: number }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'conflict'; status: string; message: string }

/**
 * Pauses (no mail goes out, waits go on), resumes or stops (every enrolment leaves) a campaign. The new
 * status is committed first, so a send that runs meanwhile already sees it; then the running enrolments
 * are told, which is what wakes paused mail and ends stopped enrolments without waiting for their timers.
 */
export async function controlCampaign(
  sql: Sql,
  client: Client,
  input: { accountId: string; campaignId: string; action: CampaignAction },
  schedules: ScheduleSyncOptions,
): Promise<ControlResult> {
  const transition = TRANSITIONS[input.action]
  const [campaign] = await sql<{ status: string }[]>`select status from campaigns where id = ${input.campaignId} and account_id = ${input.accountId}`
  if (!campaign) return { ok: false, reason: 'not_found' }
  const [changed] = await sql<{ status: string }[]>`
    update campaigns set status = ${transition.to}
    where id = ${input.campaignId} and status = any(${transition.from}) returning status`
  if (!changed) {
    return { ok: false, reason: 'conflict', status: campaign.status, message: `status: a ${campaign.status} campaign cannot be ${input.action === 'stop' ? 'stopped' : `${input.action}d`}` }
  }
  // Paused campaigns keep scanning (entries wait for the resume like everyone else); stopped ones lose their schedule.
  await syncCampaignScheduleFromDb(sql, client, input, schedules)
  const affected = input.action === 'pause' ? await countActive(sql, input.campaignId) : await tellEnrolments(sql, client, input.campaignId, input.action)
  return { ok: true, status: changed.status, affected }
}

export async function countActive(sql: Sql, campaignId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from enrolments where campaign_id = ${campaignId} and status = 'active'`
  return row!.n
}

async function tellEnrolments(sql: Sql, client: Client, campaignId: string, action: 'resume' | 'stop'): Promise<number> {
  const enrolments = await sql<{ workflow_id: string }[]>`select workflow_id from enrolments where campaign_id = ${campaignId} and status = 'active'`
  const queue = enrolments.map((row) => row.workflow_id)
  // A handful of signals in flight at once: fast for thousands of enrolments without flooding the frontend.
  const signalNext = async (): Promise<void> => {
    for (let workflowId = queue.pop(); workflowId; workflowId = queue.pop()) {
      try {
        await client.workflow.getHandle(workflowId).signal(campaignControlSignal, { action })
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error
      }
    }
  }
  await Promise.all(Array.from({ length: 16 }, signalNext))
  return enrolments.length
}
