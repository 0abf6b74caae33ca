import { z } from 'zod'
import { emailAddress } from '../input-schemas'
import { defineRoute, idParams, timestamp } from './route'

// Manual enrolment (api/manual-enrolment.ts): one contact, a segment or a CSV upload into a live campaign,
// and the progress of a bulk request; and the tracking tags of each mail template's links (api/link-tags.ts).

export const enrolmentJobSchema = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  source: z.enum(['csv', 'segment']),
  segmentId: z.uuid().nullable(),
  status: z.enum(['pending', 'running', 'done', 'failed']),
  /** Why a failed job stopped (rows done before it keep their outcome). */
  failure: z.string().nullable(),
  total: z.number().int(),
  done: z.number().int(),
  enrolled: z.number().int(),
  skipped: z.number().int(),
  skippedByReason: z.record(z.string(), z.number().int()),
  /** The first 100 skipped rows, by line. */
  skippedRows: z.array(z.object({ line: z.number().int(), email: z.string().nullable(), reason: z.string(), message: z.string() })),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
})

export const singleEnrolmentSchema = z.object({ enrolmentId: z.uuid(), contactId: z.uuid(), repeated: z.boolean() })

export const enrolmentRequests = {
  enrol: defineRoute({
    method: 'post',
    path: '/campaigns/:id/enrolments',
    summary: 'Enrol one contact ({email} or {contactId}: 201), a segment ({segmentId}: 202, a job) or a CSV upload (text/csv, column "email": 202, a job)',
    description: 'A request is identified by its Idempotency-Key header, else by its content: sent again, it enrols nobody twice (200).',
    permission: 'enrolments.enrol',
    params: idParams,
    notFound: 'campaign',
    headers: { 'Idempotency-Key': { description: 'One per deliberate request (1–200 printable characters)', schema: z.string().regex(/^[\x21-\x7e]{1,200}$/) } },
    body: z.union([
      z.strictObject({ email: emailAddress() }),
      z.strictObject({ contactId: z.uuid() }),
      z.strictObject({ segmentId: z.uuid() }),
    ]),
    otherBodies: { 'text/csv': z.string() },
    responses: { 200: z.union([singleEnrolmentSchema, enrolmentJobSchema]), 201: singleEnrolmentSchema, 202: enrolmentJobSchema },
    errors: {
      400: ['no_email_column', 'unclosed_quote', 'empty'],
      409: ['campaign_not_live', 'already_in_campaign', 're_entry_never', 'cooling_down', 'not_in_audience', 'unknown_contact'],
      413: ['too_many_rows'],
    },
  }),
  job: defineRoute({
    method: 'get',
    path: '/enrolment-jobs/:id',
    summary: 'A CSV upload or a segment being enrolled, row by row',
    permission: 'enrolments.read',
    params: idParams,
    notFound: 'enrolment job',
    responses: { 200: enrolmentJobSchema },
  }),
  linkTags: defineRoute({
    method: 'get',
    path: '/link-tags',
    summary: 'The tracking tags of each mail template’s links (?mt_tag=), in the order the links appear',
    permission: 'templates.read',
    responses: { 200: z.object({ templates: z.array(z.object({ id: z.string(), tags: z.array(z.string()) })) }) },
  }),
}
