import { z } from 'zod'
import { fieldMappingsSchema } from '../../crm/mapping'
import { parseDuration } from '../../engine/campaign/duration'
import { defineRoute, idParams, timestamp } from './route'

// The CRM connection (admins), sync runs, "sync now" and the conflict queue (api/crm.ts, issue 12).

export const crmConnectionBody = z.strictObject({
  kind: z.literal('bottlecrm'),
  url: z.url('an http(s) URL such as https://crm.example.com'),
  /** The CRM's API token (BottleCRM: a personal access token bcrm_pat_…). Never answered back. */
  token: z.string().min(8, 'the CRM API token').max(500),
  syncEvery: z.string().refine((text) => text === 'off' || (parseDuration(text) ?? 0) >= 60_000, 'a duration of at least 1m, or "off"').default('15m'),
  handoverMode: z.enum(['crm_lead', 'webhook']).default('crm_lead'),
  fieldMappings: fieldMappingsSchema.optional(),
})

const mappingSchema = z.object({ direction: z.enum(['to_crm', 'from_crm', 'both']), policy: z.enum(['latest', 'prefer_crm', 'prefer_product']) })
const connectionSchema = z.object({
  kind: z.literal('bottlecrm'),
  url: z.string(),
  syncEvery: z.string(),
  handoverMode: z.enum(['crm_lead', 'webhook']),
  enabled: z.boolean(),
  fieldMappings: z.record(z.string(), mappingSchema),
  /** The token is stored sealed and never answered back; this says one is there. */
  tokenStored: z.literal(true),
  updatedAt: timestamp,
})

const runSchema = z.object({
  id: z.uuid(),
  trigger: z.enum(['schedule', 'manual']),
  /** rate_limited: the CRM answered 429 and the run waits as it asked; retrying: it is down or answered 5xx. */
  status: z.enum(['running', 'rate_limited', 'retrying', 'done', 'failed']),
  /** Where the run is: account, contact, lead, opportunity (in), account_out, out; null when through. */
  stream: z.string().nullable(),
  recordsIn: z.number().int(),
  recordsOut: z.number().int(),
  conflicts: z.number().int(),
  errors: z.number().int(),
  /** Attempts the CRM turned away (each retried with backoff), of which rateLimited were 429s. */
  retries: z.number().int(),
  rateLimited: z.number().int(),
  /** Pages the run has committed (a resumed run goes on counting from where it was). */
  pages: z.number().int(),
  lastError: z.string().nullable(),
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
})

const conflictSchema = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  contact: z.object({ email: z.string(), name: z.string().nullable() }),
  field: z.string(),
  productValue: z.string().nullable(),
  crmValue: z.string().nullable(),
  productChangedAt: timestamp.nullable(),
  crmChangedAt: timestamp.nullable(),
  createdAt: timestamp,
})

export const crm = {
  connection: defineRoute({
    method: 'get',
    path: '/crm/connection',
    summary: 'The CRM connection (without its token)',
    permission: 'crm.connection',
    responses: { 200: z.object({ connection: connectionSchema }) },
    errors: { 404: ['not_found'] },
  }),
  connect: defineRoute({
    method: 'put',
    path: '/crm/connection',
    summary: 'Connect the CRM: the URL and token are checked against the CRM before the token is stored sealed',
    permission: 'crm.connection',
    body: crmConnectionBody,
    responses: { 200: z.object({ connection: connectionSchema }) },
    errors: { 422: ['crm_refused', 'crm_unreachable'] },
  }),
  sync: defineRoute({
    method: 'post',
    path: '/crm/sync',
    summary: 'Sync now: starts a run (a Temporal workflow) unless one is under way',
    permission: 'crm.sync',
    responses: { 202: z.object({ workflowId: z.string() }) },
    errors: { 404: ['not_found'], 409: ['sync_running'] },
  }),
  runs: defineRoute({
    method: 'get',
    path: '/crm/runs',
    summary: 'The latest sync runs with their counts, status and the reason of the last error',
    permission: 'crm.read',
    responses: { 200: z.object({ runs: z.array(runSchema) }) },
  }),
  conflicts: defineRoute({
    method: 'get',
    path: '/crm/conflicts',
    summary: 'Fields both sides changed that the mapping could not settle, for a person to decide (your subsidiaries)',
    permission: 'crm.read',
    responses: { 200: z.object({ conflicts: z.array(conflictSchema) }) },
  }),
  resolve: defineRoute({
    method: 'post',
    path: '/crm/conflicts/:id/resolve',
    summary: 'Decide a conflict: keep the product\'s value or take the CRM\'s; the next sync carries it to both sides',
    permission: 'crm.sync',
    params: idParams,
    notFound: 'open conflict',
    body: z.strictObject({ keep: z.enum(['product', 'crm']) }),
    responses: { 200: z.object({ resolved: z.object({ contactId: z.uuid(), field: z.string(), value: z.string().nullable() }) }) },
  }),
}
