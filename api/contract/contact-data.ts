import { z } from 'zod'
import { defineRoute, idParams, timestamp } from './route'

// A contact's 360° profile, duplicates (suggestions, pool scan, merge), CSV import (dry run, commit,
// progress) and CSV export (api/contact-profile.ts, issue 12); all within the caller's subsidiaries.

export const importBody = z.strictObject({
  csv: z.string().min(1, 'the CSV text'),
  /** Product field → the CSV column holding it. email is required. */
  mapping: z.strictObject({
    email: z.string().min(1),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    company: z.string().optional(),
    postalCode: z.string().optional(),
    country: z.string().optional(),
    subsidiary: z.string().optional(),
    consent: z.string().optional(),
    consentSource: z.string().optional(),
  }),
  /** The consent source when the file has no column for it ("fair Hannover 2026", "signed form"). */
  consentSource: z.string().max(200).optional(),
})

/**
 * Why an import row is rejected or a duplicate, as a code with its values: the designer words it in the
 * caller's language (designer/src/contacts/contacts-text.ts, `import.reason.<code>`); `reason` stays English.
 */
export const IMPORT_REASONS = ['no_email', 'not_an_email', 'consent_unclear', 'consent_without_source', 'unknown_subsidiary', 'same_in_file', 'looks_like'] as const
export type ImportReasonCode = (typeof IMPORT_REASONS)[number]

const person = z.object({ id: z.uuid(), email: z.string(), name: z.string(), company: z.string().nullable(), postalCode: z.string().nullable(), createdAt: timestamp })
const suggestionSchema = z.object({ id: z.uuid(), rule: z.enum(['crm_id', 'email', 'fuzzy']), score: z.number(), evidence: z.record(z.string(), z.unknown()), createdAt: timestamp, a: person, b: person })
const summarySchema = z.object({ new: z.number().int(), updated: z.number().int(), duplicates: z.number().int(), rejected: z.number().int() })

/** The profile's sections; each is a list of plain records (documented in docs/crm.md). */
const records = z.array(z.record(z.string(), z.unknown()))

export const contactData = {
  profile: defineRoute({
    method: 'get',
    path: '/contacts/:id/profile',
    summary: 'A contact\'s 360° profile: attributes with their source, consent proofs, score history, timeline, campaigns and paths, handovers, opportunities, duplicates, merges, CRM records, company',
    permission: 'contacts.read',
    params: idParams,
    notFound: 'contact',
    responses: {
      200: z.object({
        contact: z.record(z.string(), z.unknown()),
        score: z.record(z.string(), z.unknown()).nullable(),
        provenance: records,
        consent: records,
        offerDoubleOptIn: z.boolean(),
        /** The last double opt-in mail asked for and its state (pending, sent, not_needed, failed, unknown). */
        consentRequest: z.object({ status: z.string(), at: timestamp, form: z.string() }).nullable(),
        scoreHistory: records,
        timeline: records,
        campaigns: records,
        handovers: records,
        opportunities: records,
        duplicates: records,
        merges: records,
        crm: records,
      }),
    },
  }),
  doubleOptIn: defineRoute({
    method: 'post',
    path: '/contacts/:id/double-opt-in',
    summary: 'Ask a contact without consent (one from the CRM or an import) for it: the double opt-in mail of a web form of its subsidiary goes out once; confirming its link grants consent with our own proof',
    description: 'Without `formKey`, the newest web form with double opt-in of the contact\'s subsidiary (else of the account) is used. The same contact asked again the same day joins the first request: no second mail. A contact who unsubscribed is not asked (409 consent_revoked).',
    permission: 'contacts.write',
    params: idParams,
    notFound: 'contact',
    body: z.strictObject({ formKey: z.string().trim().min(1, 'a web form key').max(100).optional() }),
    responses: {
      202: z.object({ doubleOptIn: z.enum(['confirmation_sent', 'already_granted']), submissionId: z.uuid().nullable(), form: z.string().nullable() }),
    },
    errors: { 404: ['not_found'], 409: ['consent_revoked', 'no_consent_form'] },
  }),
  duplicates: defineRoute({
    method: 'get',
    path: '/duplicates',
    summary: 'Open duplicate suggestions with both contacts and the evidence',
    permission: 'contacts.read',
    responses: { 200: z.object({ suggestions: z.array(suggestionSchema) }) },
  }),
  scan: defineRoute({
    method: 'post',
    path: '/duplicates/scan',
    summary: 'Look for look-alikes across the whole pool (same address written two ways; same name, company and postal code): new suggestions for a person',
    permission: 'contacts.merge',
    responses: { 200: z.object({ scanned: z.number().int(), suggested: z.number().int() }) },
  }),
  merge: defineRoute({
    method: 'post',
    path: '/duplicates/:id/merge',
    summary: 'Merge the suggestion\'s two contacts into `keep`: everything moves, the stronger consent wins, the merge is logged and audited, the kept contact rescored',
    permission: 'contacts.merge',
    params: idParams,
    notFound: 'open duplicate suggestion',
    body: z.strictObject({ keep: z.uuid('the id of the contact to keep') }),
    responses: { 200: z.object({ merge: z.object({ mergeId: z.uuid(), keptContactId: z.uuid(), moved: z.record(z.string(), z.number()), consent: z.string() }) }) },
  }),
  dismiss: defineRoute({
    method: 'post',
    path: '/duplicates/:id/dismiss',
    summary: 'Not the same person: the suggestion is closed and not made again',
    permission: 'contacts.merge',
    params: idParams,
    notFound: 'open duplicate suggestion',
    responses: { 200: z.object({ dismissed: z.uuid() }) },
  }),
  checkImport: defineRoute({
    method: 'post',
    path: '/contact-imports',
    summary: 'CSV import, dry run: every row\'s verdict (new, updated, duplicate, rejected with the reason), stored for the commit; no contact is written',
    permission: 'contacts.import',
    body: importBody,
    responses: {
      201: z.object({
        import: z.object({
          id: z.uuid(),
          status: z.literal('checked'),
          summary: summarySchema,
          /** How many rows the commit will write (the progress bar's end). */
          toImport: z.number().int(),
          rows: z.array(z.object({ line: z.number().int(), verdict: z.enum(['new', 'updated', 'duplicate', 'rejected']), reason: z.string().nullable(), reasonCode: z.enum(IMPORT_REASONS).nullable(), reasonValues: z.record(z.string(), z.string()), email: z.string() })),
        }),
      }),
    },
    errors: { 400: ['invalid_csv'] },
  }),
  commitImport: defineRoute({
    method: 'post',
    path: '/contact-imports/:id/commit',
    summary: 'Import what the dry run showed, all or nothing',
    permission: 'contacts.import',
    params: idParams,
    notFound: 'import',
    responses: { 200: z.object({ imported: z.number().int() }) },
    errors: { 409: ['import_not_committed'] },
  }),
  importProgress: defineRoute({
    method: 'get',
    path: '/contact-imports/:id',
    summary: 'An import\'s status and progress (rows processed of its total)',
    permission: 'contacts.import',
    params: idParams,
    notFound: 'import',
    responses: {
      200: z.object({
        import: z.object({ id: z.uuid(), status: z.enum(['checked', 'importing', 'imported', 'failed']), total: z.number().int(), processed: z.number().int(), summary: z.record(z.string(), z.unknown()), createdAt: timestamp, finishedAt: timestamp.nullable() }),
      }),
    },
  }),
  exportCsv: defineRoute({
    method: 'get',
    path: '/contacts.csv',
    summary: 'Your subsidiaries\' contacts as CSV (spreadsheet formulas neutralised); recorded in the audit log',
    permission: 'contacts.export',
    responses: { 200: z.string() },
    responseTypes: { 200: 'text/csv' },
  }),
}
