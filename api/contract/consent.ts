import { z } from 'zod'
import { LOCALES } from './events'
import { defineRoute, idParams, positiveInt, timestamp, type RouteContract } from './route'

// Consent and GDPR (api/consent.ts, api/consent-texts.ts): a contact's consent proof, the export of
// everything stored about them, erasure, and the versioned consent texts forms show.

const at = { at: timestamp.nullable(), ip: z.string().nullable(), userAgent: z.string().nullable() }

export const consentProofSchema = z.object({
  contactId: z.uuid(),
  email: z.string(),
  status: z.enum(['none', 'pending', 'granted', 'revoked']),
  source: z.string().nullable(),
  at: timestamp.nullable(),
  proofs: z.array(
    z.object({
      purpose: z.string(),
      status: z.enum(['granted', 'revoked']),
      source: z.string(),
      submissionId: z.uuid().nullable(),
      consentText: z.object({ version: z.number().int().nullable(), locale: z.string().nullable(), text: z.string().nullable() }),
      requested: z.object(at),
      confirmed: z.object(at),
    }),
  ),
})

export const consentTextVersionSchema = z.object({
  purpose: z.string(),
  version: z.number().int(),
  createdAt: timestamp,
  createdBy: z.string().nullable(),
  texts: z.record(z.string(), z.string()),
})

const purpose = z.string().regex(/^[a-z][a-z0-9_-]{1,49}$/, 'a purpose such as "marketing"')

/** A stored consent text version: every change answers 409 immutable (the proofs name the wording they showed). */
const immutableVersion = <M extends 'put' | 'patch' | 'delete'>(method: M) =>
  defineRoute({
    method,
    path: '/consent-texts/:purpose/:version',
    summary: 'Consent text versions never change: post the new wording as a new version (always 409 immutable)',
    permission: 'consent-texts.read',
    params: z.strictObject({ purpose, version: positiveInt }),
    responses: {},
    errors: { 409: ['immutable'] },
  }) satisfies RouteContract

export const consent = {
  proof: defineRoute({
    method: 'get',
    path: '/contacts/:id/consent',
    summary: 'A contact’s consent and its proofs (text version and wording, form, times, IP, user agent)',
    permission: 'consent.read',
    params: idParams,
    notFound: 'contact',
    responses: { 200: consentProofSchema },
  }),
  export: defineRoute({
    method: 'get',
    path: '/contacts/:id/export',
    summary: 'GDPR export: everything stored about the contact, as a JSON download',
    permission: 'contacts.export',
    params: idParams,
    notFound: 'contact',
    responses: {
      200: z.object({
        contact: z.record(z.string(), z.unknown()),
        events: z.array(z.unknown()),
        messages: z.array(z.unknown()),
        enrolments: z.array(z.unknown()),
        formSubmissions: z.array(z.unknown()),
        consentRecords: z.array(z.unknown()),
        webVisits: z.array(z.unknown()),
      }),
    },
  }),
  erase: defineRoute({
    method: 'post',
    path: '/contacts/:id/erase',
    summary: 'GDPR erasure: anonymise the contact, delete their events and visits, stop their enrolments (audit row kept)',
    permission: 'contacts.erase',
    params: idParams,
    notFound: 'contact',
    responses: {
      200: z.object({
        erased: z.literal(true),
        contactId: z.uuid(),
        eventsDeleted: z.number().int(),
        visitsDeleted: z.number().int(),
        enrolmentsStopped: z.number().int(),
        /** Enrolment workflows that could not be told to stop (their rows are closed, nothing is mailed). */
        enrolmentsNotSignalled: z.array(z.string()).optional(),
      }),
    },
  }),
  texts: defineRoute({
    method: 'get',
    path: '/consent-texts',
    summary: 'Consent text versions, newest first per purpose, each with all its languages',
    permission: 'consent-texts.read',
    query: z.strictObject({ purpose: purpose.optional() }),
    responses: { 200: z.object({ versions: z.array(consentTextVersionSchema) }) },
  }),
  addText: defineRoute({
    method: 'post',
    path: '/consent-texts',
    summary: 'Add a consent text version (HQ marketers and admins); versions never change',
    permission: 'consent-texts.write',
    body: z.strictObject({
      purpose: purpose.default('marketing'),
      texts: z
        .partialRecord(z.enum(LOCALES, `one of ${LOCALES.join(', ')}`), z.string().trim().min(20, 'at least 20 characters of wording').max(5000))
        .refine((texts) => Object.keys(texts).length > 0, 'at least one language, e.g. {"de": "Ja, ich möchte …"}'),
    }),
    responses: { 201: z.object({ purpose: z.string(), version: z.number().int(), texts: z.record(z.string(), z.string()), createdBy: z.string() }) },
  }),
  changeTextVersion: immutableVersion('put'),
  patchTextVersion: immutableVersion('patch'),
  deleteTextVersion: immutableVersion('delete'),
}
