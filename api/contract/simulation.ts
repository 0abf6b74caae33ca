import { z } from 'zod'
import { parseDuration } from '../../engine/campaign/duration'
import { eventTypeSchema } from '../../engine/nodes/property-filter'
import { enrolmentStatusSchema } from './enrolments'
import { emailAddress } from '../input-schemas'
import { defineRoute, idParams, timestamp } from './route'

// The campaign's timeline for a sample contact and scripted behaviour, with time skipped (api/simulation.ts).

const duration = z.string().refine((text) => parseDuration(text) !== null, 'a duration such as 36h, 2d or 2w')
const scalar = z.union([z.string(), z.number(), z.boolean()])

export const simulationRequestSchema = z.strictObject({
  /** Simulate the draft being edited (default) or the live version. */
  source: z.enum(['draft', 'live']).default('draft'),
  contact: z.strictObject({ id: z.uuid().optional(), email: emailAddress().optional() }).refine((c) => c.id || c.email, 'give the sample contact’s id or email'),
  script: z
    .array(z.strictObject({ at: duration, type: eventTypeSchema, mail: z.string().max(64).optional(), properties: z.record(z.string(), scalar).optional() }))
    .max(200)
    .default([]),
  horizon: duration.refine((text) => parseDuration(text)! <= 5 * 365 * 86_400_000, 'at most five years').default('90d'),
  /** Properties of the event that enrols the contact, e.g. { "product": "HydroStat 2000" }. */
  trigger: z.record(z.string(), scalar).default({}),
})

export const simulationResultSchema = z.object({
  outcome: z.object({ status: z.union([enrolmentStatusSchema, z.literal('still_running')]), exitReason: z.string().optional() }),
  timeline: z.array(
    z.object({
      /** Simulated time. */
      at: timestamp,
      /** Since the contact entered, e.g. "3 days". */
      offset: z.string(),
      kind: z.enum(['step', 'mail', 'event', 'webhook', 'contact_update', 'outcome']),
      nodeId: z.string().optional(),
      label: z.string(),
    }),
  ),
  mails: z.array(z.object({ nodeId: z.string(), template: z.string(), subject: z.string(), at: timestamp })),
  /** Wall-clock time the simulation took. */
  tookMs: z.number(),
})

export const simulation = {
  simulate: defineRoute({
    method: 'post',
    path: '/campaigns/:id/simulate',
    summary: 'Run the draft or live version for a sample contact and scripted behaviour, with time skipped',
    permission: 'campaigns.simulate',
    params: idParams,
    notFound: 'campaign',
    body: simulationRequestSchema,
    responses: { 200: simulationResultSchema },
    errors: { 400: ['graph_invalid'], 409: ['conflict', 'not_in_audience'], 503: ['simulator_unavailable'] },
  }),
}
