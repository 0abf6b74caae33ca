import { ApplicationFailure } from '@temporalio/activity'
import { contactWithSubsidiary } from '../db/contact-lookups'
import type { Sql } from 'postgres'
import type { EnrolmentRef } from '../engine/nodes'
import { cancellationSignal, currentAttempt, startHeartbeat } from './activity-context'
import { postSignedJson } from './signed-post'
import type { CallWebhookInput, WebhookOutcome } from '../engine/nodes/step-activities'
export type { CallWebhookInput, WebhookOutcome }

export interface WebhookDeps {
  sql: Sql
  /** Key of the X-Signature HMAC; receivers verify with the same key. */
  webhookSecret: string | undefined
}

/** The contact as every receiver sees it (campaign webhooks, the CRM's lead dossier). */
export interface ReceiverContact {
  id: string
  email: string
  firstName: string | null
  lastName: string | null
  company: string | null
  subsidiary: string
  locale: string
}

/** What receivers get. Field names are the receivers' contract: add fields, never rename them. */
export interface WebhookBody {
  type: 'campaign.webhook'
  idempotencyKey: string
  accountId: string
  campaignId: string
  versionId: string
  enrolmentId: string
  stepId: string
  pass: number
  contact: ReceiverContact
  data: Record<string, string | number | boolean>
}

/** The same for every attempt of one call: enrolment, step and pass. Receivers drop repeats by it. */
export function webhookIdempotencyKey(input: Pick<CallWebhookInput, 'enrolmentId' | 'nodeId' | 'visit'>): string {
  return `${input.enrolmentId}.${input.nodeId}.${input.visit}`
}

/**
 * Calls the step's URL with the enrolment and the contact's basics as signed JSON. Side effect: one
 * HTTP request per attempt, all carrying the same Idempotency-Key (enrolment + step + pass) and the
 * same body. No answer, 5xx, 408 or 429 throw, so Temporal retries with backoff, until the step's last
 * attempt, which answers "failed" instead; other refusals answer "failed" at once. The campaign goes on
 * in both cases (the step branches): a CRM that is down for an hour should not end anyone's enrolment.
 */
export async function callWebhook(deps: WebhookDeps, input: CallWebhookInput): Promise<WebhookOutcome> {
  // Without a key nothing may be sent unsigned: the call waits, retrying, until the worker has one.
  if (!deps.webhookSecret) throw ApplicationFailure.retryable('no webhook secret is configured (ActivityDeps.webhookSecret)', 'WebhookSecretMissing')
  const contact = await contactWithSubsidiary(deps.sql, input.accountId, { id: input.contactId })
  if (!contact) throw ApplicationFailure.nonRetryable(`contact ${input.contactId} no longer exists`, 'ContactGone')

  const idempotencyKey = webhookIdempotencyKey(input)
  const body: WebhookBody = {
    type: 'campaign.webhook',
    idempotencyKey,
    accountId: input.accountId,
    campaignId: input.campaignId,
    versionId: input.versionId,
    enrolmentId: input.enrolmentId,
    stepId: input.nodeId,
    pass: input.visit,
    contact: {
      id: input.contactId,
      email: contact.email,
      firstName: contact.first_name,
      lastName: contact.last_name,
      company: contact.company,
      subsidiary: contact.subsidiary_code,
      locale: contact.locale ?? contact.subsidiary_locale,
    },
    data: input.data,
  }
  const raw = JSON.stringify(body)
  const lastAttempt = currentAttempt() >= input.attempts
  const notNow = (reason: string, status: number | null): WebhookOutcome => {
    if (lastAttempt) return { outcome: 'failed', status, reason: `${reason} (gave up after ${input.attempts} attempts)` }
    throw ApplicationFailure.retryable(reason, 'WebhookUnavailable')
  }

  const stopHeartbeat = startHeartbeat()
  try {
    const answer = await postSignedJson({
      url: input.url,
      method: input.method,
      rawBody: raw,
      secret: deps.webhookSecret,
      idempotencyKey,
      userAgent: 'kessler-campaigns-webhook/1',
      timeoutMs: input.timeoutMs,
      cancelled: cancellationSignal(),
    })
    if (answer.kind === 'delivered') return { outcome: 'delivered', status: answer.status }
    if (answer.kind === 'no_answer') return notNow(answer.reason, null)
    // Worth another try when the receiver is down, overloaded or slow; any other 4xx is its final word.
    return answer.worthRetrying ? notNow(answer.reason, answer.status) : { outcome: 'failed', status: answer.status, reason: answer.reason }
  } finally {
    stopHeartbeat()
  }
}
