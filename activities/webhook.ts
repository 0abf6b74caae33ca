import { ApplicationFailure } from '@temporalio/activity'
import { createHmac } from 'node:crypto'
import type { Sql } from 'postgres'
import type { EnrolmentRef } from '../engine/nodes'
import { cancellationSignal, currentAttempt, startHeartbeat } from './activity-context'

export interface WebhookDeps {
  sql: Sql
  /** Key of the X-Signature HMAC; receivers verify with the same key. */
  webhookSecret: string | undefined
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
  contact: {
    id: string
    email: string
    firstName: string | null
    lastName: string | null
    company: string | null
    subsidiary: string
    locale: string
  }
  data: Record<string, string | number | boolean>
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`: receivers recompute it over the bytes they got. */
export function webhookSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`
}

/** The same for every attempt of one call: enrolment, step and pass. Receivers drop repeats by it. */
export function webhookIdempotencyKey(input: Pick<CallWebhookInput, 'enrolmentId' | 'nodeId' | 'visit'>): string {
  return `${input.enrolmentId}.${input.nodeId}.${input.visit}`
}

interface ContactRow {
  email: string
  first_name: string | null
  last_name: string | null
  company: string | null
  locale: string | null
  subsidiary_code: string
  subsidiary_locale: string
}

// Worth another try: the receiver is down, overloaded or slow. Everything else in 4xx is its final word.
const retryable = (status: number) => status >= 500 || status === 408 || status === 429

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
  const [contact] = await deps.sql<ContactRow[]>`
    select c.email, c.first_name, c.last_name, c.company, c.locale, s.code as subsidiary_code, s.locale as subsidiary_locale
    from contacts c join subsidiaries s on s.id = c.subsidiary_id
    where c.id = ${input.contactId} and c.account_id = ${input.accountId}`
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

  const cancelled = cancellationSignal()
  const timeout = AbortSignal.timeout(input.timeoutMs)
  const stopHeartbeat = startHeartbeat()
  try {
    let response: Response
    try {
      response = await fetch(input.url, {
        method: input.method,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'kessler-campaigns-webhook/1',
          'x-signature': webhookSignature(deps.webhookSecret, raw),
          'idempotency-key': idempotencyKey,
        },
        body: raw,
        // A redirect would turn a signed POST into an unsigned GET elsewhere: it counts as a refusal.
        redirect: 'manual',
        signal: cancelled ? AbortSignal.any([timeout, cancelled]) : timeout,
      })
    } catch (error) {
      if (cancelled?.aborted) throw error
      const cause = timeout.aborted ? `no answer within ${input.timeoutMs} ms` : `no answer: ${(error as Error).cause ?? (error as Error).message}`
      return notNow(cause, null)
    }
    if (response.ok) {
      await response.body?.cancel()
      return { outcome: 'delivered', status: response.status }
    }
    const excerpt = (await response.text().catch(() => '')).slice(0, 200).trim()
    const reason = `${response.status} ${response.statusText}${excerpt ? `: ${excerpt}` : ''}`
    return retryable(response.status) ? notNow(reason, response.status) : { outcome: 'failed', status: response.status, reason }
  } finally {
    stopHeartbeat()
  }
}
