import { proxyActivities } from '@temporalio/workflow'
import type { ConsentActivities } from './activity-types'

/** Input of the double opt-in mail for one form submission. Versioned: add V2 rather than change V1. */
export interface DoubleOptInInputV1 {
  submissionId: string
  /** When the confirmation link expires (ISO time). */
  expiresAt: string
}

const { sendConfirmationMail } = proxyActivities<ConsentActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 50 },
})

/**
 * Sends the double opt-in confirmation mail of one form submission, retrying while the mail server is
 * unreachable. Workflow id `double-opt-in-<submission>`: one per submission (form + request id), and the
 * activity's status row keeps the mail to at most one even across retries. Side effects: its activity's.
 */
export async function doubleOptInMail(input: DoubleOptInInputV1): Promise<string> {
  return sendConfirmationMail({ submissionId: input.submissionId, expiresAt: input.expiresAt })
}

export const doubleOptInWorkflowId = (submissionId: string) => `double-opt-in-${submissionId}`
