import { z } from 'zod'
import { defineRoute, idParams, timestamp } from './route'

// Sales' side of the handover (api/handovers.ts): the open handovers, and the rep's answer (accept → SAL;
// reject with a reason → back to nurture).

const handoverStatus = z.enum(['open', 'accepted', 'rejected'])
const crm = { crmStatus: z.enum(['pending', 'delivered', 'failed', 'not_configured']), crmAttempts: z.number().int(), crmError: z.string().nullable() }

export const handoverSummarySchema = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  email: z.string(),
  qualification: z.number().int(),
  cell: z.string(),
  status: handoverStatus,
  source: z.enum(['score', 'campaign_step']),
  repEmail: z.string().nullable(),
  routedBy: z.enum(['territory', 'round_robin']).nullable(),
  ...crm,
  remindersSent: z.number().int(),
  escalatedAt: timestamp.nullable(),
  createdAt: timestamp,
  decidedAt: timestamp.nullable(),
  reason: z.string().nullable(),
})

/** What sales receives (the same document the CRM webhook gets): contact, scores, personas, latest behaviour, rep. */
export const dossierSchema = z.object({
  type: z.literal('lead.handover'),
  handoverId: z.uuid(),
  qualification: z.number().int(),
  accountId: z.uuid(),
  cell: z.string(),
  handedOverAt: timestamp,
  source: z.enum(['score', 'campaign_step']),
  // Described in the README's "Sales handover" (the CRM webhook's body); not restated here.
  contact: z.unknown(),
  scores: z.unknown(),
  personas: z.array(z.unknown()),
  timeline: z.array(z.unknown()),
  qualifiedBy: z.unknown(),
  rep: z.unknown(),
  manager: z.unknown(),
})

export const handoverDetailSchema = z.object({
  status: handoverStatus,
  reason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: timestamp.nullable(),
  remindersSent: z.number().int(),
  escalatedAt: timestamp.nullable(),
  ...crm,
  mails: z.array(z.object({ kind: z.string(), recipient: z.string(), status: z.enum(['sending', 'sent', 'unknown']), sentAt: timestamp.nullable() })),
  dossier: dossierSchema.nullable(),
})

const decision = (status: 'accepted' | 'rejected') => z.object({ id: z.uuid(), status: z.literal(status), reason: z.string().nullable() })

export const handovers = {
  list: defineRoute({
    method: 'get',
    path: '/handovers',
    summary: 'Handovers within your subsidiaries, newest first (at most 500)',
    permission: 'handovers.read',
    query: z.strictObject({ status: handoverStatus.optional() }),
    responses: { 200: z.object({ handovers: z.array(handoverSummarySchema) }) },
  }),
  get: defineRoute({
    method: 'get',
    path: '/handovers/:id',
    summary: 'One handover: decision, reminders, CRM delivery, mails and the dossier',
    permission: 'handovers.read',
    params: idParams,
    notFound: 'handover',
    responses: { 200: handoverDetailSchema },
  }),
  accept: defineRoute({
    method: 'post',
    path: '/handovers/:id/accept',
    summary: 'Accept the lead (sales): the contact becomes sales-accepted (SAL)',
    permission: 'handovers.decide',
    params: idParams,
    notFound: 'handover',
    responses: { 200: decision('accepted') },
    errors: { 409: ['conflict'] },
  }),
  reject: defineRoute({
    method: 'post',
    path: '/handovers/:id/reject',
    summary: 'Reject the lead with a reason (sales): the contact goes back to nurture',
    permission: 'handovers.decide',
    params: idParams,
    notFound: 'handover',
    body: z.strictObject({ reason: z.string().trim().min(1, 'say why the lead is rejected').max(2000) }),
    responses: { 200: decision('rejected') },
    errors: { 409: ['conflict'] },
  }),
}
