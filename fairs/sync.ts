import type { Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import type { TokenSigner } from '../tracking/tokens'
import type { Caller } from '../api/auth'
import { captureSchema, type SyncResult } from '../api/contract/fairs'
import { invalidInput } from '../api/errors'
import type { FormRow } from '../api/form-submission'
import { storeSubmission } from '../api/form-submission'
import { findContactMatch, suggestDuplicate } from '../db/duplicates'
import { captureForUpdate, insertCapture, noteCaptureConsent, noteCaptureHandover, noteCaptureId, syncedCapture, updateCaptureFields } from '../db/fair-captures'
import { markMeetingHeld, type FairRow } from '../db/fairs'
import type { EventDispatcher } from '../engine/dispatcher'
import { startHandoverWorkflow } from '../engine/scoring/handover-client'
import { createHandover, type NewHandover } from '../engine/scoring/handover-store'
import { currentScoringModel } from '../engine/scoring/model-store'
import { doubleOptInWorkflowId, type doubleOptInMail } from '../engine/workflows/double-opt-in'
import { mergeCapturedFields, valueOf, type CapturedFields } from './merge'
import { checkFairToken } from './tokens'

export interface FairSyncDeps {
  sql: Sql
  client: Client
  taskQueue: string
  tokens: TokenSigner
  dispatcher: EventDispatcher
  /** How long the double opt-in link of consent collected at the stand works. */
  doubleOptInValidForMs: number
}

const result = (id: string, rest: Partial<SyncResult>): SyncResult => ({
  id, outcome: 'stored', captureId: null, contactId: null, duplicateSuggested: false, handoverId: null, doubleOptIn: 'not_requested', error: null, ...rest,
})
const rejected = (id: string, field: string, message: string) => result(id, { outcome: 'rejected', error: { field, message } })

/** The token in a scanned QR code: the code holds the booth app's address with "#visitor=<token>". */
export const tokenOfCode = (code: string) => /[#?&]visitor=([\w.-]+)/.exec(code)?.[1] ?? code.trim()

/**
 * Syncs one capture from the stand. Idempotent: a client id seen before answers "replayed" and stores
 * nothing. Otherwise the visitor is found (the QR token's contact; for the form, the pool by e-mail; a new
 * contact only when none has it, with a duplicate suggestion when name and company look like one), the
 * fair's row for them is created or merged field by field, a new visitor records fair_visit (and
 * fair_capture for the form) in the event path, a hot rating hands the lead over with the scoring model's
 * SLA, and consent collected at the stand starts the usual double opt-in through the fair's web form.
 */
export async function syncCapture(deps: FairSyncDeps, who: Caller, fair: FairRow, raw: unknown): Promise<SyncResult> {
  const rawId = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : '00000000-0000-0000-0000-000000000000'
  const parsed = captureSchema.safeParse(raw)
  if (!parsed.success) {
    const error = invalidInput(parsed.error)
    return rejected(rawId, error.field ?? 'body', error.message)
  }
  const capture = parsed.data
  const { sql } = deps
  const earlier = await syncedCapture(sql, capture.id)
  if (earlier) return result(capture.id, { outcome: 'replayed', captureId: earlier.capture_id, contactId: earlier.contact_id })

  // Every field carries its time; the server adds who changed it.
  const incoming: CapturedFields = Object.fromEntries(Object.entries(capture.fields).map(([name, field]) => [name, { ...field!, by: who.sub }]))
  let contactId: string
  let duplicateSuggested = false
  if (capture.source === 'scan') {
    const checked = checkFairToken(deps.tokens, 'fair_visitor', tokenOfCode(capture.token!))
    if (!checked.ok) return rejected(capture.id, 'token', checked.reason === 'expired' ? 'token: the QR code has expired' : 'token: not a visitor code of this system')
    if (checked.fairId !== fair.id) return rejected(capture.id, 'token', 'token: the QR code is for another fair')
    contactId = checked.contactId
  } else {
    const found = await findOrCreateVisitor(sql, fair, capture.email!, incoming)
    contactId = found.contactId
    duplicateSuggested = found.duplicateSuggested
  }

  let handover: NewHandover | null = null
  const stored = await sql.begin(async (sql) => {
    // One visitor row per fair and contact, whichever rep syncs first.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`fair:${fair.id}:${contactId}`}, 0))`
    if (await syncedCapture(sql, capture.id)) return null
    const row = await captureForUpdate(sql, fair.id, contactId)
    let captureId: string
    let changed: string[]
    let fields: CapturedFields
    if (row) {
      ;({ fields, changed } = mergeCapturedFields(row.fields, incoming))
      captureId = row.id
      await updateCaptureFields(sql, captureId, fields)
    } else {
      fields = incoming
      changed = Object.keys(incoming)
      captureId = await insertCapture(sql, { accountId: fair.account_id, fairId: fair.id, contactId, source: capture.source, fields, by: who.sub })
      const facts = { fairId: fair.id, campaignId: fair.campaign_id, fair: fair.name, captureId, source: capture.source }
      // The fair's event path: campaigns trigger on fair_visit and fair_capture.
      await sql`insert into events (account_id, contact_id, type, properties, source, occurred_at)
        values (${fair.account_id}, ${contactId}, 'fair_visit', ${sql.json(facts)}, 'fair', ${new Date(capture.capturedAt)})`
      // Reporting's touch of the fair's campaign (kind fair_scan; reporting folds these events, not fair_visit).
      await sql`insert into events (account_id, contact_id, type, properties, source, occurred_at)
        values (${fair.account_id}, ${contactId}, 'fair_scan', ${sql.json(facts)}, 'fair', ${new Date(capture.capturedAt)})`
      if (capture.source === 'form') {
        await sql`insert into events (account_id, contact_id, type, properties, source, occurred_at)
          values (${fair.account_id}, ${contactId}, 'fair_capture', ${sql.json(facts)}, 'fair', ${new Date(capture.capturedAt)})`
      }
    }
    await noteCaptureId(sql, capture.id, captureId, who.sub, capture.device)
    if (capture.source === 'scan') await markMeetingHeld(sql, fair.id, contactId, new Date(capture.capturedAt))
    await applyToContact(sql, contactId, fields, changed)
    if (changed.includes('rating') && valueOf(fields, 'rating') === 'hot' && !row?.handover_id) {
      handover = await handOver(sql, fair, contactId)
      if (handover) await noteCaptureHandover(sql, captureId, handover.handoverId)
    }
    return { captureId, merged: !!row, consentTaken: !!row?.consent_submission_id }
  })
  if (!stored) {
    const again = await syncedCapture(sql, capture.id)
    return result(capture.id, { outcome: 'replayed', captureId: again?.capture_id ?? null, contactId })
  }
  const started = handover as NewHandover | null
  if (started) await startHandoverWorkflow(sql, deps.client, deps.taskQueue, started)

  let doubleOptIn: SyncResult['doubleOptIn'] = 'not_requested'
  if (capture.consent && !stored.consentTaken) {
    const outcome = await startConsent(deps, who, fair, contactId, stored.captureId, capture)
    if ('error' in outcome) return { ...result(capture.id, { outcome: stored.merged ? 'merged' : 'stored', captureId: stored.captureId, contactId }), error: outcome.error }
    doubleOptIn = outcome.doubleOptIn
  }
  deps.dispatcher.kick()
  return result(capture.id, { outcome: stored.merged ? 'merged' : 'stored', captureId: stored.captureId, contactId, duplicateSuggested, handoverId: started?.handoverId ?? null, doubleOptIn })
}

/** The pool's contact with this e-mail; only when there is none a new one, with a suggestion when it looks like someone known. */
async function findOrCreateVisitor(sql: Sql, fair: FairRow, email: string, fields: CapturedFields): Promise<{ contactId: string; duplicateSuggested: boolean }> {
  const match = await findContactMatch(sql, fair.account_id, { email })
  if (match) return { contactId: match.contactId, duplicateSuggested: false }
  const first = valueOf<string>(fields, 'firstName') ?? null
  const last = valueOf<string>(fields, 'lastName') ?? null
  const company = valueOf<string>(fields, 'company') ?? null
  const [created] = await sql<{ id: string }[]>`
    insert into contacts (account_id, subsidiary_id, email, first_name, last_name, company, locale, consent_status)
    select ${fair.account_id}, ${fair.subsidiary_id}, ${email}, ${first}, ${last}, ${company}, s.locale, 'none' from subsidiaries s where s.id = ${fair.subsidiary_id}
    on conflict (account_id, lower(email)) do nothing returning id`
  if (!created) return { contactId: (await findContactMatch(sql, fair.account_id, { email }))!.contactId, duplicateSuggested: false }
  if (!last || !company) return { contactId: created.id, duplicateSuggested: false }
  // Another address for someone the pool knows (same last name and company): a person decides, nothing is merged blindly.
  const [lookAlike] = await sql<{ id: string; email: string }[]>`
    select id, email from contacts where account_id = ${fair.account_id} and id <> ${created.id}
      and lower(last_name) = lower(${last}) and lower(company) = lower(${company}) limit 1`
  if (!lookAlike) return { contactId: created.id, duplicateSuggested: false }
  await suggestDuplicate(sql, { accountId: fair.account_id, a: lookAlike.id, b: created.id, rule: 'fuzzy', score: 0.8, evidence: { lastName: last, company, via: `fair ${fair.name}` } })
  return { contactId: created.id, duplicateSuggested: true }
}

/** What the rep checked on the spot goes onto the contact: names and company, the phone, and the tags. */
async function applyToContact(sql: Sql | import('postgres').TransactionSql, contactId: string, fields: CapturedFields, changed: string[]): Promise<void> {
  if (!changed.length) return
  const set = (name: string) => (changed.includes(name) ? (valueOf<string>(fields, name) ?? null) : null)
  const tags = changed.includes('tags') ? (valueOf<string[]>(fields, 'tags') ?? []) : []
  const phone = set('phone')
  await sql`
    update contacts set first_name = coalesce(${set('firstName')}, first_name), last_name = coalesce(${set('lastName')}, last_name),
      company = coalesce(${set('company')}, company),
      tags = (select coalesce(array_agg(distinct t), '{}') from unnest(tags || ${tags}::text[]) t),
      attributes = case when ${phone}::text is null then attributes else attributes || jsonb_build_object('phone', ${phone}::text) end,
      updated_at = now()
    where id = ${contactId}`
}

/** A hot lead goes to sales like any other: the scoring model's SLA, the handover workflow, its routing. */
async function handOver(sql: import('postgres').TransactionSql, fair: FairRow, contactId: string): Promise<NewHandover | null> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`score:${contactId}`}, 0))`
  const [score] = await sql<{ profile_grade: string; activity_level: number }[]>`select profile_grade, activity_level from contact_scores where contact_id = ${contactId}`
  const { model } = await currentScoringModel(sql, fair.account_id)
  const cell = score ? `${score.profile_grade}${score.activity_level}` : '-'
  const created = await createHandover(sql, { accountId: fair.account_id, contactId, cell, source: 'campaign_step', campaignId: fair.campaign_id, sla: model.handover.sla })
  if (created) await sql`update contact_scores set qualified = true where contact_id = ${contactId}`
  return created
}

/** "Start double opt-in" at the stand: a submission of the fair's web form (text version shown, rep, device, time), then the usual confirmation mail. */
async function startConsent(
  deps: FairSyncDeps,
  who: Caller,
  fair: FairRow,
  contactId: string,
  captureId: string,
  capture: { id: string; device: string; consent?: { textVersion: number; locale: string; collectedAt: string } },
): Promise<{ doubleOptIn: SyncResult['doubleOptIn'] } | { error: { field: string; message: string } }> {
  const { sql } = deps
  if (!fair.web_form_id) return { error: { field: 'consent', message: 'consent: this fair has no consent form; ask marketing to set one up' } }
  const [form] = await sql<FormRow[]>`
    select f.id, f.account_id, f.public_key, f.name, f.asset_url, f.consent_purpose, f.consent_version, f.double_opt_in, f.subsidiary_id, coalesce(s.locale, 'de') as locale
    from web_forms f join subsidiaries s on s.id = f.subsidiary_id where f.id = ${fair.web_form_id}`
  const [contact] = await sql<{ email: string }[]>`select email from contacts where id = ${contactId}`
  const consent = { ...capture.consent!, collectedBy: who.sub, collectedByName: who.name, device: capture.device, fairId: fair.id }
  const stored = await storeSubmission(sql, form!, { email: contact!.email, consent: true, consentVersion: capture.consent!.textVersion }, { fairConsent: consent }, {
    requestId: `fair-capture:${capture.id}`,
    ip: null,
    userAgent: capture.device,
  })
  if ('status' in stored) return { error: { field: stored.field ?? 'consent', message: stored.message } }
  await noteCaptureConsent(sql, captureId, consent, stored.submissionId)
  if (stored.confirmationStatus !== 'pending') return { doubleOptIn: stored.alreadyGranted ? 'already_granted' : 'not_requested' }
  await deps.client.workflow
    .start<typeof doubleOptInMail>('doubleOptInMail', {
      taskQueue: deps.taskQueue,
      workflowId: doubleOptInWorkflowId(stored.submissionId),
      args: [{ submissionId: stored.submissionId, expiresAt: new Date(stored.createdAt.getTime() + deps.doubleOptInValidForMs).toISOString() }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    })
    .catch((error: Error) => {
      if (error.name !== 'WorkflowExecutionAlreadyStartedError') throw error
    })
  return { doubleOptIn: 'confirmation_sent' }
}
