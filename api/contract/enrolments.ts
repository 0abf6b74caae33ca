import { z } from 'zod'
import { campaignStatusSchema } from './campaigns'
import { defineRoute, idParams, positiveInt, timestamp } from './route'

// Campaign controls (pause, resume, stop) and who is where in a campaign (api/enrolments.ts).

export const enrolmentStatusSchema = z.enum(['active', 'completed', 'exited', 'converted'])

export const enrolmentSummarySchema = z.object({
  id: z.uuid(),
  status: enrolmentStatusSchema,
  currentNodeId: z.string().nullable(),
  exitReason: z.string().nullable(),
  version: z.number().int(),
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
  contact: z.object({ id: z.uuid(), email: z.string(), firstName: z.string().nullable(), lastName: z.string().nullable(), subsidiary: z.string() }),
})

export const stepCountsSchema = z.object({ entered: z.number().int(), waiting: z.number().int(), outputs: z.record(z.string(), z.number().int()) })
export const campaignCountsSchema = z.object({ steps: z.record(z.string(), stepCountsSchema), enrolments: z.record(z.string(), z.number().int()) })

export const enrolmentDetailSchema = z.object({
  id: z.uuid(),
  campaignId: z.uuid(),
  version: z.number().int(),
  contact: z.object({ id: z.uuid(), email: z.string(), subsidiary: z.string() }),
  status: enrolmentStatusSchema,
  currentNodeId: z.string().nullable(),
  exitReason: z.string().nullable(),
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
  workflowId: z.string(),
  history: z.array(z.object({ nodeId: z.string(), visit: z.number().int(), enteredAt: timestamp, output: z.string().nullable() })),
  messages: z.array(
    z.object({
      nodeId: z.string(),
      visit: z.number().int(),
      status: z.string(),
      reason: z.string().nullable(),
      subject: z.string().nullable(),
      messageId: z.string(),
      createdAt: timestamp,
      sentAt: timestamp.nullable(),
    }),
  ),
})

export const unresolvedMessageSchema = z.object({
  messageId: z.string(),
  enrolmentId: z.uuid().nullable(),
  nodeId: z.string().nullable(),
  visit: z.number().int().nullable(),
  recipient: z.string().nullable(),
  subsidiary: z.string(),
  status: z.enum(['unknown', 'sending']),
  reason: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: timestamp,
  sendingAt: timestamp.nullable(),
})

const control = (action: 'pause' | 'resume' | 'stop') =>
  defineRoute({
    method: 'post',
    path: `/campaigns/:id/${action}`,
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} the campaign and its enrolments (HQ marketers)`,
    permission: 'campaigns.author',
    params: idParams,
    notFound: 'campaign',
    responses: { 200: z.object({ status: campaignStatusSchema, affected: z.number().int() }) },
    errors: { 409: ['conflict'] },
  })

export const enrolments = {
  pause: control('pause'),
  resume: control('resume'),
  stop: control('stop'),
  list: defineRoute({
    method: 'get',
    path: '/campaigns/:id/enrolments',
    summary: 'Who is where in a campaign, within your subsidiaries, newest first',
    permission: 'enrolments.read',
    params: idParams,
    notFound: 'campaign',
    query: z.strictObject({
      step: z.string().max(64).optional(),
      status: enrolmentStatusSchema.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    responses: { 200: z.object({ enrolments: z.array(enrolmentSummarySchema) }) },
  }),
  steps: defineRoute({
    method: 'get',
    path: '/campaigns/:id/steps',
    summary: 'Per step: how many entered, wait there now and took each output; enrolments per status',
    permission: 'enrolments.read',
    params: idParams,
    notFound: 'campaign',
    query: z.strictObject({ version: positiveInt.optional() }),
    responses: { 200: campaignCountsSchema },
  }),
  unresolvedMessages: defineRoute({
    method: 'get',
    path: '/campaigns/:id/messages/unresolved',
    summary:
      "A campaign's mail whose delivery nobody could confirm, within your subsidiaries: 'unknown' (an attempt was interrupted after the whole message went out and the relay offers no record to ask, SMTP_RECEIPTS_URL) and 'sending' (going out now, or waiting to be settled with the relay)",
    permission: 'enrolments.read',
    params: idParams,
    notFound: 'campaign',
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    responses: { 200: z.object({ messages: z.array(unresolvedMessageSchema) }) },
  }),
  get: defineRoute({
    method: 'get',
    path: '/enrolments/:id',
    summary: 'One enrolment: version, current step, step history, mails and their send status',
    permission: 'enrolments.read',
    params: idParams,
    notFound: 'enrolment',
    responses: { 200: enrolmentDetailSchema },
  }),
}
