import { WorkflowNotFoundError, type Client } from '@temporalio/client'
import type { TrackedEvent } from './nodes'
import { trackedEventSignal, type campaignEnrolment, type EnrolmentInputV1 } from './workflows/enrolment'

/** One workflow id per campaign and contact, so Temporal itself refuses a second concurrent enrolment. */
export function enrolmentWorkflowId(campaignId: string, contactId: string): string {
  return `enrolment-${campaignId}-${contactId}`
}

/**
 * Starts the enrolment workflow, or leaves the running one alone: starting twice (an event dispatched
 * again after a crash) is not an error. A finished enrolment's id may be reused by a later one.
 */
export async function startEnrolmentWorkflow(client: Client, taskQueue: string, input: EnrolmentInputV1): Promise<string> {
  const workflowId = enrolmentWorkflowId(input.enrolment.campaignId, input.enrolment.contactId)
  const handle = await client.workflow.start<typeof campaignEnrolment>('campaignEnrolment', {
    taskQueue,
    workflowId,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    memo: { campaignId: input.enrolment.campaignId, contactId: input.enrolment.contactId, enrolmentId: input.enrolment.enrolmentId },
  })
  return handle.firstExecutionRunId
}

/** Hands a tracked event to a running enrolment. An enrolment that finished meanwhile no longer cares. */
export async function signalEnrolment(client: Client, workflowId: string, event: TrackedEvent): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).signal(trackedEventSignal, event)
    return true
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false
    throw error
  }
}
