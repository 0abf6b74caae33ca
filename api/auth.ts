import type { NextFunction, Request, Response } from 'express'
import type { Sql } from 'postgres'
import { usableApiKey } from '../db/api-keys'
import { liveSession, type SessionPolicy } from '../db/sessions'
import { workspaceFor } from '../db/workspaces'
import { sha256 } from '../people/secrets'
import { readCookies } from '../tracking/visitors'
import { send, type ApiError } from './errors'
import type { Role } from './permissions'

export type { Role } from './permissions'

export const SESSION_COOKIE = 'kessler_session'
export const CSRF_COOKIE = 'kessler_csrf'
export const CSRF_HEADER = 'x-csrf-token'

/**
 * Who is calling: a signed-in user (session cookie) or an integration (API key). Sign-in produces it,
 * the permission table (api/permissions.ts) decides on it, and handlers narrow to its subsidiaries.
 */
export interface Caller {
  /** Who, as recorded in "published by", "decided by", the audit log: the user's e-mail or the key's name. */
  sub: string
  /** A person's name for histories; the key's name for keys. */
  name: string | null
  acc: string
  role: Role
  /** Subsidiary codes this caller may see, or "*" for all (HQ outside a workspace). */
  subs: string[] | '*'
  /** The subsidiary workspace the caller works in (its pool alias decides which contacts it sees), or null. */
  workspace: string | null
  /** When the session ends at the latest (seconds since the epoch); null for API keys. */
  exp: number | null
  via: 'session' | 'api_key'
  userId: string | null
  keyId: string | null
  /** The UI language the user chose; null: the browser's. */
  locale: string | null
  /** The session's token hash (session callers), for sign-out and workspace switches. */
  session: string | null
  /**
   * The API key's row came from requireCaller's cache (see `keyConfirmedByRoute`): the route must confirm
   * in its transaction that the key is not revoked (`apiKeyStillUsable`) before it stores anything.
   */
  keyUnconfirmed?: boolean
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller
  }
}

export interface AuthDeps {
  sql: Sql
  sessions: SessionPolicy
  /**
   * Requests whose route confirms the API key itself, among the reads of its own transaction (the events
   * API, where the key's lookup was a round trip of its own per batch): for these the key's row may come
   * from a cache of recently seen keys, and the caller is marked `keyUnconfirmed`. Every other route
   * looks the key up on each request, so a revocation takes effect at once everywhere.
   */
  keyConfirmedByRoute?: (req: Request) => boolean
}

/** The unauthenticated answer for a key that is unknown or revoked (also the events API's, once it confirmed a cached key). */
export const UNUSABLE_KEY: ApiError = { status: 401, code: 'unauthenticated', field: 'Authorization', message: 'Authorization: the API key is unknown or has been revoked' }

// A cached key is confirmed by its route anyway; the age limit keeps last_used_at (recorded at most once a
// minute, on a lookup) current and the bound keeps a flood of distinct keys from growing the map.
const CACHED_KEY_MS = 30_000
const CACHED_KEYS_AT_MOST = 1_000

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Every /api route except health and the sign-in routes runs behind this: an API key
 * (`Authorization: Bearer kc_…`) or a live session cookie. Cookie-authenticated writes must carry the
 * session's CSRF token in X-CSRF-Token and, when the browser says where the request comes from, come
 * from this origin: another site can make the browser send the cookie, but cannot read the token.
 */
export function requireCaller(deps: AuthDeps) {
  const recentKeys = new Map<string, { caller: Caller; until: number }>()
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const header = req.header('authorization') ?? ''
      if (header) {
        // Segment and RudderStack sources send their write key as the Basic user name: an API key works there too.
        const basic = /^Basic\s+(\S+)\s*$/i.exec(header)?.[1]
        const key = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? (basic ? Buffer.from(basic, 'base64').toString().split(':')[0] : undefined)
        if (!key) return send(res, { status: 401, code: 'unauthenticated', field: 'Authorization', message: 'Authorization: send "Bearer <API key>"' })
        const hash = sha256(key)
        const cacheable = deps.keyConfirmedByRoute?.(req) ?? false
        const recent = cacheable ? recentKeys.get(hash) : undefined
        if (recent && recent.until > Date.now()) {
          req.caller = { ...recent.caller, keyUnconfirmed: true }
          return next()
        }
        const row = await usableApiKey(deps.sql, hash)
        if (!row) return send(res, UNUSABLE_KEY)
        const subs = row.all_subsidiaries ? '*' : row.subsidiary_codes
        const workspace = subs !== '*' && subs.length === 1 && (await workspaceFor(deps.sql, row.account_id, subs[0]!)) ? subs[0]! : null
        req.caller = { sub: row.name, name: row.name, acc: row.account_id, role: row.role, subs, workspace, exp: null, via: 'api_key', userId: null, keyId: row.id, locale: null, session: null }
        if (cacheable) {
          if (recentKeys.size >= CACHED_KEYS_AT_MOST) recentKeys.clear()
          recentKeys.set(hash, { caller: req.caller, until: Date.now() + CACHED_KEY_MS })
        }
        return next()
      }
      const token = readCookies(req)[SESSION_COOKIE]
      if (!token) return send(res, { status: 401, code: 'unauthenticated', message: 'sign in, or send an API key as "Authorization: Bearer <API key>"' })
      const found = await liveSession(deps.sql, sha256(token), deps.sessions)
      if (!found) return send(res, { status: 401, code: 'session_expired', message: 'your session has ended; sign in again' })
      const { session, user } = found
      if (UNSAFE_METHODS.has(req.method)) {
        const origin = req.header('origin')
        if (origin && origin !== `${req.protocol}://${req.get('host')}`) return send(res, { status: 403, code: 'csrf', field: 'Origin', message: `Origin: ${origin} may not write with this session` })
        if (req.header(CSRF_HEADER) !== session.csrf_token) return send(res, { status: 403, code: 'csrf', field: 'X-CSRF-Token', message: 'X-CSRF-Token: missing or wrong; reload the page' })
      }
      req.caller = sessionCaller(user, session)
      next()
    } catch (error) {
      next(error)
    }
  }
}

/** A user's Caller in a session: HQ people see every subsidiary until they switch into a workspace. */
export function sessionCaller(
  user: { id: string; email: string; name: string; account_id: string; role: Role; all_subsidiaries: boolean; subsidiary_codes: string[]; locale: string | null },
  session: { token_hash: string; workspace_subsidiary: string | null; expires_at: Date; last_seen_at: Date },
  idleMs = 0,
): Caller {
  const own: string[] | '*' = user.all_subsidiaries ? '*' : user.subsidiary_codes
  // A workspace outside the user's subsidiaries (changed since the switch) is ignored.
  const chosen = session.workspace_subsidiary && (own === '*' || own.includes(session.workspace_subsidiary)) ? session.workspace_subsidiary : null
  const workspace = chosen ?? (own !== '*' && own.length === 1 ? own[0]! : null)
  const exp = Math.floor(Math.min(session.expires_at.getTime(), idleMs ? session.last_seen_at.getTime() + idleMs : Infinity) / 1000)
  return {
    sub: user.email,
    name: user.name,
    acc: user.account_id,
    role: user.role,
    subs: workspace ? [workspace] : own,
    workspace,
    exp,
    via: 'session',
    userId: user.id,
    keyId: null,
    locale: user.locale,
    session: session.token_hash,
  }
}

export function caller(req: Request): Caller {
  if (!req.caller) throw new Error('route is not behind requireCaller')
  return req.caller
}

// The scope rules live in the permission table's module; re-exported for the callers that import them from here.
export { authorsCampaigns, seesSubsidiary } from './permissions'
