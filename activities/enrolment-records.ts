import type { Sql } from 'postgres'
import type { RecordStepInput, FinishEnrolmentInput, RecordConversionInput } from '../engine/nodes/step-activities'
export type { RecordStepInput, FinishEnrolmentInput, RecordConversionInput }

/**
 * Notes that the enrolment entered a step (for the enrolment's history and the live view). Idempotent per
 * step and pass. One statement, so one round trip and one commit: it runs on the path of every step.
 */
export async function recordStep(sql: Sql, input: RecordStepInput): Promise<void> {
  const previous = input.previous
  await sql`
    with entered as (
      insert into enrolment_steps (enrolment_id, node_id, visit, account_id)
      values (${input.enrolmentId}, ${input.nodeId}, ${input.visit}, ${input.accountId})
      on conflict do nothing
    )${previous ? sql`, left_step as (
      update enrolment_steps set output = ${previous.output}
      where enrolment_id = ${input.enrolmentId} and node_id = ${previous.nodeId} and visit = ${previous.visit}
    )` : sql``}
    update enrolments set current_node_id = ${input.nodeId} where id = ${input.enrolmentId} and status = 'active'`
}

/** Closes the enrolment row so the contact may enter the campaign again. Idempotent: only an active row changes. */
export async function finishEnrolment(sql: Sql, input: FinishEnrolmentInput): Promise<void> {
  await sql`
    update enrolments
    set status = ${input.status === 'active' ? 'exited' : input.status}, exit_reason = ${input.reason},
        finished_at = now(), current_node_id = null, workflow_run_id = ${input.workflowRunId}
    where id = ${input.enrolmentId} and account_id = ${input.accountId} and status = 'active'`
}

/** Records that the enrolment reached a goal (for the campaign's conversion figures). Idempotent per enrolment and goal. */
export async function recordConversion(sql: Sql, input: RecordConversionInput): Promise<void> {
  await sql`
    insert into conversions (enrolment_id, goal_node_id, account_id, campaign_id, contact_id, event_id)
    values (${input.enrolmentId}, ${input.goalNodeId}, ${input.accountId}, ${input.campaignId}, ${input.contactId}, ${input.eventId})
    on conflict do nothing`
}
