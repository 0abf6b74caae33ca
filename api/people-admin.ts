import { Router, type Request } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '../db/api-keys'
import { readAudit, recordAudit } from '../db/audit'
import { revokeUserSessions, setSessionWorkspace } from '../db/sessions'
import { insertUser, listUsers, updateUser, userById, type UserRow } from '../db/users'
import { listWorkspaces, poolAliasIssues, poolAliasSchema, saveWorkspace, workspaceFor } from '../db/workspaces'
import { newApiKey } from '../people/secrets'
import { caller, type Caller } from './auth'
import { route } from './contract/mount'
import { system } from './contract/system'
import { invalidInput, notFound, send, type ApiError } from './errors'
import { describeCaller, mailUserLink, signOut, type PeopleDeps } from './people'
import { HQ_ROLES, ROLES, type Role } from './permissions'

// Who am I, my language, my workspace; and the admin's side: users, API keys, workspaces (pool aliases)
// and the audit log. Each route's permission is in api/permissions.ts.

export const LOCALES = ['en', 'de', 'fr', 'it', 'es'] as const
const code = z.string().regex(/^[A-Z]{2}$/, 'a subsidiary code such as FR')

// Body schemas (exported for the API contract, issue 13).
export const meChange = z.strictObject({ locale: z.enum(LOCALES).nullable() })
export const workspaceSwitch = z.strictObject({ subsidiary: code.nullable() })
export const userInvite = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email('an e-mail address')),
  name: z.string().trim().min(1, 'give the person\'s name').max(200),
  role: z.enum(ROLES),
  subsidiaries: z.union([z.literal('*'), z.array(code).min(1, 'name at least one subsidiary')]),
  locale: z.enum(LOCALES).nullable().default(null),
})
export const userChange = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(ROLES).optional(),
  subsidiaries: z.union([z.literal('*'), z.array(code).min(1, 'name at least one subsidiary')]).optional(),
  locale: z.enum(LOCALES).nullable().optional(),
  status: z.enum(['active', 'disabled']).optional(),
})
export const apiKeyCreate = z.strictObject({
  name: z.string().trim().min(1, 'name the key after what uses it, e.g. "ERP import"').max(100),
  role: z.enum(ROLES),
  subsidiaries: z.union([z.literal('*'), z.array(code).min(1, 'name at least one subsidiary')]),
})
export const workspaceAlias = z.strictObject({ name: z.string().trim().min(1).max(200), poolAlias: poolAliasSchema })

const userView = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  subsidiaries: u.all_subsidiaries ? '*' : u.subsidiary_codes,
  locale: u.locale,
  status: u.status,
  lockedUntil: u.locked_until && u.locked_until > new Date() ? u.locked_until : null,
  createdAt: u.created_at,
})

const keyView = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  subsidiaries: k.all_subsidiaries ? '*' : k.subsidiary_codes,
  createdBy: k.created_by,
  createdAt: k.created_at,
  lastUsedAt: k.last_used_at,
  revokedAt: k.revoked_at,
  revokedBy: k.revoked_by,
})

async function unknownSubsidiary(sql: Sql, accountId: string, codes: '*' | string[]): Promise<ApiError | null> {
  if (codes === '*') return null
  const known = new Set((await sql<{ code: string }[]>`select code from subsidiaries where account_id = ${accountId}`).map((r) => r.code))
  const missing = codes.find((c) => !known.has(c))
  return missing ? { status: 400, code: 'invalid_input', field: 'subsidiaries', message: `subsidiaries: no subsidiary ${missing} in this account` } : null
}

// Only HQ roles may work for every subsidiary; the others need theirs named.
function scopeProblem(role: Role, subsidiaries: '*' | string[]): ApiError | null {
  if (subsidiaries === '*' && !HQ_ROLES.includes(role)) return { status: 400, code: 'invalid_input', field: 'subsidiaries', message: `subsidiaries: a ${role} works for named subsidiaries, not "*"` }
  return null
}

const audit = (sql: Sql, req: Request, who: Caller, action: string, target: string, details: Record<string, unknown> = {}) =>
  recordAudit(sql, { accountId: who.acc, actor: who.sub, actorName: who.name, workspace: who.workspace, action, target, details, ip: req.ip })

export function peopleAdminRoutes(deps: PeopleDeps & { sessionIdleMs?: number }): Router {
  const { sql } = deps
  const router = Router()

  route(router, system.me, async ({ who }) => ({ status: 200, body: describeCaller(who) }))

  router.patch('/me', async (req, res) => {
    const who = caller(req)
    const parsed = meChange.safeParse(req.body ?? {})
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    if (!who.userId) return send(res, { status: 400, code: 'not_a_user', message: 'API keys have no language; the UI language belongs to a signed-in user' })
    await updateUser(sql, who.acc, who.userId, { locale: parsed.data.locale })
    res.json({ ...describeCaller(who), locale: parsed.data.locale })
  })

  router.post('/session/sign-out', (req, res) => signOut(sql, req, res, caller(req), false))
  router.post('/session/sign-out-everywhere', (req, res) => signOut(sql, req, res, caller(req), true))

  // The workspaces the caller may work in: HQ all, a subsidiary's people theirs.
  router.get('/workspaces', async (req, res) => {
    const who = caller(req)
    const own = who.via === 'session' && who.userId ? await userById(sql, who.acc, who.userId) : null
    const allowed = own ? (own.all_subsidiaries ? '*' : own.subsidiary_codes) : who.subs
    const rows = (await listWorkspaces(sql, who.acc)).filter((w) => allowed === '*' || allowed.includes(w.subsidiary_code))
    res.json({ current: who.workspace, mayLeave: allowed === '*', workspaces: rows.map((w) => ({ subsidiary: w.subsidiary_code, name: w.name, poolAlias: w.pool_alias })) })
  })

  // HQ switches into a workspace (or back to the global view with null); subsidiary people between theirs.
  router.post('/session/workspace', async (req, res) => {
    const who = caller(req)
    const parsed = workspaceSwitch.safeParse(req.body ?? {})
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    if (who.via !== 'session' || !who.userId) return send(res, { status: 400, code: 'not_a_session', message: 'an API key\'s scope is fixed when it is created' })
    const user = (await userById(sql, who.acc, who.userId))!
    const target = parsed.data.subsidiary
    if (target === null && !user.all_subsidiaries) return send(res, { status: 403, code: 'forbidden', field: 'subsidiary', message: 'subsidiary: only HQ works outside a workspace' })
    if (target !== null) {
      if (!user.all_subsidiaries && !user.subsidiary_codes.includes(target)) return send(res, { status: 403, code: 'forbidden', field: 'subsidiary', message: `subsidiary: ${target} is not one of your subsidiaries` })
      if (!(await workspaceFor(sql, who.acc, target))) return send(res, notFound(`workspace ${target}`))
    }
    await setSessionWorkspace(sql, who.session!, target)
    await audit(sql, req, who, 'workspace.switch', target ?? 'global')
    res.json({ workspace: target })
  })

  router.get('/admin/users', async (req, res) => void res.json({ users: (await listUsers(sql, caller(req).acc)).map(userView) }))

  router.post('/admin/users', async (req, res) => {
    const who = caller(req)
    const parsed = userInvite.safeParse(req.body ?? {})
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const body = parsed.data
    const problem = scopeProblem(body.role, body.subsidiaries) ?? (await unknownSubsidiary(sql, who.acc, body.subsidiaries))
    if (problem) return send(res, problem)
    const user = await insertUser(sql, { accountId: who.acc, email: body.email, name: body.name, role: body.role, allSubsidiaries: body.subsidiaries === '*', subsidiaryCodes: body.subsidiaries === '*' ? [] : body.subsidiaries, locale: body.locale })
    if (!user) return send(res, { status: 409, code: 'conflict', field: 'email', message: `email: ${body.email} already has an account` })
    const { link } = await mailUserLink(deps, req, user, 'invitation', { email: who.sub, name: who.name })
    await audit(sql, req, who, 'user.invited', user.email, { role: user.role, subsidiaries: body.subsidiaries })
    res.status(201).json({ user: userView(user), invitationExpiresAt: link.expires_at })
  })

  router.post('/admin/users/:id/invitation', async (req, res) => {
    const who = caller(req)
    const id = z.uuid().safeParse(req.params.id)
    const user = id.success ? await userById(sql, who.acc, id.data) : null
    if (!user) return send(res, notFound('user'))
    if (user.status !== 'invited') return send(res, { status: 409, code: 'conflict', field: 'status', message: 'status: this user has accepted the invitation already' })
    const { link } = await mailUserLink(deps, req, user, 'invitation', { email: who.sub, name: who.name })
    await audit(sql, req, who, 'user.invitation_resent', user.email)
    res.json({ invitationExpiresAt: link.expires_at })
  })

  router.patch('/admin/users/:id', async (req, res) => {
    const who = caller(req)
    const id = z.uuid().safeParse(req.params.id)
    const before = id.success ? await userById(sql, who.acc, id.data) : null
    if (!before) return send(res, notFound('user'))
    const parsed = userChange.safeParse(req.body ?? {})
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const change = parsed.data
    const role = change.role ?? before.role
    const subsidiaries = change.subsidiaries ?? (before.all_subsidiaries ? '*' : before.subsidiary_codes)
    const problem = scopeProblem(role, subsidiaries) ?? (await unknownSubsidiary(sql, who.acc, subsidiaries))
    if (problem) return send(res, problem)
    if (before.id === who.userId && (change.status === 'disabled' || (change.role && change.role !== 'admin'))) {
      return send(res, { status: 409, code: 'conflict', field: change.status ? 'status' : 'role', message: 'you cannot disable yourself or take away your own admin role' })
    }
    const after = (await updateUser(sql, who.acc, before.id, {
      name: change.name,
      role: change.role,
      locale: change.locale,
      status: change.status,
      ...(change.subsidiaries !== undefined && { allSubsidiaries: change.subsidiaries === '*', subsidiaryCodes: change.subsidiaries === '*' ? [] : change.subsidiaries }),
    }))!
    // A disabled user's sessions end now; role and subsidiary changes apply from their next request.
    if (change.status === 'disabled') await revokeUserSessions(sql, before.id)
    const changed = Object.fromEntries(Object.entries(userView(after)).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify((userView(before) as Record<string, unknown>)[key])))
    await audit(sql, req, who, 'user.changed', after.email, { changed, before: { role: before.role, subsidiaries: userView(before).subsidiaries, status: before.status } })
    res.json({ user: userView(after) })
  })

  router.get('/admin/api-keys', async (req, res) => void res.json({ keys: (await listApiKeys(sql, caller(req).acc)).map(keyView) }))

  router.post('/admin/api-keys', async (req, res) => {
    const who = caller(req)
    const parsed = apiKeyCreate.safeParse(req.body ?? {})
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const body = parsed.data
    const problem = scopeProblem(body.role, body.subsidiaries) ?? (await unknownSubsidiary(sql, who.acc, body.subsidiaries))
    if (problem) return send(res, problem)
    const fresh = newApiKey()
    const row = await insertApiKey(sql, { accountId: who.acc, name: body.name, hash: fresh.hash, prefix: fresh.prefix, role: body.role, allSubsidiaries: body.subsidiaries === '*', subsidiaryCodes: body.subsidiaries === '*' ? [] : body.subsidiaries, createdBy: who.sub })
    await audit(sql, req, who, 'api_key.created', row.name, { id: row.id, role: row.role, subsidiaries: body.subsidiaries })
    // The key itself is in this answer only; the database keeps its hash.
    res.status(201).json({ key: fresh.key, apiKey: keyView(row) })
  })

  router.delete('/admin/api-keys/:id', async (req, res) => {
    const who = caller(req)
    const id = z.uuid().safeParse(req.params.id)
    const row = id.success ? await revokeApiKey(sql, who.acc, id.data, who.sub) : null
    if (!row) return send(res, notFound('API key'))
    await audit(sql, req, who, 'api_key.revoked', row.name, { id: row.id })
    res.json({ apiKey: keyView(row) })
  })

  router.get('/admin/workspaces', async (req, res) => {
    const rows = await listWorkspaces(sql, caller(req).acc)
    res.json({ workspaces: rows.map((w) => ({ subsidiary: w.subsidiary_code, name: w.name, poolAlias: w.pool_alias, updatedAt: w.updated_at, updatedBy: w.updated_by })) })
  })

  router.put('/admin/workspaces/:code', async (req, res) => {
    const who = caller(req)
    const subsidiary = code.safeParse(req.params.code)
    if (!subsidiary.success || (await unknownSubsidiary(sql, who.acc, [subsidiary.data]))) return send(res, notFound(`subsidiary ${req.params.code}`))
    const parsed = workspaceAlias.safeParse(req.body ?? {})
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const issues = poolAliasIssues(parsed.data.poolAlias)
    if (issues.length) return send(res, { status: 400, code: 'invalid_input', field: `poolAlias.${issues[0]!.field}`, message: issues.map((i) => `poolAlias.${i.field}: ${i.message}`).join('; ') })
    const row = await saveWorkspace(sql, { accountId: who.acc, code: subsidiary.data, name: parsed.data.name, alias: parsed.data.poolAlias, by: who.sub })
    await audit(sql, req, who, 'workspace.alias_changed', row.subsidiary_code, { poolAlias: row.pool_alias })
    res.json({ subsidiary: row.subsidiary_code, name: row.name, poolAlias: row.pool_alias })
  })

  router.get('/admin/audit', async (req, res) => {
    const query = z.strictObject({ action: z.string().max(100).optional(), before: z.string().regex(/^\d+$/).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }).safeParse(req.query)
    if (!query.success) return send(res, invalidInput(query.error))
    const rows = await readAudit(sql, caller(req).acc, query.data)
    res.json({
      entries: rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, actorName: r.actor_name, workspace: r.workspace, action: r.action, target: r.target, details: r.details, ip: r.ip })),
    })
  })

  return router
}
