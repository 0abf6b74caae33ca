import type { ISql, Sql } from 'postgres'

// Web form submissions (form_submissions): one row per request of a form, with the consent text it asked
// for and the confirmation of its double opt-in.

/** The language of the submission's contact (its subsidiary's), for the pages its confirmation link shows; null when gone. */
export async function submissionLocale(sql: ISql, submissionId: string): Promise<string | null> {
  const [row] = await (sql as Sql)<{ locale: string }[]>`
    select s.locale from form_submissions fs join contacts c on c.id = fs.contact_id join subsidiaries s on s.id = c.subsidiary_id where fs.id = ${submissionId}`
  return row?.locale ?? null
}

/** A submission whose double opt-in is being confirmed, with its form, consent text version and the contact's language. */
export interface SubmissionToConfirmRow {
  account_id: string
  contact_id: string | null
  form_id: string
  public_key: string
  consent_purpose: string
  consent_text_id: string | null
  version: number | null
  created_at: Date
  ip: string | null
  user_agent: string | null
  confirmed_at: Date | null
  locale: string
  asset_url: string | null
}

/** The submission locked for its confirmation's transaction; null when it (or its contact) is gone. */
export async function lockSubmissionToConfirm(sql: ISql, submissionId: string): Promise<SubmissionToConfirmRow | null> {
  const [row] = await (sql as Sql)<SubmissionToConfirmRow[]>`
    select fs.account_id, fs.contact_id, fs.form_id, f.public_key, f.asset_url, f.consent_purpose, fs.consent_text_id, ct.version, fs.created_at, fs.ip, fs.user_agent, fs.confirmed_at, s.locale
    from form_submissions fs
    join web_forms f on f.id = fs.form_id
    join contacts c on c.id = fs.contact_id
    join subsidiaries s on s.id = c.subsidiary_id
    left join consent_texts ct on ct.id = fs.consent_text_id
    where fs.id = ${submissionId}
    for update of fs`
  return row ?? null
}

/** A submission stored earlier for the same request of the form (a replayed post), with its contact's consent and language. */
export interface EarlierSubmissionRow {
  id: string
  contact_id: string
  created_at: Date
  confirmation_status: string
  consent_text_id: string | null
  consent_status: string
  locale: string
}

export async function earlierSubmission(sql: ISql, formId: string, requestId: string): Promise<EarlierSubmissionRow | null> {
  const [row] = await (sql as Sql)<EarlierSubmissionRow[]>`
    select fs.id, fs.contact_id, fs.created_at, fs.confirmation_status, fs.consent_text_id, c.consent_status, s.locale
    from form_submissions fs join contacts c on c.id = fs.contact_id join subsidiaries s on s.id = c.subsidiary_id
    where fs.form_id = ${formId} and fs.request_id = ${requestId}`
  return row ?? null
}
