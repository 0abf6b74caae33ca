import { z } from 'zod'
import { defineRoute, timestamp } from './route'

// Who is calling, whether the server is up, and this API's own description.

export const meSchema = z.object({
  user: z.string(),
  role: z.string(),
  /** Subsidiary codes the caller sees, or "*" for all (HQ). */
  subsidiaries: z.union([z.array(z.string()), z.literal('*')]),
  mayAuthorCampaigns: z.boolean(),
  expiresAt: timestamp,
})

export const system = {
  me: defineRoute({
    method: 'get',
    path: '/me',
    summary: 'Who the token belongs to and what they may do',
    permission: 'me.read',
    responses: { 200: meSchema },
  }),
  health: defineRoute({
    method: 'get',
    path: '/health',
    summary: 'The server answers',
    permission: 'public',
    responses: { 200: z.object({ ok: z.boolean() }) },
    withoutDatabase: true,
  }),
  ready: defineRoute({
    method: 'get',
    path: '/ready',
    summary: 'Ready to serve: the database answers (503 with Retry-After while it does not)',
    permission: 'public',
    responses: { 200: z.object({ ready: z.literal(true), database: z.literal('up') }) },
  }),
  openapi: defineRoute({
    method: 'get',
    path: '/openapi.json',
    summary: 'This document: the API as OpenAPI 3.1, generated from the route contracts',
    permission: 'public',
    responses: { 200: z.looseObject({ openapi: z.string() }) },
    withoutDatabase: true,
  }),
}
