import type { Client } from '@temporalio/client'
import type { Sql, TransactionSql } from 'postgres'
import type { TokenSigner } from '../tracking/tokens'
import { findContactMatch, suggestDuplicate } from '../db/duplicates'
import { applyCapturedToContact, insertVisitorContact, lookAlikeContact, visitorEmail } from '../db/contacts'
import {
  captureForUpdate, insertCapture, lockedScoreCell, lockVisitor, markQualified, noteCaptureConsent, noteCaptureHandover, noteCaptureId, recordFairVisit, syncedCapture, updateCaptureFields,
} from '../db/fair-captures'
import { crmConnection } from '../db/crm'
import { fairConsentForm, markMeetingHeld, type FairRow } from '../db/fairs'
import { startContactPush } from '../engine/crm-client'
import type { EventDispatcher } from '../engine/dispatcher'
import { startHandoverWorkflow } from '../engine/scoring/handover-client'
import { createHandover, type NewHandover } from '../engine/scoring/handover-store'
import { currentScoringModel } from '../engine/scoring/model-store'
import { doubleOptInWorkflowId, type doubleOptInMail } from '../engine/workflows/double-opt-in'
import { mergeCapturedFields, valueOf, type CapturedField, type CapturedFields } from './merge'
import { checkFairToken } from './tokens'

/** One capture from the stand, as the route has validated it (api/contract/fairs.ts captureSchema). */
export interface StandCapture {
  id: string
  source: 'scan' | 'form'
  token?: string
  email?: string
  device: string
  capturedAt: string
  fields: Record<string, CapturedField | undefined>
  consent?: { textVersion: number; locale: string; collectedAt: string }
}

/** How one capture was answered (the contract's sync result). */
export interface SyncResult {
  id: string
  outcome: 'stored' | 'merged' | 'replayed' | 'rejected'
  captureId: string | null
  contactId: string | null
  duplicateSuggested: boolean
  handoverId: string | null
  doubleOptIn: 'confirmation_sent' | 'already_granted' | 'not_requested'
  error: { field: string; message: string } | null
}

/** The signed-in rep who synced it. */
export interface CapturingRep {
  sub: string
  name: string | null
}

/** The fair's web form as the form submission store needs it. */
export type ConsentForm = NonNullable<Awaited<ReturnType<typeof fairConsentForm>>>

/**
 * Stores consent collected at the stand as a submission of the fair's web form: the same store web forms
 * use (api/form-submission.ts storeSubmission), passed in by the route so the consent proof has one path.
 */
export type SubmitConsent = (
  form: ConsentForm,
  posted: { email: string; consent: true; consentVersion: number },
  extra: Record<string, unknown>,
  request: { requestId: string; ip: null; userAgent: string },
) => Promise<{ submissionId: string; createdAt: Date; alreadyGranted: boolean; confirmationStatus: string } | { status: number; field?: string; message: string }>

export interface FairSyncDeps {
  sql: Sql
  client: Client
  taskQueue: string
  tokens: TokenSigner
  dispatcher: EventDispatcher
  submitConsent: SubmitConsent
  /** How long the double opt-in link of consent collected at the stand works. */
  doubleOptInValidForMs: number
}

export const syncResult = (id: string, rest: Partial<SyncResult>): SyncResult => ({
  id, outcome: 'stored', captureId: null, contactId: null, duplicateSuggested: false, handoverId: null, doubleOptIn: 'not_requested', error: null, ...rest,
})
export const rejectedCapture = (id: string, field: string, message: string) => syncResult(id, { outcome: 'rejected', error: { field, message } })
const result = syncResult
const rejected = rejectedCapture

/** The token in a scanned QR code: the code holds the booth app's address with "#visitor=<token>". */
export const tokenOfCode = (code: string) => /[#?&]visitor=([\w.-]+)/.exec(code)?.[1] ?? code.trim()

/**
 * Syncs one capture from the stand. Idempotent: a client id seen before answers "replayed" and stores
 * nothing. Otherwise the visitor is found (the QR token's contact; for the form, the pool by e-mail; a new
 * contact only when none has it, with a duplicate suggestion when name and company look like one), the
 * fair's row for them is created or merged field by field, a new visitor records fair_visit (and
 * fair_capture for the form) in the event path, a hot rating hands the lead over with the scoring model's
 * SLA, a connected CRM gets the contact at once (engine/workflows/crm-contact-push.ts), and consent collected at the stand starts the usual double opt-in through the fair's web form.
 */
export async function syncCapture(deps: FairSyncDeps, who: CapturingRep, fair: FairRow, capture: StandCapture): Promise<SyncResult> {
  const { sql } = deps
  const earlier = await syncedCapture(sql, capture.id)
  if (earlier) return result(capture.id, { outcome: 'replayed', captureId: earlier.capture_id, contactId: earlier.contact_id })

  // Every field carries its time; the server adds who changed it.
  const incoming: CapturedFields = Object.fromEntries(Object.entries(capture.fields).filter((entry): entry is [string, CapturedField] => !!entry[1]).map(([name, field]) => [name, { ...field, by: who.sub }]))
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
    await lockVisitor(sql, fair.id, contactId)
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
      // The fair's event path: campaigns trigger on fair_visit and fair_capture, reporting counts the visit.
      const facts = { fairId: fair.id, campaignId: fair.campaign_id, fair: fair.name, captureId, source: capture.source }
      await recordFairVisit(sql, { accountId: fair.account_id, contactId, source: capture.source, at: new Date(capture.capturedAt), facts })
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
  // With a CRM connected, the visitor goes there now (on-demand outbound push), not with the next scheduled sync.
  if ((await crmConnection(sql, fair.account_id))?.enabled) await startContactPush(deps.client, deps.taskQueue, { accountId: fair.account_id, contactId })

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
  const created = await insertVisitorContact(sql, { accountId: fair.account_id, subsidiaryId: fair.subsidiary_id, email, firstName: first, lastName: last, company })
  if (!created) return { contactId: (await findContactMatch(sql, fair.account_id, { email }))!.contactId, duplicateSuggested: false }
  if (!last || !company) return { contactId: created, duplicateSuggested: false }
  // Another address for someone the pool knows (same last name and company): a person decides, nothing is merged blindly.
  const lookAlike = await lookAlikeContact(sql, fair.account_id, created, last, company)
  if (!lookAlike) return { contactId: created, duplicateSuggested: false }
  await suggestDuplicate(sql, { accountId: fair.account_id, a: lookAlike, b: created, rule: 'fuzzy', score: 0.8, evidence: { lastName: last, company, via: `fair ${fair.name}` } })
  return { contactId: created, duplicateSuggested: true }
}

/** What the rep checked on the spot goes onto the contact: names and company, the phone, and the tags. */
async function applyToContact(sql: Sql | TransactionSql, contactId: string, fields: CapturedFields, changed: string[]): Promise<void> {
  if (!changed.length) return
  const set = (name: string) => (changed.includes(name) ? (valueOf<string>(fields, name) ?? null) : null)
  const tags = changed.includes('tags') ? (valueOf<string[]>(fields, 'tags') ?? []) : []
  await applyCapturedToContact(sql, contactId, { firstName: set('firstName'), lastName: set('lastName'), company: set('company'), phone: set('phone'), tags })
}

/** A hot lead goes to sales like any other: the scoring model's SLA, the handover workflow, its routing. */
async function handOver(sql: TransactionSql, fair: FairRow, contactId: string): Promise<NewHandover | null> {
  const cell = await lockedScoreCell(sql, contactId)
  const { model } = await currentScoringModel(sql, fair.account_id)
  const created = await createHandover(sql, { accountId: fair.account_id, contactId, cell, source: 'campaign_step', campaignId: fair.campaign_id, sla: model.handover.sla })
  if (created) await markQualified(sql, contactId)
  return created
}

/** "Start double opt-in" at the stand: a submission of the fair's web form (text version shown, rep, device, time), then the usual confirmation mail. */
async function startConsent(
  deps: FairSyncDeps,
  who: CapturingRep,
  fair: FairRow,
  contactId: string,
  captureId: string,
  capture: { id: string; device: string; consent?: { textVersion: number; locale: string; collectedAt: string } },
): Promise<{ doubleOptIn: SyncResult['doubleOptIn'] } | { error: { field: string; message: string } }> {
  const { sql } = deps
  if (!fair.web_form_id) return { error: { field: 'consent', message: 'consent: this fair has no consent form; ask marketing to set one up' } }
  const form = await fairConsentForm(sql, fair.web_form_id)
  if (!form) return { error: { field: 'consent', message: 'consent: this fair has no consent form; ask marketing to set one up' } }
  const email = await visitorEmail(sql, contactId)
  const consent = { ...capture.consent!, collectedBy: who.sub, collectedByName: who.name, device: capture.device, fairId: fair.id }
  const stored = await deps.submitConsent(form, { email, consent: true, consentVersion: capture.consent!.textVersion }, { fairConsent: consent }, {
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
