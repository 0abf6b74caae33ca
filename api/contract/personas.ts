import { z } from 'zod'
import { personaCriterionSchema, personaInputSchema, personaSlugSchema } from '../../engine/personas'
import { defineRoute, timestamp } from './route'

// Personas (api/personas.ts): listed with how many of the caller's contacts match; created and changed
// by HQ marketers, after which every contact is rescored.

export const personaSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  criteria: z.array(personaCriterionSchema),
  threshold: z.number().int(),
  updatedAt: timestamp,
  matchingContacts: z.number().int(),
})

const savedPersona = z.object({
  persona: z.object({ id: z.uuid(), slug: z.string(), name: z.string(), criteria: z.array(personaCriterionSchema), threshold: z.number().int() }),
  /** The rescore job the change started (GET /api/scoring/jobs/{id}). */
  job: z.object({ id: z.uuid(), total: z.number().int() }),
})

export const personas = {
  list: defineRoute({
    method: 'get',
    path: '/personas',
    summary: 'The account’s personas and how many of your contacts match each',
    permission: 'personas.read',
    responses: { 200: z.object({ personas: z.array(personaSchema) }) },
  }),
  create: defineRoute({
    method: 'post',
    path: '/personas',
    summary: 'Create a persona (HQ marketers); contacts are rescored',
    permission: 'personas.author',
    body: personaInputSchema,
    responses: { 201: savedPersona },
    errors: { 409: ['conflict'] },
  }),
  update: defineRoute({
    method: 'put',
    path: '/personas/:slug',
    summary: 'Change a persona (HQ marketers); contacts are rescored',
    permission: 'personas.author',
    params: z.strictObject({ slug: personaSlugSchema }),
    body: personaInputSchema.omit({ slug: true }),
    responses: { 200: savedPersona },
    errors: { 404: ['not_found'] },
  }),
}
