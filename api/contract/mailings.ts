import { z } from 'zod'
import { mailingContentSchema, scheduleSchema } from '../../mailings/model'
import { defineRoute, idParams, timestamp } from './route'

// Mailings (issue 15, docs/mailings.md): compose, check, translate, schedule, approve and follow one-off
// mail of a subsidiary (api/mailings.ts, api/mailing-compose.ts). Which mailings: those of the
// subsidiaries the caller sees (HQ every one, a subsidiary's marketer their workspace's); another
// subsidiary's mailing answers 404, as if it did not exist.

const localeCode = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a locale such as "fr"')
const mailingStatus = z.enum(['draft', 'awaiting_approval', 'scheduled', 'sending', 'paused', 'sent', 'cancelled'])

export const newMailingBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  subsidiary: z.string().regex(/^[A-Za-z]{2}$/, 'a subsidiary code such as "FR"'),
  content: mailingContentSchema.optional(),
  segmentId: z.uuid().nullable().optional(),
  /** HQ asks to see this mailing before it goes out (the account's setting may require it anyway). */
  approvalRequired: z.boolean().optional(),
})
export const mailingChangeBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  content: mailingContentSchema.optional(),
  segmentId: z.uuid().nullable().optional(),
})
export const previewBody = z.strictObject({ locale: localeCode.optional(), contact: z.strictObject({ email: z.email() }).optional() })
export const testSendBody = previewBody.extend({ to: z.email().max(254) })
export const translateBody = z.strictObject({
  targetLocale: localeCode,
  sourceLocale: localeCode.optional(),
  /** One local block's id; without it the whole mailing (subject, preheader, every local block). */
  block: z.string().max(40).optional(),
})
export const refuseBody = z.strictObject({
  /** Why HQ refuses: what the subsidiary's marketer reads on the mailing. */
  reason: z.string().trim().min(3, 'say why, in a few words').max(2_000),
})
export const checklistQuery = z.strictObject({ links: z.enum(['true', 'false']).optional() })

export const mailingProgressSchema = z.object({
  total: z.number().int(),
  sent: z.number().int(),
  remaining: z.number().int(),
  failed: z.number().int(),
  suppressed: z.number().int(),
  unknown: z.number().int(),
  cancelled: z.number().int(),
})

export const mailingSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  subsidiary: z.string(),
  content: mailingContentSchema,
  segmentId: z.uuid().nullable(),
  schedule: scheduleSchema.nullable(),
  status: mailingStatus,
  approvalRequired: z.boolean(),
  approvedBy: z.string().nullable(),
  approvedAt: timestamp.nullable(),
  /** The last refusal by HQ, until HQ approves: who, when and why. */
  refusedBy: z.string().nullable(),
  refusedAt: timestamp.nullable(),
  refusalReason: z.string().nullable(),
  sendAt: timestamp.nullable(),
  createdBy: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
  finishedAt: timestamp.nullable(),
})
const mailingWithProgress = mailingSchema.extend({ progress: mailingProgressSchema })
const controlAnswer = z.object({ status: mailingStatus, affected: z.number().int(), progress: mailingProgressSchema })

const checklistItem = z.object({
  kind: z.enum(['missing_translation', 'needs_review', 'unresolvable_link', 'missing_plain_text', 'no_subject', 'no_blocks', 'unknown_block', 'render_error']),
  severity: z.enum(['error', 'warning']),
  locale: z.string().optional(),
  block: z.string().optional(),
  url: z.string().optional(),
  message: z.string(),
})

const control = (action: 'pause' | 'resume' | 'cancel', summary: string) =>
  defineRoute({
    method: 'post',
    path: `/mailings/:id/${action}`,
    summary,
    permission: 'mailings.send',
    params: idParams,
    notFound: 'mailing',
    responses: { 200: controlAnswer },
    errors: { 409: ['conflict'] },
  })

export const mailings = {
  list: defineRoute({
    method: 'get',
    path: '/mailings',
    summary: 'The mailings of your subsidiaries with their progress, newest first',
    permission: 'mailings.read',
    responses: { 200: z.object({ mailings: z.array(mailingWithProgress) }) },
  }),
  create: defineRoute({
    method: 'post',
    path: '/mailings',
    summary: 'Create a draft mailing for one of your subsidiaries',
    permission: 'mailings.write',
    body: newMailingBody,
    responses: { 201: mailingSchema },
  }),
  get: defineRoute({
    method: 'get',
    path: '/mailings/:id',
    summary: 'One mailing with its progress',
    permission: 'mailings.read',
    params: idParams,
    notFound: 'mailing',
    responses: { 200: mailingWithProgress },
  }),
  update: defineRoute({
    method: 'put',
    path: '/mailings/:id',
    summary: 'Change a draft’s name, content or segment (a scheduled mailing stays as it is)',
    permission: 'mailings.write',
    params: idParams,
    notFound: 'mailing',
    body: mailingChangeBody,
    responses: { 200: mailingSchema },
    errors: { 409: ['conflict'] },
  }),
  schedule: defineRoute({
    method: 'post',
    path: '/mailings/:id/schedule',
    summary: 'Send now, at a time in the subsidiary’s zone, or in each recipient’s window (awaiting approval when HQ requires it)',
    permission: 'mailings.send',
    params: idParams,
    notFound: 'mailing',
    body: scheduleSchema,
    responses: { 202: z.object({ status: mailingStatus, sendAt: timestamp, timeZone: z.string() }) },
    errors: { 409: ['conflict'], 422: ['mailing_incomplete'] },
  }),
  approve: defineRoute({
    method: 'post',
    path: '/mailings/:id/approve',
    summary: 'HQ approves a subsidiary’s mailing; it goes out as scheduled (at once when that time has passed)',
    permission: 'mailings.approve',
    params: idParams,
    notFound: 'mailing',
    responses: { 202: z.object({ status: mailingStatus, sendAt: timestamp, approvedBy: z.string() }) },
    errors: { 409: ['conflict'] },
  }),
  refuse: defineRoute({
    method: 'post',
    path: '/mailings/:id/refuse',
    summary: 'HQ refuses a subsidiary’s mailing awaiting approval, saying why; it goes back to draft with the reason',
    permission: 'mailings.approve',
    params: idParams,
    notFound: 'mailing',
    body: refuseBody,
    responses: { 200: z.object({ status: mailingStatus, refusedBy: z.string(), reason: z.string() }) },
    errors: { 409: ['conflict'] },
  }),
  pause: control('pause', 'Hold the mails not yet sent; answers how many are held'),
  resume: control('resume', 'Let the held mails go; answers how many'),
  cancel: control('cancel', 'Drop the mails not yet sent (never one already sent); answers how many'),
  progress: defineRoute({
    method: 'get',
    path: '/mailings/:id/progress',
    summary: 'Sent, remaining, failed, suppressed and unknown mails of a mailing',
    permission: 'mailings.read',
    params: idParams,
    notFound: 'mailing',
    responses: { 200: mailingProgressSchema.extend({ status: mailingStatus, sendAt: timestamp.nullable() }) },
  }),
  preview: defineRoute({
    method: 'post',
    path: '/mailings/:id/preview',
    summary: 'The mail as a recipient would get it, in a language and for a contact of the subsidiary’s pool',
    permission: 'mailings.read',
    params: idParams,
    notFound: 'mailing',
    body: previewBody,
    responses: { 200: z.object({ subject: z.string(), html: z.string(), text: z.string(), locale: z.string(), preheader: z.string() }) },
    errors: { 422: ['template_invalid'] },
  }),
  checklist: defineRoute({
    method: 'get',
    path: '/mailings/:id/checklist',
    summary: 'What to fix before sending: missing translations, unresolvable links, plain text; recipients without consent counted',
    permission: 'mailings.read',
    params: idParams,
    notFound: 'mailing',
    query: checklistQuery,
    responses: {
      200: z.object({
        ready: z.boolean(),
        items: z.array(checklistItem),
        recipients: z.object({ total: z.number().int(), noConsent: z.number().int(), undeliverable: z.number().int(), sendable: z.number().int() }),
      }),
    },
  }),
  testSend: defineRoute({
    method: 'post',
    path: '/mailings/:id/test-send',
    summary: 'Send the mail once to an address, marked [TEST] and untracked',
    permission: 'mailings.write',
    params: idParams,
    notFound: 'mailing',
    body: testSendBody,
    responses: { 202: z.object({ messageId: z.string(), to: z.string(), subject: z.string(), locale: z.string() }) },
    errors: { 409: ['conflict'], 422: ['template_invalid'] },
  }),
  translate: defineRoute({
    method: 'post',
    path: '/mailings/:id/translate',
    summary: 'Machine-translate the mailing or one local block into a language (DeepL), marked for review',
    permission: 'mailings.write',
    params: idParams,
    notFound: 'mailing',
    body: translateBody,
    responses: {
      201: z.object({
        translated: z.array(z.object({ key: z.string(), locale: z.string(), text: z.string(), needsReview: z.boolean() })),
        mailing: mailingSchema,
      }),
    },
    errors: { 409: ['conflict'], 502: ['translation_failed'], 503: ['translation_unavailable'] },
  }),
}
