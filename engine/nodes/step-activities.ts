import type { ContactFacts } from './contact-facts'

// What a campaign step may ask of the world, declared here in the engine that calls it: activities/
// implements it (activities/index.ts createActivities is checked against StepActivities), workflows and
// steps name only this interface, so the engine never imports activities/, not even as types.

/** The enrolment a step runs in: every activity of a step names it. */
export interface EnrolmentRef {
  enrolmentId: string
  accountId: string
  campaignId: string
  versionId: string
  contactId: string
}

export interface ContactRef {
  accountId: string
  contactId: string
}

export interface UpdateContactInput extends ContactRef {
  /** null clears the attribute. */
  setAttributes: Record<string, string | number | boolean | null>
  addTags: string[]
  removeTags: string[]
}

export interface SendCampaignEmailInput extends EnrolmentRef {
  nodeId: string
  visit: number
  template: string
}

export type SendOutcome =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'suppressed'; messageId: string; reason: string }
  // The SMTP transaction of an earlier attempt may or may not have completed: never repeated blindly.
  | { outcome: 'unknown'; messageId: string }
  // The receiving server refused the mail permanently (5xx): the contact cannot be reached this way.
  | { outcome: 'rejected'; messageId: string; reason: string }
  // Not now: the campaign is paused (ask again after resume) or the contact's mail quota is used up.
  | { outcome: 'paused'; messageId: string }
  | { outcome: 'deferred'; messageId: string; until: string; reason: 'frequency_cap' | 'quiet_hours' }

export interface RecordStepInput {
  enrolmentId: string
  accountId: string
  nodeId: string
  visit: number
  /** The step just left and the output it took (recorded here to save a round trip per step). */
  previous?: { nodeId: string; visit: number; output: string }
}

/** A mail step's entry and its mail, handled by one activity task (see StepActivities.enterMailStep). */
export interface EnterMailStepInput {
  entry: RecordStepInput
  mail: SendCampaignEmailInput
}

export interface FinishEnrolmentInput {
  enrolmentId: string
  accountId: string
  status: 'completed' | 'exited' | 'converted' | 'active'
  reason: string | null
  workflowRunId: string
}

export interface RecordConversionInput {
  enrolmentId: string
  accountId: string
  campaignId: string
  contactId: string
  goalNodeId: string
  eventId: string
}

export interface CallWebhookInput extends EnrolmentRef {
  nodeId: string
  visit: number
  url: string
  method: 'POST' | 'PUT' | 'PATCH'
  timeoutMs: number
  /** After this many tries without an answer (or with 5xx/408/429), the call counts as failed. */
  attempts: number
  data: Record<string, string | number | boolean>
}

export type WebhookOutcome =
  | { outcome: 'delivered'; status: number }
  // Refused (4xx, a redirect) or never answered in all attempts: the step's "failed" branch.
  | { outcome: 'failed'; status: number | null; reason: string }

export interface RequestHandoverInput {
  accountId: string
  contactId: string
  campaignId: string
  enrolmentId: string
}

/** The activities enrolment steps call; each names its side effects and idempotency key where it is implemented. */
export interface StepActivities {
  sendCampaignEmail(input: SendCampaignEmailInput): Promise<SendOutcome>
  recordStep(input: RecordStepInput): Promise<void>
  /** recordStep, then sendCampaignEmail, in one activity task: a mail step's first send saves a workflow task round trip. */
  enterMailStep(input: EnterMailStepInput): Promise<SendOutcome>
  finishEnrolment(input: FinishEnrolmentInput): Promise<void>
  recordConversion(input: RecordConversionInput): Promise<void>
  loadContactFacts(input: ContactRef): Promise<ContactFacts>
  updateContact(input: UpdateContactInput): Promise<void>
  callWebhook(input: CallWebhookInput): Promise<WebhookOutcome>
  /** Optional so that recording fakes need not have it. */
  requestHandover?(input: RequestHandoverInput): Promise<{ handoverId: string | null }>
}
