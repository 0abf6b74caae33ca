import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import { parseDuration } from '../campaign/duration'
import type { HandoverInputV1, leadHandover } from '../workflows/handover'
import type { NewHandover } from './handover-store'

/** One workflow per contact and qualification: a second start (concurrent events, a repeated dispatch) finds it. */
export const handoverWorkflowId = (contactId: string, qualification: number) => `handover-${contactId}-${qualification}`

/**
 * Starts the handover's workflow, or finds it running or finished (never a second one: the id is never
 * reused), and notes that it started. Safe to call again after a crash between commit and start.
 */
export async function startHandoverWorkflow(sql: Sql, client: Client, taskQueue: string, handover: NewHandover): Promise<void> {
  const input: HandoverInputV1 = { ...handover, slaMs: parseDuration(handover.sla) ?? 48 * 3_600_000 }
  try {
    await client.workflow.start<typeof leadHandover>('leadHandover', {
      taskQueue,
      workflowId: handoverWorkflowId(handover.contactId, handover.qualification),
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    })
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error
  }
  await sql`update handovers set workflow_started_at = coalesce(workflow_started_at, now()) where id = ${handover.handoverId}`
}

/** Handovers committed whose workflow did not start yet (a crash in between, Temporal unreachable): started now. */
export async function startPendingHandovers(sql: Sql, client: Client, taskQueue: string): Promise<number> {
  const pending = await sql<{ id: string; account_id: string; contact_id: string; qualification: number; sla: string }[]>`
    select id, account_id, contact_id, qualification, sla from handovers where workflow_started_at is null order by created_at limit 100`
  for (const row of pending) {
    await startHandoverWorkflow(sql, client, taskQueue, { handoverId: row.id, accountId: row.account_id, contactId: row.contact_id, qualification: row.qualification, sla: row.sla })
  }
  return pending.length
}
