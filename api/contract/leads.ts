import { z } from 'zod'
import { CELLS } from '../../engine/scoring/model'
import { defineRoute, timestamp } from './route'

// The scoring matrix and its leads (api/leads.ts), and sales stages after the handover (api/handovers.ts):
// by profile grade (A–D) and activity level (1–4), within the caller's subsidiaries.

export const LIFECYCLE_STAGES = ['lead', 'nurture', 'mql', 'sal', 'sql', 'opportunity', 'won', 'lost'] as const

export const leadSchema = z.object({
  contactId: z.uuid(),
  email: z.string(),
  name: z.string(),
  company: z.string().nullable(),
  subsidiary: z.string(),
  cell: z.string(),
  profilePoints: z.number(),
  activityPoints: z.number(),
  lifecycleStage: z.enum(LIFECYCLE_STAGES),
  scoredAt: timestamp,
})

export const matrixSchema = z.object({
  cells: z.record(z.string(), z.number().int()),
  total: z.number().int(),
  handoverCells: z.array(z.string()),
  modelVersion: z.number().int(),
})

const cellQuery = z.strictObject({
  cell: z.enum(CELLS, { error: 'a cell from A1 to D4' }),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})

export const leadDetailSchema = z.object({
  lead: leadSchema.nullable(),
  lifecycleStage: z.enum(LIFECYCLE_STAGES),
  lifecycleStageAt: timestamp.nullable(),
  personas: z.array(z.object({ slug: z.string(), name: z.string(), match: z.number().int(), matches: z.boolean() })),
  scoreChanges: z.array(
    z.object({
      cause: z.enum(['event', 'attribute_change', 'decay', 'model_change', 'initial']),
      eventId: z.uuid().nullable(),
      modelVersion: z.number().int(),
      profileBefore: z.string().nullable(),
      profileAfter: z.string(),
      activityBefore: z.number().int().nullable(),
      activityAfter: z.number().int(),
      profilePoints: z.number(),
      activityPoints: z.number(),
      changedAt: timestamp,
    }),
  ),
  handovers: z.array(
    z.object({
      id: z.uuid(),
      qualification: z.number().int(),
      cell: z.string(),
      status: z.enum(['open', 'accepted', 'rejected']),
      source: z.enum(['score', 'campaign_step']),
      createdAt: timestamp,
      decidedAt: timestamp.nullable(),
      reason: z.string().nullable(),
    }),
  ),
  lifecycle: z.array(z.object({ stage: z.enum(LIFECYCLE_STAGES), reason: z.string().nullable(), changedBy: z.string(), changedAt: timestamp })),
})

const contactParams = z.strictObject({ contactId: z.uuid('not a contact id') })

export const leads = {
  matrix: defineRoute({
    method: 'get',
    path: '/leads/matrix',
    summary: 'Leads per cell of the scoring matrix, and the cells that hand over to sales',
    permission: 'reports.read',
    responses: { 200: matrixSchema },
  }),
  list: defineRoute({
    method: 'get',
    path: '/leads',
    summary: 'The leads in one cell, most active first',
    permission: 'leads.read',
    query: cellQuery,
    responses: { 200: z.object({ cell: z.enum(CELLS), leads: z.array(leadSchema) }) },
  }),
  exportCsv: defineRoute({
    method: 'get',
    path: '/leads/export.csv',
    summary: 'The leads in one cell as CSV (spreadsheet formulas neutralised)',
    permission: 'leads.export',
    query: cellQuery.extend({ limit: z.coerce.number().int().min(1).max(100_000).default(100_000) }),
    responses: { 200: z.string() },
    responseTypes: { 200: 'text/csv' },
  }),
  get: defineRoute({
    method: 'get',
    path: '/leads/:contactId',
    summary: 'One lead: scores, personas, score history, handovers and lifecycle',
    permission: 'leads.read',
    params: contactParams,
    responses: { 200: leadDetailSchema },
    errors: { 404: ['not_found'] },
  }),
  stage: defineRoute({
    method: 'post',
    path: '/leads/:contactId/stage',
    summary: 'Record a sales stage (sales): SAL → SQL → opportunity → won, or lost from any of them',
    permission: 'leads.stage',
    params: contactParams,
    notFound: 'contact',
    body: z.strictObject({ stage: z.enum(['sql', 'opportunity', 'won', 'lost']), reason: z.string().trim().max(2000).optional() }),
    responses: { 200: z.object({ contactId: z.uuid(), stage: z.enum(['sql', 'opportunity', 'won', 'lost']) }) },
    errors: { 409: ['conflict'] },
  }),
}
