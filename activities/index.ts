import { finishEnrolment, recordConversion, recordStep, type FinishEnrolmentInput, type RecordConversionInput, type RecordStepInput } from './enrolment-records'
import { enterMailStepWith } from './mail-step'
import { sendCampaignEmail, type MailDeps, type SendCampaignEmailInput } from './send-campaign-email'
import { loadContactFacts, updateContact, type ContactRef, type UpdateContactInput } from './contacts'
import { callWebhook, type CallWebhookInput } from './webhook'
import { createEntryActivities, type EntryActivities } from './entry'
import { createConsentActivities, type ConsentActivities } from './confirmation-mail'
import { createLeadActivities, type LeadActivities, type LeadActivityDeps } from './handover'
import { createCrmSyncActivities, type CrmSyncActivities } from './crm-sync'
import { createCrmContactPushActivities, type CrmContactPushActivities } from './crm-contact-push'
import { createMailingActivities, type MailingActivities, type MailingSendDeps } from './mailing-send'
import type { StepActivities } from '../engine/nodes/step-activities'

export type ActivityDeps = MailDeps & {
  /**
   * Key of webhook signatures (X-Signature). Optional until the composition root passes one; without
   * it webhook steps wait, retrying, rather than call anyone unsigned.
   */
  webhookSecret?: string
  /** Lead activities (handover step, handover workflow) start and signal workflows. */
  temporal?: LeadActivityDeps['temporal']
  /** Opens stored CRM credentials (key from APP_SECRET); the CRM sync and the handover's CRM lead need it. */
  crmSecrets?: LeadActivityDeps['crmSecrets']
  crmAdapterFor?: LeadActivityDeps['crmAdapterFor']
  crmPageSize?: number
  /** Mailings: the relay pool, DKIM key and VERP secret; without them (some tests) mailing activities refuse. */
  mailings?: Pick<MailingSendDeps, 'relay' | 'dkim' | 'verpSecret' | 'batchSize' | 'activityBudgetMs' | 'retryAfterMs' | 'relaxedSql' | 'clock'>
}

/**
 * Every side effect a campaign workflow may cause, bound to its dependencies. The worker passes the real
 * Postgres, SMTP transport and renderer; tests pass their own. Workflows import only the type.
 */
export function createActivities(deps: ActivityDeps): StepActivities & EntryActivities & ConsentActivities & LeadActivities & CrmSyncActivities & MailingActivities {
  const steps = {
    sendCampaignEmail: (input: SendCampaignEmailInput) => sendCampaignEmail(deps, input),
    recordStep: (input: RecordStepInput) => recordStep(deps.sql, input),
  }
  return {
    ...steps,
    enterMailStep: enterMailStepWith(steps),
    finishEnrolment: (input: FinishEnrolmentInput) => finishEnrolment(deps.sql, input),
    recordConversion: (input: RecordConversionInput) => recordConversion(deps.sql, input),
    loadContactFacts: (input: ContactRef) => loadContactFacts(deps.sql, input),
    updateContact: (input: UpdateContactInput) => updateContact(deps.sql, input),
    callWebhook: (input: CallWebhookInput) => callWebhook({ sql: deps.sql, webhookSecret: deps.webhookSecret }, input),
    ...createEntryActivities({ sql: deps.sql }),
    ...createConsentActivities(deps),
    ...createLeadActivities(deps),
    ...(deps.crmSecrets ? createCrmSyncActivities({ sql: deps.sql, secrets: deps.crmSecrets, adapterFor: deps.crmAdapterFor, pageSize: deps.crmPageSize }) : ({} as CrmSyncActivities)),
    ...(deps.crmSecrets ? createCrmContactPushActivities({ sql: deps.sql, secrets: deps.crmSecrets, adapterFor: deps.crmAdapterFor }) : ({} as CrmContactPushActivities)),
    ...createMailingActivities({ ...deps, ...(deps.mailings ?? unconfiguredMailings), settlement: deps.relay }),
  }
}

// What enrolment steps may call, and what tests of the enrolment workflow fake: declared by the engine
// (engine/nodes/step-activities.ts). The entry activities are registered with them but are not steps' business.
export type CampaignActivities = StepActivities
export type { EntryActivities, ConsentActivities, LeadActivities, CrmSyncActivities, CrmContactPushActivities, MailingActivities }

const unconfiguredMailings: NonNullable<ActivityDeps['mailings']> = {
  relay: {
    limits: { maxConnections: 0, perSecond: 0 },
    deliver: () => Promise.reject(new Error('this worker has no relay pool for mailings')),
    close: () => {},
  },
  dkim: null,
  verpSecret: 'unconfigured',
}
