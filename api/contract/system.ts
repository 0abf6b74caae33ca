import { z } from 'zod'
import { defineRoute, timestamp } from './route'

// Who is calling, whether the server is up, and this API's own description.

export const meSchema = z.object({
  /** The user's e-mail, or the API key's name. */
  user: z.string(),
  name: z.string().nullable(),
  role: z.enum(['admin', 'hq_marketer', 'subsidiary_marketer', 'sales_manager', 'sales_rep', 'viewer']),
  /** Subsidiary codes the caller sees, or "*" for all (HQ outside a workspace). */
  subsidiaries: z.union([z.array(z.string()), z.literal('*')]),
  /** The subsidiary workspace the caller works in, or null (HQ's global view, or no workspace). */
  workspace: z.string().nullable(),
  via: z.enum(['session', 'api_key']),
  /** The UI language the user chose; null: the browser's. */
  locale: z.string().nullable(),
  /** When the session ends at the latest; null for API keys. */
  expiresAt: timestamp.nullable(),
  mayAuthorCampaigns: z.boolean(),
  /** Every permission of the role (api/permissions.ts), so the UI shows only controls that will work. */
  permissions: z.array(z.string()),
  /** The session's CSRF token (sign-in answers only): send it as X-CSRF-Token on writes. */
  csrfToken: z.string().optional(),
})

export const system = {
  me: defineRoute({
    method: 'get',
    path: '/me',
    summary: 'Who is calling (session or API key) and what they may do',
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
