import { z } from 'zod'
import { scoringModelSchema } from '../../engine/scoring/model'
import { defineRoute, idParams, timestamp } from './route'

// The account's scoring model (read by everyone, changed by HQ marketers) and the progress of rescore
// jobs (api/scoring.ts).

export const scoringJobSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['model_change', 'decay', 'initial']),
  modelVersion: z.number().int(),
  status: z.enum(['running', 'done', 'failed']),
  total: z.number().int(),
  done: z.number().int(),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
})

export const scoring = {
  model: defineRoute({
    method: 'get',
    path: '/scoring/model',
    summary: 'The current scoring model (version 0: the built-in default)',
    permission: 'scoring.read',
    responses: { 200: z.object({ version: z.number().int(), model: scoringModelSchema, updatedAt: timestamp.nullable(), updatedBy: z.string().nullable() }) },
  }),
  saveModel: defineRoute({
    method: 'put',
    path: '/scoring/model',
    summary: 'Save a new scoring model version (HQ marketers); existing contacts are rescored in the background',
    permission: 'scoring.author',
    body: scoringModelSchema,
    responses: {
      202: z.object({ version: z.number().int(), model: scoringModelSchema, job: z.object({ id: z.uuid(), total: z.number().int(), done: z.number().int(), status: z.literal('running') }) }),
    },
    errors: { 409: ['conflict'] },
  }),
  job: defineRoute({
    method: 'get',
    path: '/scoring/jobs/:id',
    summary: 'How far a rescore job is',
    permission: 'scoring.read',
    params: idParams,
    responses: { 200: scoringJobSchema },
    errors: { 404: ['not_found'] },
  }),
}
