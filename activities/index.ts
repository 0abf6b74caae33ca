import { finishEnrolment, recordConversion, recordStep, type FinishEnrolmentInput, type RecordConversionInput, type RecordStepInput } from './enrolment-records'
import { sendCampaignEmail, type MailDeps, type SendCampaignEmailInput } from './send-campaign-email'
import { loadContactFacts, updateContact, type ContactRef, type UpdateContactInput } from './contacts'
import { callWebhook, type CallWebhookInput } from './webhook'
import { createEntryActivities, type EntryActivities } from './entry'
import { createConsentActivities, type ConsentActivities } from './confirmation-mail'

export type ActivityDeps = MailDeps & {
  /**
   * Key of webhook signatures (X-Signature). Optional until the composition root passes one; without
   * it webhook steps wait, retrying, rather than call anyone unsigned.
   */
  webhookSecret?: string
}

/**
 * Every side effect a campaign workflow may cause, bound to its dependencies. The worker passes the real
 * Postgres, SMTP transport and renderer; tests pass their own. Workflows import only the type.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    sendCampaignEmail: (input: SendCampaignEmailInput) => sendCampaignEmail(deps, input),
    recordStep: (input: RecordStepInput) => recordStep(deps.sql, input),
    finishEnrolment: (input: FinishEnrolmentInput) => finishEnrolment(deps.sql, input),
    recordConversion: (input: RecordConversionInput) => recordConversion(deps.sql, input),
    loadContactFacts: (input: ContactRef) => loadContactFacts(deps.sql, input),
    updateContact: (input: UpdateContactInput) => updateContact(deps.sql, input),
    callWebhook: (input: CallWebhookInput) => callWebhook({ sql: deps.sql, webhookSecret: deps.webhookSecret }, input),
    ...createEntryActivities({ sql: deps.sql }),
    ...createConsentActivities(deps),
  }
}

// What enrolment steps may call, and what tests of the enrolment workflow fake. The entry activities
// (trigger scans, bulk enrolment jobs) are registered with them but are not steps' business.
export type CampaignActivities = Omit<ReturnType<typeof createActivities>, keyof EntryActivities | keyof ConsentActivities>
export type { EntryActivities, ConsentActivities }
