import { z } from 'zod'
import { campaignGraphSchema } from '../../engine/campaign/graph'
import { defineRoute, idParams, positiveInt, timestamp } from './route'

// Campaign drafts, publishing and versions (api/campaigns.ts). Everything is scoped to the caller's account.

export const CAMPAIGN_KINDS = ['nurture', 'onboarding', 'cross_sell', 'upsell', 'loyalty', 'custom'] as const
export const campaignStatusSchema = z.enum(['draft', 'live', 'paused', 'stopped'])

export type CampaignStatus = z.infer<typeof campaignStatusSchema>

export const publishedVersionSchema = z.object({ id: z.uuid(), version: z.number().int(), publishedAt: timestamp })

export const campaignSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.string(),
  status: campaignStatusSchema,
  liveVersion: z.number().int().nullable(),
  draftUpdatedAt: timestamp,
})

export const campaignDetailSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.string(),
  status: campaignStatusSchema,
  draft: campaignGraphSchema,
  draftUpdatedAt: timestamp,
  liveVersion: publishedVersionSchema.nullable(),
  /** Contacts in the campaign right now (enrolments still running). */
  activeEnrolments: z.number().int(),
  versions: z.array(publishedVersionSchema.extend({ publishedBy: z.string().nullable() })),
})

export const campaignVersionSchema = publishedVersionSchema.extend({ publishedBy: z.string().nullable(), live: z.boolean(), graph: campaignGraphSchema })

export const campaigns = {
  list: defineRoute({
    method: 'get',
    path: '/campaigns',
    summary: 'The account’s campaigns',
    permission: 'campaigns.read',
    responses: { 200: z.object({ campaigns: z.array(campaignSummarySchema) }) },
  }),
  get: defineRoute({
    method: 'get',
    path: '/campaigns/:id',
    summary: 'One campaign: its draft, live version and published versions',
    permission: 'campaigns.read',
    params: idParams,
    notFound: 'campaign',
    responses: { 200: campaignDetailSchema },
  }),
  version: defineRoute({
    method: 'get',
    path: '/campaigns/:id/versions/:version',
    summary: 'One published version, read-only',
    permission: 'campaigns.read',
    params: z.strictObject({ id: z.uuid(), version: positiveInt }),
    notFound: 'version',
    responses: { 200: campaignVersionSchema },
  }),
  create: defineRoute({
    method: 'post',
    path: '/campaigns',
    summary: 'Create a campaign (HQ marketers)',
    permission: 'campaigns.author',
    body: z.strictObject({
      name: z.string().trim().min(1).max(200),
      kind: z.enum(CAMPAIGN_KINDS).default('custom'),
      /** A draft graph to start from; empty when absent. */
      graph: z.unknown().optional(),
    }),
    responses: { 201: z.object({ id: z.uuid() }) },
  }),
  saveDraft: defineRoute({
    method: 'put',
    path: '/campaigns/:id/draft',
    summary: 'Replace the draft graph (HQ marketers); a malformed graph is refused naming the field',
    permission: 'campaigns.author',
    params: idParams,
    notFound: 'campaign',
    body: z.strictObject({ graph: z.unknown() }),
    responses: { 200: z.object({ draftUpdatedAt: timestamp }) },
  }),
  publish: defineRoute({
    method: 'post',
    path: '/campaigns/:id/publish',
    summary: 'Publish the draft as the next immutable version (HQ marketers)',
    description: 'Every issue that keeps the graph from running is listed in `issues`, each naming its step (`nodeId`).',
    permission: 'campaigns.author',
    params: idParams,
    notFound: 'campaign',
    responses: { 201: z.object({ version: publishedVersionSchema }) },
    errors: { 400: ['graph_invalid'] },
  }),
}
