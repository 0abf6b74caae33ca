import type { MailingProgress } from '../../db/mailings'
import type { SkipReason } from '../enrol'
import type { ScannedTriggerConfig } from '../nodes/trigger'

// The activities the engine's workflows call besides the steps' (engine/nodes/step-activities.ts),
// declared here beside the workflows: activities/ implements them, so the engine never imports it.

export interface SendConfirmationMailInput {
  submissionId: string
  /** When the confirmation link stops working (ISO time); set by the API at submission. */
  expiresAt: string
}

export type ConfirmationMailOutcome = 'sent' | 'already_sent' | 'unknown' | 'not_needed'

export type HandoverMailKind = 'report' | 'reminder' | 'escalation'

export interface MailingRound {
  /** The mailing's status when the round ended: the workflow stops sending unless it is "sending". */
  status: string
  handled: number
  progress: MailingProgress
  /** When the next queued recipient is due (ISO), null when nobody is queued. */
  nextDueAt: string | null
}

/** What one scan looks at, fixed when it begins so that every page agrees (same version, same "now"). */
export interface TriggerScanPlan {
  accountId: string
  campaignId: string
  versionId: string
  kind: ScannedTriggerConfig['kind']
  /** The scan's "now" (ISO): dates and silences are judged at this instant. */
  asOf: string
  /** Segment triggers: entries from this instant on count (when the campaign first watched the segment). */
  since?: string
}

export interface TriggerCandidate {
  contactId: string
  occasion: string
}

export interface CandidatePage {
  /** Contacts to enrol: their occasion has not enrolled them yet. */
  candidates: TriggerCandidate[]
  /** Contacts whose occasion had enrolled them before (a scan repeated or resumed): left out. */
  alreadyEnrolled: number
  /** Where the next page starts, or null when this was the last. */
  cursor: string | null
  examined: number
}

export interface EnrolledPage {
  enrolled: number
  /** Contacts this occasion had enrolled before (the page was in flight when a worker died, and is repeated). */
  alreadyEnrolled: number
  /** By reason: engine/enrol.ts's, or campaign_stopped when the campaign stopped during the scan. */
  skipped: Partial<Record<SkipReason | 'campaign_stopped', number>>
}

/** Trigger scans and bulk enrolment jobs (engine/workflows/trigger-scan.ts, enrolment-job.ts). */
export interface EntryActivities {
  prepareEnrolmentJob(input: { jobId: string }): Promise<{ total: number }>
  enrolJobBatch(input: { jobId: string; after: number; limit: number }): Promise<{ cursor: number | null; processed: number }>
  failEnrolmentJob(input: { jobId: string; reason: string }): Promise<void>
  finishEnrolmentJob(input: { jobId: string }): Promise<void>
  beginTriggerScan(input: { accountId: string; campaignId: string }): Promise<TriggerScanPlan | null>
  findTriggerCandidates(input: { plan: TriggerScanPlan; cursor: string | null; limit: number }): Promise<CandidatePage>
  enrolTriggerCandidates(input: { plan: TriggerScanPlan; candidates: TriggerCandidate[] }): Promise<EnrolledPage>
}

/** The double opt-in's confirmation mail (engine/workflows/double-opt-in.ts). */
export interface ConsentActivities {
  sendConfirmationMail(input: SendConfirmationMailInput): Promise<ConfirmationMailOutcome>
}

/** Lead scoring jobs and the sales handover (engine/workflows/handover.ts, scoring-job.ts). */
export interface LeadActivities {
  routeHandover(input: { handoverId: string }): Promise<{ repId: string | null; routedBy: string | null }>
  exitNurtureEnrolments(input: { handoverId: string }): Promise<number>
  sendHandoverMail(input: { handoverId: string; kind: HandoverMailKind }): Promise<{ sent: number }>
  pushHandoverToCrm(input: { handoverId: string }): Promise<'delivered' | 'not_configured'>
  recordCrmFailure(input: { handoverId: string; error: string }): Promise<void>
  handoverStatus(input: { handoverId: string }): Promise<'accepted' | 'open' | 'rejected'>
  requestHandover(input: { accountId: string; contactId: string; campaignId: string; enrolmentId: string }): Promise<{ handoverId: string | null }>
  rescorePage(input: { jobId: string }): Promise<{ finished: boolean }>
  createDecayJobs(input: Record<string, never>): Promise<string[]>
}

/** A CRM sync run (engine/workflows/crm-sync.ts). */
export interface CrmSyncActivities {
  startCrmSyncRun(input: { accountId: string; runId: string; trigger: 'schedule' | 'manual' }): Promise<{ runId: string; joined: boolean } | null>
  syncCrmPage(input: { runId: string }): Promise<{ done: boolean }>
  finishCrmSyncRun(input: { runId: string; error?: string }): Promise<void>
}

/** The on-demand push of a few contacts to the CRM (engine/workflows/crm-contact-push.ts). */
export interface CrmContactPushActivities {
  pushContactsToCrm(input: { accountId: string; contactIds: string[] }): Promise<{ created: number; updated: number; unchanged: number }>
}

/** A mailing's sending (engine/workflows/mailing.ts). */
export interface MailingActivities {
  prepareMailingRecipients(input: { mailingId: string }): Promise<{ recipients: number }>
  sendMailingRound(input: { mailingId: string }): Promise<MailingRound>
  finishMailing(input: { mailingId: string; cancelled: boolean }): Promise<MailingProgress>
}
