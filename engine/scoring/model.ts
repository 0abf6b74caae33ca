import { z } from 'zod'
import { parseDuration } from '../campaign/duration'
import { DEFAULT_EVENT_POINTS } from '../events/catalogue'
import { contactRuleSchema } from '../nodes/contact-rules'
import { personaSlugSchema } from '../personas'

/** A visit of a pricing page (model.activity.pricingPaths): a stronger sign than any other visit. */
export const PRICING_VISIT_POINTS = 10

// The scoring model of an account: how the profile grade (A–D, fit) and the activity level (1–4,
// behaviour) are computed, and which cells of the matrix hand a lead to sales. Stored versioned in
// scoring_models; every field has a default, so an account without a model scores with DEFAULT_SCORING_MODEL.

const duration = z.string().refine((text) => parseDuration(text) !== null, 'a duration such as 30d, 48h or 2w')
const weight = z.number().min(0).max(1000)

export const profileCriterionSchema = z.discriminatedUnion('kind', [
  // Scaled by the match: a 80 % match with weight 50 gives 40 points.
  z.strictObject({ kind: z.literal('persona'), persona: personaSlugSchema, weight }),
  // All or nothing: a condition-step rule (attribute, tag, consent, subsidiary) that holds gives its weight.
  z.strictObject({ kind: z.literal('rule'), rule: contactRuleSchema, weight }),
])
export type ProfileCriterion = z.output<typeof profileCriterionSchema>

// Fit: the demo persona counts most; consent and a known position complete the picture.
export const DEFAULT_PROFILE_CRITERIA: ProfileCriterion[] = [
  { kind: 'persona', persona: 'peter-produzent', weight: 70 },
  { kind: 'rule', rule: { kind: 'consent', operator: 'is', status: 'granted' }, weight: 15 },
  { kind: 'rule', rule: { kind: 'attribute', attribute: 'position', operator: 'exists' }, weight: 15 },
]

export const CELLS = ['A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3', 'B4', 'C1', 'C2', 'C3', 'C4', 'D1', 'D2', 'D3', 'D4'] as const
export type Cell = (typeof CELLS)[number]
export type Grade = 'A' | 'B' | 'C' | 'D'

export const scoringModelSchema = z.strictObject({
  profile: z
    .strictObject({
      criteria: z.array(profileCriterionSchema).max(50).default(DEFAULT_PROFILE_CRITERIA),
      // Lowest share (percent of all weights) for each grade; below C is D.
      grades: z.strictObject({ A: z.number().min(0).max(100), B: z.number().min(0).max(100), C: z.number().min(0).max(100) }).default({ A: 75, B: 50, C: 25 }),
    })
    .prefault({}),
  activity: z
    .strictObject({
      // Points per event type; a page visit whose path contains one of pricingPaths counts as pricing_visit.
      // The defaults are the event catalogue's scoring points; a model may weigh any event type.
      weights: z.record(z.string().min(1).max(64), weight).default({ ...DEFAULT_EVENT_POINTS, pricing_visit: PRICING_VISIT_POINTS }),
      pricingPaths: z.array(z.string().min(1).max(200)).max(20).default(['/pricing', '/preise', '/prix', '/prezzi', '/precios']),
      // An event's points halve every halfLife.
      halfLife: duration.default('30d'),
      // Lowest points for each level: 1 is the most active.
      levels: z.strictObject({ 1: z.number().min(0), 2: z.number().min(0), 3: z.number().min(0) }).default({ 1: 50, 2: 25, 3: 10 }),
    })
    .prefault({}),
  handover: z
    .strictObject({
      cells: z.array(z.enum(CELLS)).max(16).default(['A1', 'B1']),
      // Time the rep has to accept or reject before a reminder; as long again, and the manager is told.
      sla: duration.default('48h'),
      // The CRM's endpoint for handed-over leads (signed JSON); none: nothing is pushed.
      crmWebhookUrl: z.url({ protocol: /^https?$/, error: 'an http:// or https:// address' }).max(2000).optional(),
    })
    .prefault({}),
})
export type ScoringModel = z.output<typeof scoringModelSchema>


export const DEFAULT_SCORING_MODEL: ScoringModel = scoringModelSchema.parse({})
