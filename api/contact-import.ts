import type { Sql } from 'postgres'
import { z } from 'zod'
import { importBody, type ImportReasonCode } from './contract/contact-data'
import { findContactMatch, normaliseEmail, recordProvenance, suggestDuplicate } from '../db/duplicates'
import { upsertImportedContact } from '../db/contact-intake'
import { setConsent } from '../db/contacts'
import { detectSeparator, records } from './enrolment-csv'

// CSV import of contacts: a dry run classifies every row (new, updated, duplicate, rejected with the
// reason) and is stored; the commit imports exactly those rows in one transaction, so a bad file leaves
// nothing half-imported. Consent per row is marked as obtained outside, with its source.

const MAX_ROWS = 20_000
export { importBody }
export type ImportBody = z.infer<typeof importBody>

export type RowVerdict = 'new' | 'updated' | 'duplicate' | 'rejected'
export interface ImportRow {
  line: number
  verdict: RowVerdict
  /** English, for logs and API clients; the designer words `reasonCode` with `reasonValues` itself. */
  reason?: string
  reasonCode?: ImportReasonCode
  reasonValues?: Record<string, string>
  contactId?: string
  duplicateOf?: string
  values: { email: string; firstName: string | null; lastName: string | null; company: string | null; postalCode: string | null; country: string | null; subsidiary: string | null; consent: boolean | null; consentSource: string | null }
}

const emailSchema = z.email().max(254)
const YES = new Set(['yes', 'y', 'true', '1', 'ja', 'oui', 'si', 'sí', 'x'])
const NO = new Set(['no', 'n', 'false', '0', 'nein', 'non', ''])

/** Classifies every row against the pool; stores nothing but the verdicts. */
export async function checkImport(sql: Sql, accountId: string, body: ImportBody): Promise<{ ok: true; rows: ImportRow[] } | { ok: false; field: string; message: string }> {
  const separator = detectSeparator(body.csv.replace(/^\uFEFF/, ''))
  const parsed = records(body.csv.replace(/^\uFEFF/, ''), separator, MAX_ROWS + 1)
  if (parsed.unclosedAt) return { ok: false, field: 'csv', message: `csv: a quote opened on line ${parsed.unclosedAt} never closes` }
  const [header, ...data] = parsed.records
  if (!header) return { ok: false, field: 'csv', message: 'csv: the file is empty' }
  if (data.length > MAX_ROWS) return { ok: false, field: 'csv', message: `csv: more than ${MAX_ROWS} rows` }
  const columns = header.fields.map((f) => f.trim())
  const index: Record<string, number> = {}
  for (const [field, column] of Object.entries(body.mapping)) {
    if (!column) continue
    const at = columns.indexOf(column.trim())
    if (at < 0) return { ok: false, field: `mapping.${field}`, message: `mapping.${field}: the file has no column "${column}" (it has ${columns.join(', ')})` }
    index[field] = at
  }
  const subsidiaries = new Set((await sql<{ code: string }[]>`select code from subsidiaries where account_id = ${accountId}`).map((r) => r.code))
  const seen = new Map<string, number>()
  const rows: ImportRow[] = []
  for (const record of data) {
    if (record.fields.every((f) => !f.trim())) continue
    const get = (field: string) => (index[field] === undefined ? null : (record.fields[index[field]!] ?? '').trim() || null)
    const consentText = get('consent')?.toLowerCase() ?? null
    const values: ImportRow['values'] = {
      email: get('email') ?? '',
      firstName: get('firstName'),
      lastName: get('lastName'),
      company: get('company'),
      postalCode: get('postalCode'),
      country: get('country')?.toUpperCase() ?? null,
      subsidiary: get('subsidiary')?.toUpperCase() ?? null,
      consent: consentText === null ? null : YES.has(consentText) ? true : NO.has(consentText) ? false : null,
      consentSource: get('consentSource') ?? body.consentSource ?? null,
    }
    const reject = (code: ImportReasonCode, shown: Record<string, string> = {}) => rows.push({ line: record.line, verdict: 'rejected', ...reasonOf(code, shown), values })
    if (!values.email) { reject('no_email'); continue }
    if (!emailSchema.safeParse(values.email).success) { reject('not_an_email', { value: values.email }); continue }
    if (consentText !== null && values.consent === null) { reject('consent_unclear', { value: consentText }); continue }
    if (values.consent && !values.consentSource) { reject('consent_without_source'); continue }
    if (values.subsidiary && !subsidiaries.has(values.subsidiary)) { reject('unknown_subsidiary', { value: values.subsidiary }); continue }
    const key = normaliseEmail(values.email)
    if (seen.has(key)) { rows.push({ line: record.line, verdict: 'duplicate', ...reasonOf('same_in_file', { line: String(seen.get(key)) }), values }); continue }
    seen.set(key, record.line)
    const match = await findContactMatch(sql, accountId, { email: values.email })
    if (match) { rows.push({ line: record.line, verdict: 'updated', contactId: match.contactId, values }); continue }
    const lookAlike = await findContactMatch(sql, accountId, { firstName: values.firstName, lastName: values.lastName, company: values.company, postalCode: values.postalCode })
    if (lookAlike) rows.push({ line: record.line, verdict: 'duplicate', ...reasonOf('looks_like', { email: (lookAlike.evidence.emails as string[])[1]! }), duplicateOf: lookAlike.contactId, values })
    else rows.push({ line: record.line, verdict: 'new', values })
  }
  return { ok: true, rows }
}

/** The English wording of each reason (the designer's catalogue has it in all five languages). */
export const IMPORT_REASON_TEXTS: Record<ImportReasonCode, string> = {
  no_email: 'no e-mail',
  not_an_email: '"{value}" is not an e-mail address',
  consent_unclear: 'consent "{value}" is neither yes nor no',
  consent_without_source: 'consent without a source (a consent source column or consentSource)',
  unknown_subsidiary: 'no subsidiary "{value}"',
  same_in_file: 'same e-mail as line {line} of this file (merged into it)',
  looks_like: 'looks like an existing contact ({email}): imported, and suggested for a person to merge',
}

function reasonOf(code: ImportReasonCode, values: Record<string, string>): Pick<ImportRow, 'reason' | 'reasonCode' | 'reasonValues'> {
  return { reason: IMPORT_REASON_TEXTS[code].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? ''), reasonCode: code, reasonValues: values }
}

export function summarise(rows: ImportRow[]) {
  const count = (verdict: RowVerdict) => rows.filter((r) => r.verdict === verdict).length
  return { new: count('new'), updated: count('updated'), duplicates: count('duplicate'), rejected: count('rejected') }
}

/**
 * Imports the checked rows in one transaction (new, updated and look-alike rows; rejected rows and repeats
 * within the file are not imported). Progress goes to the import row on a separate connection, so it is
 * visible while the transaction runs; a failure rolls everything back.
 */
export async function commitImport(sql: Sql, input: { importId: string; accountId: string; actor: string }): Promise<{ ok: true; imported: number } | { ok: false; message: string }> {
  const [job] = await sql<{ rows: ImportRow[]; status: string }[]>`select rows, status from contact_imports where id = ${input.importId} and account_id = ${input.accountId} for update skip locked`
  if (!job || job.status !== 'checked') return { ok: false, message: 'this import was committed already or is being committed' }
  await sql`update contact_imports set status = 'importing' where id = ${input.importId}`
  const todo = job.rows.filter((r) => r.verdict === 'new' || r.verdict === 'updated' || (r.verdict === 'duplicate' && r.duplicateOf))
  try {
    await sql.begin(async (tx) => {
      const [hq] = await tx<{ id: string }[]>`select id from subsidiaries where account_id = ${input.accountId} and is_headquarters`
      const bySubsidiary = new Map((await tx<{ id: string; code: string }[]>`select id, code from subsidiaries where account_id = ${input.accountId}`).map((r) => [r.code, r.id]))
      let done = 0
      for (const row of todo) {
        const v = row.values
        const attributes = Object.fromEntries(Object.entries({ postal_code: v.postalCode, country: v.country }).filter(([, value]) => value))
        const contact = await upsertImportedContact(tx, {
          accountId: input.accountId, subsidiaryId: bySubsidiary.get(v.subsidiary ?? v.country ?? '') ?? hq!.id,
          email: v.email, firstName: v.firstName, lastName: v.lastName, company: v.company, attributes,
        })
        for (const [attribute, value] of Object.entries({ firstName: v.firstName, lastName: v.lastName, company: v.company, postalCode: v.postalCode, country: v.country })) {
          if (value) await recordProvenance(tx, { accountId: input.accountId, contactId: contact!.id, attribute, source: 'csv', value })
        }
        if (v.consent && contact!.consent_status !== 'granted' && contact!.consent_status !== 'revoked') {
          const source = `csv import (obtained outside: ${v.consentSource})`
          await setConsent(tx, contact.id, 'granted', source)
          await tx`insert into consent_records (account_id, contact_id, purpose, status, source) values (${input.accountId}, ${contact!.id}, 'marketing_email', 'granted', ${source})`
        }
        if (row.duplicateOf) await suggestDuplicate(tx, { accountId: input.accountId, a: contact!.id, b: row.duplicateOf, rule: 'fuzzy', score: 0.8, evidence: { import: input.importId, line: row.line, name: [v.firstName, v.lastName].join(' '), company: v.company, postalCode: v.postalCode } })
        if (++done % 200 === 0) await sql`update contact_imports set processed = ${done} where id = ${input.importId}`
      }
    })
  } catch (error) {
    await sql`update contact_imports set status = 'failed', finished_at = now(), summary = summary || ${sql.json({ error: String((error as Error).message) })} where id = ${input.importId}`
    return { ok: false, message: `nothing was imported: ${(error as Error).message}` }
  }
  await sql`update contact_imports set status = 'imported', processed = ${todo.length}, finished_at = now() where id = ${input.importId}`
  return { ok: true, imported: todo.length }
}
