import { finishEnrolment, recordStep, type FinishEnrolmentInput, type RecordStepInput } from './enrolment-records'
import { sendCampaignEmail, type MailDeps, type SendCampaignEmailInput } from './send-campaign-email'

export type ActivityDeps = MailDeps

/**
 * Every side effect a campaign workflow may cause, bound to its dependencies. The worker passes the real
 * Postgres, SMTP transport and renderer; tests pass their own. Workflows import only the type.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    sendCampaignEmail: (input: SendCampaignEmailInput) => sendCampaignEmail(deps, input),
    recordStep: (input: RecordStepInput) => recordStep(deps.sql, input),
    finishEnrolment: (input: FinishEnrolmentInput) => finishEnrolment(deps.sql, input),
  }
}

export type CampaignActivities = ReturnType<typeof createActivities>
