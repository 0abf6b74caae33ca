import { z } from 'zod'
import { segmentFilterSchema, segmentNameSchema } from '../../engine/segment-filter'
import { defineRoute, idParams, timestamp } from './route'

// Saved segments (filters over contacts) and how many contacts each matches (api/segments.ts).
// Segments drive campaigns (segment triggers), so changing them is campaign authoring: HQ marketers only.

export const segmentSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  filter: segmentFilterSchema,
  createdBy: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
})

export const segments = {
  list: defineRoute({
    method: 'get',
    path: '/segments',
    summary: 'The account’s segments, by name',
    permission: 'segments.read',
    responses: { 200: z.object({ segments: z.array(segmentSchema) }) },
  }),
  get: defineRoute({
    method: 'get',
    path: '/segments/:id',
    summary: 'One segment',
    permission: 'segments.read',
    params: idParams,
    notFound: 'segment',
    responses: { 200: segmentSchema },
  }),
  count: defineRoute({
    method: 'get',
    path: '/segments/:id/count',
    summary: 'How many contacts the segment matches now, among those you may see',
    permission: 'segments.read',
    params: idParams,
    notFound: 'segment',
    responses: { 200: z.object({ count: z.number().int() }) },
  }),
  create: defineRoute({
    method: 'post',
    path: '/segments',
    summary: 'Create a segment (HQ marketers); whoever matches now is its first snapshot',
    permission: 'segments.author',
    body: z.strictObject({ name: segmentNameSchema, filter: segmentFilterSchema }),
    responses: { 201: segmentSchema },
    errors: { 409: ['conflict'] },
  }),
  update: defineRoute({
    method: 'put',
    path: '/segments/:id',
    summary: 'Rename a segment or change its filter (HQ marketers); takes effect at the next scan',
    permission: 'segments.author',
    params: idParams,
    notFound: 'segment',
    body: z.strictObject({ name: segmentNameSchema.optional(), filter: segmentFilterSchema.optional() }),
    responses: { 200: segmentSchema },
    errors: { 409: ['conflict'] },
  }),
  delete: defineRoute({
    method: 'delete',
    path: '/segments/:id',
    summary: 'Delete a segment no live or paused campaign starts from (HQ marketers)',
    permission: 'segments.author',
    params: idParams,
    notFound: 'segment',
    responses: { 204: null },
    errors: { 409: ['conflict'] },
  }),
}
