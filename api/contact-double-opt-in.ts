import type { Client } from '@temporalio/client'
import type { Router } from 'express'
import type { Sql } from 'postgres'
import { contactWithSubsidiary } from '../db/contact-lookups'
import { doubleOptInWorkflowId, type doubleOptInMail } from '../engine/workflows/double-opt-in'
import type { TrackingConfig } from '../server/config'
import { poolFilter } from './contact-edits'
import { contactData } from './contract/contact-data'
import { route } from './contract/mount'
import { notFound } from './errors'
import { storeSubmission, type FormRow } from './form-submission'
import { DEFAULT_TRACKING } from './tracking'

// "Ask for consent" on a contact's profile: a contact that came from the CRM (or an import) without
// consent gets the same double opt-in mail a web form sends, through a form of its subsidiary, so the
// proof is our own (consent text version, request, confirmation click). Declared in ./contract/contact-data.

export interface DoubleOptInDeps {
  sql: Sql
  client: Client
  taskQueue: string
  tracking?: TrackingConfig
}

export function contactDoubleOptInRoutes(router: Router, deps: DoubleOptInDeps): void {
  const { sql } = deps
  const validForMs = (deps.tracking ?? DEFAULT_TRACKING).doubleOptInValidForMs

  route(router, contactData.doubleOptIn, async ({ params, body, who, req }) => {
    const contact = await contactWithSubsidiary(sql, who.acc, { id: params.id }, poolFilter(sql, who))
    if (!contact) return notFound('contact')
    if (contact.consent_status === 'revoked') {
      return { status: 409, code: 'consent_revoked', field: 'id', message: 'id: this contact unsubscribed; only they can give consent again (through a form)' }
    }
    if (contact.consent_status === 'granted') return { status: 202, body: { doubleOptIn: 'already_granted' as const, submissionId: null, form: null } }
    // The form's consent text and its language are what the proof names: one with double opt-in, of the
    // contact's subsidiary first.
    const [form] = await sql<FormRow[]>`
      select f.id, f.account_id, f.public_key, f.name, f.asset_url, f.consent_purpose, f.consent_version, f.double_opt_in, f.subsidiary_id, coalesce(s.locale, 'de') as locale
      from web_forms f join subsidiaries s on s.id = f.subsidiary_id
      where f.account_id = ${who.acc} and f.double_opt_in and ${body.formKey ? sql`f.public_key = ${body.formKey}` : sql`true`}
        and exists (select 1 from consent_texts t where t.account_id = f.account_id and t.purpose = f.consent_purpose)
      order by (f.subsidiary_id = ${contact.subsidiary_id}) desc, f.created_at desc limit 1`
    if (!form) {
      return body.formKey
        ? { status: 409, code: 'no_consent_form', field: 'formKey', message: `formKey: no web form "${body.formKey}" with double opt-in and a consent text` }
        : { status: 409, code: 'no_consent_form', field: 'formKey', message: 'formKey: no web form with double opt-in and a consent text yet; create one under Forms' }
    }
    // One request per contact and day: a second click joins the first, so at most one mail goes out.
    const day = new Date().toISOString().slice(0, 10)
    const stored = await storeSubmission(sql, form, { email: contact.email, consent: true }, { requestedBy: who.sub }, { requestId: `contact-doi:${contact.id}:${day}`, ip: req.ip ?? null, userAgent: req.header('user-agent') ?? null }, { events: false })
    if ('status' in stored) return stored
    if (stored.confirmationStatus === 'not_needed') return { status: 202, body: { doubleOptIn: 'already_granted' as const, submissionId: stored.submissionId, form: form.public_key } }
    await deps.client.workflow
      .start<typeof doubleOptInMail>('doubleOptInMail', {
        taskQueue: deps.taskQueue,
        workflowId: doubleOptInWorkflowId(stored.submissionId),
        args: [{ submissionId: stored.submissionId, expiresAt: new Date(stored.createdAt.getTime() + validForMs).toISOString() }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      })
      .catch((error: Error) => {
        if (error.name !== 'WorkflowExecutionAlreadyStartedError') throw error
      })
    return { status: 202, body: { doubleOptIn: 'confirmation_sent' as const, submissionId: stored.submissionId, form: form.public_key } }
  })
}
