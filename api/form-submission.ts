import type { Sql } from 'postgres'
import { fillFromForm, insertFormContact, lockContactByEmail } from '../db/contact-intake'
import { earlierSubmission } from '../db/form-submissions'
import { downloadAsset, formAsset } from '../tracking/machine'
import type { ApiError } from './errors'
import { z } from 'zod'
import { emailAddress, int4Param } from './input-schemas'

const CHECKED = new Set(['on', 'true', 'yes', '1', 'ja', 'oui', 'si', 'sí'])
const text = (max: number) => z.string().trim().max(max).optional()

// Web forms post snake_case or camelCase, and empty inputs as "": both are read the same way.
export const formInput = z.object({
  email: emailAddress(),
  firstName: text(100),
  lastName: text(100),
  company: text(200),
  salutation: z.enum(['mr', 'ms', 'none'], 'mr, ms or none').optional(),
  consent: z.union([z.boolean(), z.string()]).optional().transform((v) => v === true || CHECKED.has(String(v ?? '').toLowerCase())),
  consentVersion: int4Param().positive('a consent text version number').optional(),
  requestId: z.string().min(1).max(200).optional(),
  visitorId: z.string().max(64).optional(),
})
export type FormInput = z.output<typeof formInput>

export interface FormRow {
  id: string
  account_id: string
  public_key: string
  name: string
  asset_url: string | null
  consent_purpose: string
  /** The consent text version the form shows; null: the newest of its purpose. */
  consent_version: number | null
  /** Off: the form asks for no marketing consent (no confirmation mail); it still records the contact and events. */
  double_opt_in: boolean
  subsidiary_id: string
  locale: string
}

export interface StoredSubmission {
  submissionId: string
  contactId: string
  createdAt: Date
  /** The contact's language (their subsidiary's): the pages and the confirmation mail use it. */
  locale: string
  consentRequested: boolean
  alreadyGranted: boolean
  confirmationStatus: string
  /** The same form and request id came before: nothing new was stored. */
  replayed: boolean
}

interface RequestFacts {
  requestId: string
  ip: string | null
  userAgent: string | null
}

/**
 * Stores one form submission in one transaction: the contact (created, or only its empty fields filled
 * in), consent set to pending when asked for and not yet granted, the submission with the consent text
 * version shown, and the `form` event (plus `download` when the form delivers an asset). A request id
 * seen before returns the earlier submission unchanged.
 */
export async function storeSubmission(
  sql: Sql,
  form: FormRow,
  posted: FormInput,
  extra: Record<string, unknown>,
  request: RequestFacts,
  // A consent request the product sends itself (a CRM contact asked for double opt-in) is no form the
  // person filled in: no `form`/`download` event, so no campaign starts on it.
  options: { events?: boolean } = {},
): Promise<StoredSubmission | ApiError> {
  // A form without double opt-in collects no consent, whatever box a page may post.
  const input = { ...posted, consent: posted.consent && form.double_opt_in, consentVersion: posted.consentVersion ?? form.consent_version ?? undefined }
  return sql.begin(async (sql) => {
    // Concurrent posts of the same request serialise here, so only one stores anything.
    await sql`select pg_advisory_xact_lock(hashtext(${form.id + request.requestId}))`
    const earlier = await earlierSubmission(sql, form.id, request.requestId)
    if (earlier) {
      const consentRequested = earlier.consent_text_id !== null
      return {
        submissionId: earlier.id, contactId: earlier.contact_id, createdAt: earlier.created_at, locale: earlier.locale, consentRequested,
        alreadyGranted: consentRequested && earlier.confirmation_status === 'not_needed', confirmationStatus: earlier.confirmation_status, replayed: true,
      }
    }

    let consentTextId: string | null = null
    if (input.consent) {
      // The wording shown on the form (its version, in the form's language) is what the proof names.
      const [text] = await sql<{ id: string }[]>`
        select id from consent_texts
        where account_id = ${form.account_id} and purpose = ${form.consent_purpose}
          and (${input.consentVersion ?? null}::int is null or version = ${input.consentVersion ?? null})
        order by version desc, (locale = ${form.locale}) desc, (locale = 'en') desc limit 1`
      if (!text) {
        return { status: 400, code: 'invalid_input', field: 'consent_version', message: input.consentVersion ? `consent_version: no consent text version ${input.consentVersion}` : 'consent_version: this form has no consent text yet' } as ApiError
      }
      consentTextId = text.id
    }

    const findContact = () => lockContactByEmail(sql, form.account_id, input.email)
    let existing = await findContact()
    let contactId: string | undefined
    let locale = form.locale
    if (!existing) {
      // Two first submissions for one new address at once: one creates the contact, the other takes it.
      const created = await insertFormContact(sql, {
        accountId: form.account_id, subsidiaryId: form.subsidiary_id, email: input.email, locale: form.locale, consentRequested: input.consent,
        firstName: input.firstName ?? null, lastName: input.lastName ?? null, salutation: input.salutation ?? null, company: input.company ?? null,
      })
      if (created) contactId = created
      else existing = await findContact()
    }
    const alreadyGranted = existing?.consent_status === 'granted'
    if (existing) {
      contactId = existing.id
      locale = existing.locale
      await fillFromForm(sql, existing.id, {
        firstName: input.firstName ?? null, lastName: input.lastName ?? null, salutation: input.salutation ?? null, company: input.company ?? null, consentRequested: input.consent,
      })
    }
    if (!contactId) throw new Error(`contact ${input.email} neither created nor found`)

    const confirmationStatus = input.consent && !alreadyGranted ? 'pending' : 'not_needed'
    const fields = { email: input.email, firstName: input.firstName, lastName: input.lastName, company: input.company, salutation: input.salutation, consent: input.consent, ...extra }
    const [submission] = await sql<{ id: string; created_at: Date }[]>`
      insert into form_submissions (account_id, form_id, contact_id, request_id, consent_text_id, ip, user_agent, fields, confirmation_status)
      values (${form.account_id}, ${form.id}, ${contactId}, ${request.requestId}, ${consentTextId}, ${request.ip}, ${request.userAgent},
              ${sql.json(JSON.parse(JSON.stringify(fields)))}, ${confirmationStatus})
      returning id, created_at`
    const facts = { formKey: form.public_key, formId: form.id, submissionId: submission!.id, ...formAsset(form.asset_url) }
    if (options.events === false) return { submissionId: submission!.id, contactId, createdAt: submission!.created_at, locale, consentRequested: input.consent, alreadyGranted, confirmationStatus, replayed: false }
    await sql`
      insert into events (account_id, contact_id, type, properties, source)
      values (${form.account_id}, ${contactId}, 'form', ${sql.json({ ...facts, consentRequested: input.consent })}, 'form')`
    if (form.asset_url) {
      await sql`
        insert into events (account_id, contact_id, type, properties, source)
        values (${form.account_id}, ${contactId}, 'download', ${sql.json({ ...facts, url: form.asset_url, asset: downloadAsset(form.asset_url, 'download') })}, 'form')`
    }
    return { submissionId: submission!.id, contactId, createdAt: submission!.created_at, locale, consentRequested: input.consent, alreadyGranted, confirmationStatus, replayed: false }
  })
}
