import { ApplicationFailure } from '@temporalio/activity'
import type { Sql } from 'postgres'
import { currentScoringModel } from '../engine/scoring/model-store'
import { loadDossier } from './handover-dossier'
import { postSignedJson } from './signed-post'

export interface CrmDeps {
  sql: Sql
  webhookSecret?: string
}

/**
 * Pushes the lead dossier to the account's CRM endpoint as signed JSON (X-Signature: sha256=HMAC of the
 * body, as campaign webhooks; Idempotency-Key: handover-<id>, the same on every attempt). Each attempt is
 * counted on the handover with its error, so failures are visible while Temporal retries with backoff;
 * a 4xx other than 408/429 is final. Without a configured endpoint nothing is sent ("not_configured").
 */
export async function pushHandoverToCrm(deps: CrmDeps, input: { handoverId: string }): Promise<'delivered' | 'not_configured'> {
  const dossier = await loadDossier(deps.sql, input.handoverId)
  if (!dossier) throw ApplicationFailure.nonRetryable(`handover ${input.handoverId} does not exist`)
  const { model } = await currentScoringModel(deps.sql, dossier.accountId)
  const url = model.handover.crmWebhookUrl
  if (!url) {
    await deps.sql`update handovers set crm_status = 'not_configured' where id = ${input.handoverId}`
    return 'not_configured'
  }
  if (!deps.webhookSecret) throw ApplicationFailure.retryable('no webhook secret is configured', 'WebhookSecretMissing')
  const raw = JSON.stringify(dossier)
  const fail = async (reason: string, final: boolean): Promise<never> => {
    await deps.sql`update handovers set crm_attempts = crm_attempts + 1, crm_error = ${reason}, crm_status = ${final ? 'failed' : 'pending'} where id = ${input.handoverId}`
    throw final ? ApplicationFailure.nonRetryable(reason, 'CrmRefused') : ApplicationFailure.retryable(reason, 'CrmUnavailable')
  }
  const answer = await postSignedJson({
    url,
    rawBody: raw,
    secret: deps.webhookSecret,
    idempotencyKey: `handover-${input.handoverId}`,
    userAgent: 'kessler-campaigns-handover/1',
    timeoutMs: 15_000,
  })
  if (answer.kind !== 'delivered') return fail(answer.reason, answer.kind === 'refused' && !answer.worthRetrying)
  await deps.sql`update handovers set crm_attempts = crm_attempts + 1, crm_status = 'delivered', crm_error = null where id = ${input.handoverId}`
  return 'delivered'
}

export async function recordCrmFailure(sql: Sql, input: { handoverId: string; error: string }): Promise<void> {
  await sql`update handovers set crm_status = 'failed', crm_error = coalesce(crm_error, ${input.error}) where id = ${input.handoverId} and crm_status <> 'delivered'`
}
