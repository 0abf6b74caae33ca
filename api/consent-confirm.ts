import { Router, urlencoded, type Request, type Response } from 'express'
import type { Sql } from 'postgres'
import { setConsent } from '../db/contacts'
import { lockSubmissionToConfirm, submissionLocale } from '../db/form-submissions'
import type { ConfirmPayload } from '../activities/confirmation-mail'
import { escapeHtml, publicPage, textsFor } from '../templates/confirmation-texts'
import { formAsset, judgeTrackingRequest } from '../tracking/machine'
import { rememberContact } from '../tracking/visitors'
import { rejectUnstorableBody } from './input-guard'
import { cookieOptions, type TrackingDeps } from './tracking'

// Confirming sets the same cookies as a tracked click, so it needs what the tracking routes need.
type ConfirmDeps = TrackingDeps

type Confirmation =
  | { outcome: 'confirmed' | 'already_confirmed'; locale: string; accountId: string; contactId: string }
  | { outcome: 'gone' }

/**
 * The double opt-in link: GET /f/confirm/:token confirms (one click from the mail), POST does the same
 * from the button shown to link scanners, which must not give consent on someone's behalf. Confirming
 * records the proof (consent_records), sets the contact's consent to granted and records a
 * `double_opt_in_confirmed` event; confirming twice changes nothing. Forged → 400, expired → 410.
 */
export function confirmRoutes(deps: ConfirmDeps): Router {
  const router = Router()

  const handle = async (req: Request, res: Response) => {
    const payload = deps.tokens.verify<ConfirmPayload>('confirm', req.params.token as string)
    const de = textsFor('de')
    if (!payload?.s || typeof payload.x !== 'number') {
      return void res.status(400).type('html').send(publicPage('de', de.invalidTitle, [de.invalidBody]))
    }
    if (payload.x * 1000 < Date.now()) {
      const locale = await submissionLocale(deps.sql, payload.s)
      const t = textsFor(locale ?? undefined)
      return void res.status(410).type('html').send(publicPage(locale ?? 'de', t.expiredTitle, [t.expiredBody]))
    }
    if (req.method !== 'POST') {
      const verdict = judgeTrackingRequest(
        { kind: 'click', method: req.method, userAgent: req.header('user-agent'), ip: req.ip, sinceDeliveryMs: null, otherLinksClickedInBurst: 0 },
        { clickAfterDeliveryMs: 0, clickBurstMs: 0 },
      )
      if (verdict.machine) return void res.type('html').send(publicPage('de', de.subject, [], `<form method="post"><button type="submit">${escapeHtml(de.button)}</button></form>`))
    }
    const result = await confirm(deps.sql, payload.s, { ip: req.ip ?? null, userAgent: req.header('user-agent') ?? null })
    if (result.outcome === 'gone') return void res.status(404).type('html').send(publicPage('de', de.invalidTitle, [de.invalidBody]))
    deps.dispatcher.kick()
    rememberContact(res, deps.tokens, { a: result.accountId, c: result.contactId }, cookieOptions(deps))
    const t = textsFor(result.locale)
    res.type('html').send(publicPage(result.locale, t.confirmedTitle, [t.confirmedBody]))
  }

  router.get('/f/confirm/:token', handle)
  router.post('/f/confirm/:token', urlencoded({ extended: false }), rejectUnstorableBody, handle)
  return router
}

async function confirm(sql: Sql, submissionId: string, request: { ip: string | null; userAgent: string | null }): Promise<Confirmation> {
  return sql.begin(async (sql) => {
    const row = await lockSubmissionToConfirm(sql, submissionId)
    if (!row?.contact_id || !row.consent_text_id) return { outcome: 'gone' }
    const base = { locale: row.locale, accountId: row.account_id, contactId: row.contact_id }
    if (row.confirmed_at) return { outcome: 'already_confirmed', ...base }
    const source = `form:${row.public_key}`
    await sql`
      insert into consent_records (account_id, contact_id, submission_id, purpose, status, source, consent_text_id,
                                   requested_at, requested_ip, requested_user_agent, confirmed_ip, confirmed_user_agent)
      values (${row.account_id}, ${row.contact_id}, ${submissionId}, ${row.consent_purpose}, 'granted', ${source}, ${row.consent_text_id},
              ${row.created_at}, ${row.ip}, ${row.user_agent}, ${request.ip}, ${request.userAgent})`
    await sql`update form_submissions set confirmed_at = now() where id = ${submissionId}`
    await setConsent(sql, row.contact_id, 'granted', `double opt-in (${source}, consent text v${row.version})`)
    await sql`
      insert into events (account_id, contact_id, type, properties, source)
      values (${row.account_id}, ${row.contact_id}, 'double_opt_in_confirmed',
              ${sql.json({ formKey: row.public_key, formId: row.form_id, submissionId, consentTextVersion: row.version, ...formAsset(row.asset_url) })}, 'form')`
    return { outcome: 'confirmed', ...base }
  })
}
