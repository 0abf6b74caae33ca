import { randomUUID } from 'node:crypto'
import type { Client } from '@temporalio/client'
import { json, Router, urlencoded, type Response } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { escapeHtml, publicPage, textsFor } from '../templates/confirmation-texts'
import type { TokenSigner } from '../tracking/tokens'
import type { EventDispatcher } from '../engine/dispatcher'
import { doubleOptInWorkflowId, type doubleOptInMail, type DoubleOptInInputV1 } from '../engine/workflows/double-opt-in'
import type { TrackingConfig } from '../server/config'
import { downloadAsset } from '../tracking/machine'
import { identifyVisitor, rememberContact, visitorIdFrom } from '../tracking/visitors'
import { confirmRoutes } from './consent-confirm'
import { invalidInput, send, type ApiError } from './errors'
import { rejectUnstorableBody } from './input-guard'
import { emailAddress, int4Param } from './input-schemas'
import { publicCors } from './visits'
import { cookieOptions, DEFAULT_TRACKING } from './tracking'
import { formInput, storeSubmission, type FormInput, type FormRow, type StoredSubmission } from './form-submission'

export { formInput, type FormInput }

export interface FormDeps {
  sql: Sql
  client: Client
  taskQueue: string
  tokens: TokenSigner
  dispatcher: EventDispatcher
  log: (message: string) => void
  tracking?: TrackingConfig
  publicUrl?: string
}


const ALIASES: Record<string, string> = { first_name: 'firstName', last_name: 'lastName', consent_version: 'consentVersion', request_id: 'requestId', visitor_id: 'visitorId' }
const KNOWN = new Set(Object.keys(formInput.shape))

function normalise(body: unknown): { input: Record<string, unknown>; extra: Record<string, unknown> } {
  const input: Record<string, unknown> = {}
  const extra: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body && typeof body === 'object' ? body : {})) {
    const name = ALIASES[key] ?? key
    if (value === '' || value === null) continue
    // Fields the form has beyond ours (e.g. "interest") are kept with the submission, not on the contact.
    ;(KNOWN.has(name) ? input : extra)[name] = value
  }
  return { input, extra }
}

/**
 * Public web forms (the e-book download): POST /f/:formKey creates or updates the contact, records the
 * submission and a `form` (and `download`) event, delivers the asset at once and, when the visitor ticked
 * the consent box, starts the double opt-in mail. Unauthenticated: the form's key names account and
 * subsidiary; the contact is only ever filled in, never overwritten, by what a stranger can post.
 */
export function formRoutes(deps: FormDeps): Router {
  const router = Router()
  const validForMs = (deps.tracking ?? DEFAULT_TRACKING).doubleOptInValidForMs

  router.use('/f', publicCors)
  router.use(confirmRoutes(deps))
  router.post('/f/:formKey', urlencoded({ extended: false, limit: '32kb' }), json({ limit: '32kb' }), rejectUnstorableBody, async (req, res) => {
    const html = !req.is('application/json') && !req.accepts('json', 'html')?.toString().includes('json')
    const fail = (error: ApiError, locale = 'de') =>
      html ? void res.status(error.status).type('html').send(publicPage(locale, textsFor(locale).formErrorTitle, [error.message])) : send(res, error)

    const [form] = await deps.sql<(FormRow & { fields: { name: string; required: boolean }[] })[]>`
      select f.id, f.account_id, f.public_key, f.name, f.asset_url, f.consent_purpose, f.consent_version, f.double_opt_in, f.fields, f.subsidiary_id, s.locale
      from web_forms f join subsidiaries s on s.id = f.subsidiary_id where f.public_key = ${req.params.formKey}`
    if (!form) return fail({ status: 404, code: 'not_found', field: 'formKey', message: `formKey: no form "${req.params.formKey}"` })
    const { input, extra } = normalise(req.body)
    const parsed = formInput.safeParse(input)
    if (!parsed.success) return fail(invalidInput(parsed.error), form.locale)
    // The fields a marketer marked required on this form (api/form-admin.ts).
    const missing = form.fields.find((field) => field.required && input[field.name] === undefined && extra[field.name] === undefined)
    if (missing) return fail({ status: 400, code: 'invalid_input', field: missing.name, message: `${missing.name}: required on this form` }, form.locale)
    const requestId = parsed.data.requestId ?? req.header('idempotency-key') ?? randomUUID()

    const stored = await storeSubmission(deps.sql, form, parsed.data, extra, { requestId, ip: req.ip ?? null, userAgent: req.header('user-agent') ?? null })
    if ('status' in stored) return fail(stored, form.locale)

    const who = { a: form.account_id, c: stored.contactId }
    rememberContact(res, deps.tokens, who, cookieOptions(deps))
    const visitorId = visitorIdFrom(req, parsed.data.visitorId)
    if (visitorId) await identifyVisitor(deps.sql, who, visitorId).catch((error) => deps.log(`visitor not identified: ${error}`))
    deps.dispatcher.kick()

    if (stored.confirmationStatus === 'pending') {
      try {
        await startDoubleOptIn(deps, { submissionId: stored.submissionId, expiresAt: new Date(stored.createdAt.getTime() + validForMs).toISOString() })
      } catch (error) {
        // Stored but not yet mailed: the same request id again (the browser's retry) starts the mail then.
        deps.log(`double opt-in mail not started for ${stored.submissionId}: ${error}`)
        return fail({ status: 409, code: 'retry', field: 'requestId', message: 'requestId: your request was saved but the confirmation mail could not be started yet; please send it again' }, stored.locale)
      }
    }
    respond(res, html, form, stored)
  })
  return router
}

function respond(res: Response, html: boolean, form: { public_key: string; name: string; asset_url: string | null }, stored: StoredSubmission) {
  const doubleOptIn = stored.consentRequested ? (stored.alreadyGranted ? 'already_granted' : 'confirmation_sent') : 'not_requested'
  const status = stored.replayed ? 200 : 201
  if (!html) return void res.status(status).json({ submissionId: stored.submissionId, doubleOptIn, downloadUrl: form.asset_url })
  const t = textsFor(stored.locale)
  const download = form.asset_url
    ? `<p><a id="download" href="${escapeHtml(form.asset_url)}" style="background:#0b4f8a;color:#fff;padding:10px 18px;text-decoration:none;border-radius:4px">${escapeHtml(t.download)}: ${escapeHtml(downloadAsset(form.asset_url, 'download') ?? form.name)}</a></p>`
    : ''
  const paragraphs = [doubleOptIn === 'confirmation_sent' ? t.submittedBody : t.submittedNoConsent]
  res.status(status).type('html').send(publicPage(stored.locale, t.submittedTitle, paragraphs, download))
}

async function startDoubleOptIn(deps: FormDeps, input: DoubleOptInInputV1): Promise<void> {
  await deps.client.workflow.start<typeof doubleOptInMail>('doubleOptInMail', {
    taskQueue: deps.taskQueue,
    workflowId: doubleOptInWorkflowId(input.submissionId),
    args: [input],
    // One mail per submission: a second start (the same request again) joins the first.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  }).catch((error: Error) => {
    if (error.name === 'WorkflowExecutionAlreadyStartedError') return
    throw error
  })
}
