import { Router, type Request } from 'express'
import type { Sql } from 'postgres'
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '../db/api-keys'
import { readAudit, recordAudit } from '../db/audit'
import { revokeUserSessions, setSessionWorkspace } from '../db/sessions'
import { insertUser, listUsers, updateUser, userById, type UserRow } from '../db/users'
import { listWorkspaces, poolAliasIssues, saveWorkspace, workspaceFor } from '../db/workspaces'
import { newApiKey } from '../people/secrets'
import type { Caller } from './auth'
import { route } from './contract/mount'
import { admin, people } from './contract/people'
import { system } from './contract/system'
import { notFound, type ApiError } from './errors'
import { describeCaller, mailUserLink, signOut, type PeopleDeps } from './people'
import { HQ_ROLES, ROLES, type Role } from './permissions'

// Who am I, my language, my workspace; and the admin's side: users, API keys, workspaces (pool aliases)
// and the audit log. Each route's permission is in api/permissions.ts.

export { LOCALES } from './contract/people'

const userView = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  subsidiaries: u.all_subsidiaries ? ('*' as const) : u.subsidiary_codes,
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
  subsidiaries: k.all_subsidiaries ? ('*' as const) : k.subsidiary_codes,
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

  route(router, people.changeMe, async ({ body, who }) => {
    if (!who.userId) return { status: 400, code: 'not_a_user', message: 'API keys have no language; the UI language belongs to a signed-in user' }
    await updateUser(sql, who.acc, who.userId, { locale: body.locale })
    return { status: 200, body: { ...describeCaller(who), locale: body.locale } }
  })

  route(router, people.signOut, ({ who, req, res }) => signOut(sql, req, res, who, false))
  route(router, people.signOutEverywhere, ({ who, req, res }) => signOut(sql, req, res, who, true))

  // The workspaces the caller may work in: HQ all, a subsidiary's people theirs.
  route(router, people.workspaces, async ({ who }) => {
    const own = who.via === 'session' && who.userId ? await userById(sql, who.acc, who.userId) : null
    const allowed = own ? (own.all_subsidiaries ? '*' : own.subsidiary_codes) : who.subs
    const rows = (await listWorkspaces(sql, who.acc)).filter((w) => allowed === '*' || allowed.includes(w.subsidiary_code))
    return { status: 200, body: { current: who.workspace, mayLeave: allowed === '*', workspaces: rows.map((w) => ({ subsidiary: w.subsidiary_code, name: w.name, poolAlias: w.pool_alias })) } }
  })

  // HQ switches into a workspace (or back to the global view with null); subsidiary people between theirs.
  route(router, people.switchWorkspace, async ({ body, who, req }) => {
    if (who.via !== 'session' || !who.userId) return { status: 400, code: 'not_a_session', message: 'an API key\'s scope is fixed when it is created' }
    const user = (await userById(sql, who.acc, who.userId))!
    const target = body.subsidiary
    if (target === null && !user.all_subsidiaries) return { status: 403, code: 'forbidden', field: 'subsidiary', message: 'subsidiary: only HQ works outside a workspace' }
    if (target !== null) {
      if (!user.all_subsidiaries && !user.subsidiary_codes.includes(target)) return { status: 403, code: 'forbidden', field: 'subsidiary', message: `subsidiary: ${target} is not one of your subsidiaries` }
      if (!(await workspaceFor(sql, who.acc, target))) return notFound(`workspace ${target}`)
    }
    await setSessionWorkspace(sql, who.session!, target)
    await audit(sql, req, who, 'workspace.switch', target ?? 'global')
    return { status: 200, body: { workspace: target } }
  })

  route(router, admin.users, async ({ who }) => ({ status: 200, body: { users: (await listUsers(sql, who.acc)).map(userView) } }))

  route(router, admin.invite, async ({ body, who, req }) => {
    const problem = scopeProblem(body.role, body.subsidiaries) ?? (await unknownSubsidiary(sql, who.acc, body.subsidiaries))
    if (problem) return problem
    const user = await insertUser(sql, { accountId: who.acc, email: body.email, name: body.name, role: body.role, allSubsidiaries: body.subsidiaries === '*', subsidiaryCodes: body.subsidiaries === '*' ? [] : body.subsidiaries, locale: body.locale })
    if (!user) return { status: 409, code: 'conflict', field: 'email', message: `email: ${body.email} already has an account` }
    const { link } = await mailUserLink(deps, req, user, 'invitation', { email: who.sub, name: who.name })
    await audit(sql, req, who, 'user.invited', user.email, { role: user.role, subsidiaries: body.subsidiaries })
    return { status: 201, body: { user: userView(user), invitationExpiresAt: link.expires_at } }
  })

  route(router, admin.resendInvitation, async ({ params, who, req }) => {
    const user = await userById(sql, who.acc, params.id)
    if (!user) return notFound('user')
    if (user.status !== 'invited') return { status: 409, code: 'conflict', field: 'status', message: 'status: this user has accepted the invitation already' }
    const { link } = await mailUserLink(deps, req, user, 'invitation', { email: who.sub, name: who.name })
    await audit(sql, req, who, 'user.invitation_resent', user.email)
    return { status: 200, body: { invitationExpiresAt: link.expires_at } }
  })

  route(router, admin.changeUser, async ({ params, body: change, who, req }) => {
    const before = await userById(sql, who.acc, params.id)
    if (!before) return notFound('user')
    const role = change.role ?? before.role
    const subsidiaries = change.subsidiaries ?? (before.all_subsidiaries ? '*' : before.subsidiary_codes)
    const problem = scopeProblem(role, subsidiaries) ?? (await unknownSubsidiary(sql, who.acc, subsidiaries))
    if (problem) return problem
    if (before.id === who.userId && (change.status === 'disabled' || (change.role && change.role !== 'admin'))) {
      return { status: 409, code: 'conflict', field: change.status ? 'status' : 'role', message: 'you cannot disable yourself or take away your own admin role' }
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
    return { status: 200, body: { user: userView(after) } }
  })

  route(router, admin.apiKeys, async ({ who }) => ({ status: 200, body: { keys: (await listApiKeys(sql, who.acc)).map(keyView) } }))

  route(router, admin.createApiKey, async ({ body, who, req }) => {
    const problem = scopeProblem(body.role, body.subsidiaries) ?? (await unknownSubsidiary(sql, who.acc, body.subsidiaries))
    if (problem) return problem
    const fresh = newApiKey()
    const row = await insertApiKey(sql, { accountId: who.acc, name: body.name, hash: fresh.hash, prefix: fresh.prefix, role: body.role, allSubsidiaries: body.subsidiaries === '*', subsidiaryCodes: body.subsidiaries === '*' ? [] : body.subsidiaries, createdBy: who.sub })
    await audit(sql, req, who, 'api_key.created', row.name, { id: row.id, role: row.role, subsidiaries: body.subsidiaries })
    // The key itself is in this answer only; the database keeps its hash.
    return { status: 201, body: { key: fresh.key, apiKey: keyView(row) } }
  })

  route(router, admin.revokeApiKey, async ({ params, who, req }) => {
    const row = await revokeApiKey(sql, who.acc, params.id, who.sub)
    if (!row) return notFound('API key')
    await audit(sql, req, who, 'api_key.revoked', row.name, { id: row.id })
    return { status: 200, body: { apiKey: keyView(row) } }
  })

  route(router, admin.workspaces, async ({ who }) => {
    const rows = await listWorkspaces(sql, who.acc)
    return { status: 200, body: { workspaces: rows.map((w) => ({ subsidiary: w.subsidiary_code, name: w.name, poolAlias: w.pool_alias, updatedAt: w.updated_at, updatedBy: w.updated_by })) } }
  })

  route(router, admin.saveWorkspace, async ({ params, body, who, req }) => {
    if (await unknownSubsidiary(sql, who.acc, [params.code])) return notFound(`subsidiary ${params.code}`)
    const issues = poolAliasIssues(body.poolAlias)
    if (issues.length) return { status: 400, code: 'invalid_input', field: `poolAlias.${issues[0]!.field}`, message: issues.map((i) => `poolAlias.${i.field}: ${i.message}`).join('; ') }
    const row = await saveWorkspace(sql, { accountId: who.acc, code: params.code, name: body.name, alias: body.poolAlias, by: who.sub })
    await audit(sql, req, who, 'workspace.alias_changed', row.subsidiary_code, { poolAlias: row.pool_alias })
    return { status: 200, body: { subsidiary: row.subsidiary_code, name: row.name, poolAlias: row.pool_alias } }
  })

  route(router, admin.audit, async ({ query, who }) => {
    const rows = await readAudit(sql, who.acc, query)
    return {
      status: 200,
      body: { entries: rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, actorName: r.actor_name, workspace: r.workspace, action: r.action, target: r.target, details: r.details, ip: r.ip })) },
    }
  })

  return router
}
