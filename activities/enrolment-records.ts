import type { Sql } from 'postgres'

export interface RecordStepInput {
  enrolmentId: string
  accountId: string
  nodeId: string
  visit: number
}

/** Notes that the enrolment entered a step (for the enrolment's history and the live view). Idempotent per step and pass. */
export async function recordStep(sql: Sql, input: RecordStepInput): Promise<void> {
  await sql`
    insert into enrolment_steps (enrolment_id, node_id, visit, account_id)
    values (${input.enrolmentId}, ${input.nodeId}, ${input.visit}, ${input.accountId})
    on conflict do nothing`
  await sql`update enrolments set current_node_id = ${input.nodeId} where id = ${input.enrolmentId} and status = 'active'`
}

export interface FinishEnrolmentInput {
  enrolmentId: string
  accountId: string
  status: 'completed' | 'exited' | 'active'
  reason: string | null
  workflowRunId: string
}

/** Closes the enrolment row so the contact may enter the campaign again. Idempotent: only an active row changes. */
export async function finishEnrolment(sql: Sql, input: FinishEnrolmentInput): Promise<void> {
  await sql`
    update enrolments
    set status = ${input.status === 'active' ? 'exited' : input.status}, exit_reason = ${input.reason},
        finished_at = now(), current_node_id = null, workflow_run_id = ${input.workflowRunId}
    where id = ${input.enrolmentId} and account_id = ${input.accountId} and status = 'active'`
}
