import { ApplicationFailure } from '@temporalio/activity'
import type { Sql } from 'postgres'
import { currentScoringModel } from '../engine/scoring/model-store'
import { loadDossier } from './handover-dossier'
import { postSignedJson } from './signed-post'
import { CrmRefused, CrmUnavailable } from '../crm/adapter'
import type { SecretBox } from '../crm/secret-box'
import { crmConnection, saveLink } from '../db/crm'
import { crmAdapter, type CrmSyncDeps } from './crm-sync'
import type { LeadDossier } from './handover-dossier'

export interface CrmDeps {
  sql: Sql
  webhookSecret?: string
  /** Opens the stored CRM credentials; without it a connected CRM gets no lead (the webhook still goes out). */
  crmSecrets?: SecretBox
  crmAdapterFor?: CrmSyncDeps['adapterFor']
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
  const lead = await pushLeadToCrm(deps, dossier)
  if (lead === 'delivered' && !url) {
    await deps.sql`update handovers set crm_attempts = crm_attempts + 1, crm_status = 'delivered', crm_error = null where id = ${input.handoverId}`
    return 'delivered'
  }
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

/**
 * With a connected CRM (handover mode "crm_lead"): the lead, created once (our key: handover-<id>, and the
 * link stored per handover), assigned to the routed rep's CRM user, with the dossier as its description and
 * the contact's CRM record referenced. Retries like the webhook: CRM down → retryable, refused → final.
 */
async function pushLeadToCrm(deps: CrmDeps, dossier: LeadDossier): Promise<'delivered' | 'not_configured'> {
  const connection = await crmConnection(deps.sql, dossier.accountId)
  if (!connection?.enabled || connection.handover_mode !== 'crm_lead' || !deps.crmSecrets) return 'not_configured'
  const [existing] = await deps.sql<{ crm_id: string }[]>`select crm_id from crm_links where handover_id = ${dossier.handoverId}`
  if (existing) return 'delivered'
  const adapter = crmAdapter({ secrets: deps.crmSecrets, adapterFor: deps.crmAdapterFor }, connection)
  const c = dossier.contact
  const attributes = c.attributes as Record<string, string | undefined>
  const fail = async (reason: string, final: boolean): Promise<never> => {
    await deps.sql`update handovers set crm_attempts = crm_attempts + 1, crm_error = ${reason}, crm_status = ${final ? 'failed' : 'pending'} where id = ${dossier.handoverId}`
    throw final ? ApplicationFailure.nonRetryable(reason, 'CrmRefused') : ApplicationFailure.retryable(reason, 'CrmUnavailable')
  }
  try {
    const { id } = await adapter.upsert('lead', null, {
      externalKey: `handover-${dossier.handoverId}`,
      person: { email: c.email, firstName: c.firstName, lastName: c.lastName, company: c.company, postalCode: attributes.postal_code ?? null, country: attributes.country ?? c.subsidiary },
      ownerEmails: dossier.rep ? [dossier.rep.email] : undefined,
      description: dossierText(dossier),
    })
    await saveLink(deps.sql, { account_id: dossier.accountId, object_type: 'lead', crm_id: id, contact_id: c.id, handover_id: dossier.handoverId })
    return 'delivered'
  } catch (error) {
    if (error instanceof CrmUnavailable) return fail(error.message, false)
    if (error instanceof CrmRefused) return fail(error.message, true)
    throw error
  }
}

/** The dossier as the rep reads it in the CRM: why now, scores, personas and the latest activity. */
export function dossierText(d: LeadDossier): string {
  const lines = [
    `Handed over by Kessler Campaigns (${d.source === 'score' ? 'score' : 'campaign step'}, cell ${d.cell}) on ${d.handedOverAt}.`,
    `Scores: profile ${d.scores.profile.grade} (${d.scores.profile.points} points), activity ${d.scores.activity.level} (${d.scores.activity.points} points).`,
    d.qualifiedBy.campaign ? `Qualified by campaign: ${d.qualifiedBy.campaign.name}.` : '',
    d.personas.length ? `Personas: ${d.personas.map((p) => `${p.name} ${p.match}%`).join(', ')}.` : '',
    'Latest activity:',
    ...d.timeline.slice(0, 10).map((t) => `- ${t.occurredAt} ${t.type}${t.properties.url ? ` ${t.properties.url}` : ''}`),
  ]
  return lines.filter(Boolean).join('\n')
}
