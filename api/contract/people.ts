import { z } from 'zod'
import { poolAliasSchema } from '../../engine/segment-filter'
import { ROLES } from '../permissions'
import { defineRoute, idParams, timestamp } from './route'
import { meSchema } from './system'

// People (api/people.ts, api/people-admin.ts): signing in and the two mailed links (public: they answer
// without a caller), the caller's own language, sessions and workspace, and the admin's users, API keys,
// workspaces (pool aliases) and audit log.

export const LOCALES = ['en', 'de', 'fr', 'it', 'es'] as const
const subsidiaryCode = z.string().regex(/^[A-Z]{2}$/, 'a subsidiary code such as FR')
const subsidiaries = z.union([z.literal('*'), z.array(subsidiaryCode).min(1, 'name at least one subsidiary')])
const email = z.string().trim().toLowerCase().max(320).pipe(z.email('an e-mail address such as anna@example.com'))

export const signInBody = z.strictObject({ email, password: z.string().min(1, 'enter your password').max(200) })
export const resetRequest = z.strictObject({ email })
/** The password is checked by the handler (people/secrets.ts passwordProblem), which names what is missing. */
export const newPassword = z.strictObject({ password: z.string().max(200), name: z.string().trim().min(1).max(200).optional() })
export const meChange = z.strictObject({ locale: z.enum(LOCALES).nullable() })
export const workspaceSwitch = z.strictObject({ subsidiary: subsidiaryCode.nullable() })
export const userInvite = z.strictObject({
  email: z.string().trim().toLowerCase().max(320).pipe(z.email('an e-mail address')),
  name: z.string().trim().min(1, 'give the person\'s name').max(200),
  role: z.enum(ROLES),
  subsidiaries,
  locale: z.enum(LOCALES).nullable().default(null),
})
export const userChange = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(ROLES).optional(),
  subsidiaries: subsidiaries.optional(),
  locale: z.enum(LOCALES).nullable().optional(),
  status: z.enum(['active', 'disabled']).optional(),
})
export const apiKeyCreate = z.strictObject({
  name: z.string().trim().min(1, 'name the key after what uses it, e.g. "ERP import"').max(100),
  role: z.enum(ROLES),
  subsidiaries,
})
export const workspaceAlias = z.strictObject({ name: z.string().trim().min(1).max(200), poolAlias: poolAliasSchema })
export const auditQuery = z.strictObject({
  action: z.string().max(100).optional(),
  /** Entries older than this id (the page before). */
  before: z.string().regex(/^\d{1,18}$/, 'an entry id').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

const role = z.enum(ROLES)
const scope = z.union([z.literal('*'), z.array(z.string())])

export const adminUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role,
  subsidiaries: scope,
  locale: z.string().nullable(),
  status: z.enum(['invited', 'active', 'disabled']),
  lockedUntil: timestamp.nullable(),
  createdAt: timestamp,
})

export const adminKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** The first characters of the key, to recognise it; the key itself is shown once, at creation. */
  prefix: z.string(),
  role,
  subsidiaries: scope,
  createdBy: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
  revokedBy: z.string().nullable(),
})

export const auditEntrySchema = z.object({
  id: z.string(),
  at: timestamp,
  actor: z.string(),
  actorName: z.string().nullable(),
  workspace: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.unknown(),
  ip: z.string().nullable(),
})

// Signed tokens are about 100 characters; 500 keeps the longest URL (4-byte characters, %-encoded) below Node's 16 kB header limit.
const linkParams = z.strictObject({ token: z.string().min(1).max(500) })
const linkInfo = z.object({ email: z.string(), name: z.string(), locale: z.string().nullable(), expiresAt: timestamp })
const signedIn = meSchema.extend({ csrfToken: z.string() })

export const people = {
  signIn: defineRoute({
    method: 'post',
    path: '/session',
    summary: 'Sign in with e-mail and password: sets the session and CSRF cookies',
    permission: 'public',
    body: signInBody,
    responses: { 200: signedIn },
    errors: { 401: ['wrong_credentials'], 403: ['disabled', 'invitation_pending'], 423: ['locked'], 429: ['throttled'] },
  }),
  requestReset: defineRoute({
    method: 'post',
    path: '/password-reset',
    summary: 'Mail a password-reset link (the same answer whether the address has an account or not)',
    permission: 'public',
    body: resetRequest,
    responses: { 202: z.object({ sent: z.literal(true) }) },
  }),
  resetLink: defineRoute({
    method: 'get',
    path: '/password-reset/:token',
    summary: 'Whom a password-reset link is for, while it is valid',
    permission: 'public',
    params: linkParams,
    responses: { 200: linkInfo },
    errors: { 410: ['link_invalid'] },
  }),
  reset: defineRoute({
    method: 'post',
    path: '/password-reset/:token',
    summary: 'Set a new password through the link: every other session ends, a new one starts',
    permission: 'public',
    params: linkParams,
    body: newPassword,
    responses: { 200: signedIn },
    errors: { 410: ['link_invalid'] },
  }),
  invitation: defineRoute({
    method: 'get',
    path: '/invitations/:token',
    summary: 'Whom an invitation link is for, while it is valid',
    permission: 'public',
    params: linkParams,
    responses: { 200: linkInfo },
    errors: { 410: ['link_invalid'] },
  }),
  acceptInvitation: defineRoute({
    method: 'post',
    path: '/invitations/:token',
    summary: 'Accept an invitation: set the password (and name), and sign in',
    permission: 'public',
    params: linkParams,
    body: newPassword,
    responses: { 200: signedIn },
    errors: { 410: ['link_invalid'] },
  }),
  changeMe: defineRoute({
    method: 'patch',
    path: '/me',
    summary: 'Choose your UI language (null: the browser’s); signed-in users only',
    permission: 'me.read',
    body: meChange,
    responses: { 200: meSchema },
    errors: { 400: ['not_a_user'] },
  }),
  signOut: defineRoute({
    method: 'post',
    path: '/session/sign-out',
    summary: 'End this session (API keys do not sign out; an admin revokes them)',
    permission: 'me.read',
    responses: { 200: z.object({ signedOut: z.number().int() }) },
    errors: { 400: ['not_a_session'] },
  }),
  signOutEverywhere: defineRoute({
    method: 'post',
    path: '/session/sign-out-everywhere',
    summary: 'End every session of yours, on every device',
    permission: 'me.read',
    responses: { 200: z.object({ signedOut: z.number().int() }) },
    errors: { 400: ['not_a_session'] },
  }),
  workspaces: defineRoute({
    method: 'get',
    path: '/workspaces',
    summary: 'The workspaces you may work in: HQ all of them, a subsidiary’s people theirs',
    permission: 'workspaces.read',
    responses: {
      200: z.object({
        current: z.string().nullable(),
        /** Whether you may leave the workspace for the global view (HQ). */
        mayLeave: z.boolean(),
        workspaces: z.array(z.object({ subsidiary: z.string(), name: z.string(), poolAlias: z.unknown() })),
      }),
    },
  }),
  switchWorkspace: defineRoute({
    method: 'post',
    path: '/session/workspace',
    summary: 'Work in a subsidiary’s workspace, or (HQ) in the global view with null',
    permission: 'me.read',
    body: workspaceSwitch,
    responses: { 200: z.object({ workspace: z.string().nullable() }) },
    errors: { 400: ['not_a_session'], 403: ['forbidden'], 404: ['not_found'] },
  }),
}

export const admin = {
  users: defineRoute({
    method: 'get',
    path: '/admin/users',
    summary: 'The account’s users',
    permission: 'admin.users',
    responses: { 200: z.object({ users: z.array(adminUserSchema) }) },
  }),
  invite: defineRoute({
    method: 'post',
    path: '/admin/users',
    summary: 'Invite a user: an invitation link is mailed to them',
    permission: 'admin.users',
    body: userInvite,
    responses: { 201: z.object({ user: adminUserSchema, invitationExpiresAt: timestamp }) },
    errors: { 409: ['conflict'] },
  }),
  resendInvitation: defineRoute({
    method: 'post',
    path: '/admin/users/:id/invitation',
    summary: 'Mail the invitation again (a new link; the old one stays valid until it expires)',
    permission: 'admin.users',
    params: idParams,
    notFound: 'user',
    responses: { 200: z.object({ invitationExpiresAt: timestamp }) },
    errors: { 409: ['conflict'] },
  }),
  changeUser: defineRoute({
    method: 'patch',
    path: '/admin/users/:id',
    summary: 'Change a user’s name, role, subsidiaries, language or status (disabling ends their sessions)',
    permission: 'admin.users',
    params: idParams,
    notFound: 'user',
    body: userChange,
    responses: { 200: z.object({ user: adminUserSchema }) },
    errors: { 409: ['conflict'] },
  }),
  apiKeys: defineRoute({
    method: 'get',
    path: '/admin/api-keys',
    summary: 'The account’s API keys (never the keys themselves)',
    permission: 'admin.api_keys',
    responses: { 200: z.object({ keys: z.array(adminKeySchema) }) },
  }),
  createApiKey: defineRoute({
    method: 'post',
    path: '/admin/api-keys',
    summary: 'Create an API key: the key is in this answer only, the database keeps its hash',
    permission: 'admin.api_keys',
    body: apiKeyCreate,
    responses: { 201: z.object({ key: z.string(), apiKey: adminKeySchema }) },
  }),
  revokeApiKey: defineRoute({
    method: 'delete',
    path: '/admin/api-keys/:id',
    summary: 'Revoke an API key',
    permission: 'admin.api_keys',
    params: idParams,
    notFound: 'API key',
    responses: { 200: z.object({ apiKey: adminKeySchema }) },
  }),
  workspaces: defineRoute({
    method: 'get',
    path: '/admin/workspaces',
    summary: 'Every subsidiary workspace with its pool alias',
    permission: 'admin.workspaces',
    responses: {
      200: z.object({ workspaces: z.array(z.object({ subsidiary: z.string(), name: z.string(), poolAlias: z.unknown(), updatedAt: timestamp, updatedBy: z.string() })) }),
    },
  }),
  saveWorkspace: defineRoute({
    method: 'put',
    path: '/admin/workspaces/:code',
    summary: 'Set a subsidiary workspace’s name and pool alias (which contacts it sees)',
    permission: 'admin.workspaces',
    params: z.strictObject({ code: subsidiaryCode }),
    notFound: 'subsidiary',
    body: workspaceAlias,
    responses: { 200: z.object({ subsidiary: z.string(), name: z.string(), poolAlias: z.unknown() }) },
  }),
  audit: defineRoute({
    method: 'get',
    path: '/admin/audit',
    summary: 'The audit log, newest first',
    permission: 'admin.audit',
    query: auditQuery,
    responses: { 200: z.object({ entries: z.array(auditEntrySchema) }) },
  }),
}
