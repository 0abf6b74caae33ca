import type { Sql } from 'postgres'
import type { UserRow } from './users'

// Server-side sessions (migration 014). The cookie carries a random token; the table keys on its SHA-256,
// so a leaked table does not hand out sessions. A session ends at its absolute expiry, after the idle
// limit without a request, at sign-out, or when its user signs out everywhere or is disabled.

export interface SessionRow {
  token_hash: string
  user_id: string
  account_id: string
  csrf_token: string
  workspace_subsidiary: string | null
  created_at: Date
  last_seen_at: Date
  expires_at: Date
}

export interface SessionPolicy {
  idleMs: number
  absoluteMs: number
}

export async function createSession(
  sql: Sql,
  session: { tokenHash: string; userId: string; accountId: string; csrfToken: string; workspace: string | null; userAgent: string | null; ip: string | null },
  policy: SessionPolicy,
): Promise<SessionRow> {
  const [row] = await sql<SessionRow[]>`
    insert into sessions (token_hash, user_id, account_id, csrf_token, workspace_subsidiary, expires_at, user_agent, ip)
    values (${session.tokenHash}, ${session.userId}, ${session.accountId}, ${session.csrfToken}, ${session.workspace},
            now() + ${policy.absoluteMs / 1000} * interval '1 second', ${session.userAgent}, ${session.ip})
    returning *`
  return row!
}

/**
 * The live session with its user, or null. Touches last_seen_at (at most every 30 s, to spare writes),
 * which is what keeps an active session from idling out.
 */
export async function liveSession(sql: Sql, tokenHash: string, policy: SessionPolicy): Promise<{ session: SessionRow; user: UserRow } | null> {
  const [row] = await sql<(SessionRow & { user: UserRow })[]>`
    select s.*, to_jsonb(u) as user from sessions s join users u on u.id = s.user_id
    where s.token_hash = ${tokenHash} and s.revoked_at is null and s.expires_at > now()
      and s.last_seen_at > now() - ${policy.idleMs / 1000} * interval '1 second'
      and u.status = 'active'`
  if (!row) return null
  if (Date.now() - row.last_seen_at.getTime() > 30_000) {
    await sql`update sessions set last_seen_at = now() where token_hash = ${tokenHash}`
  }
  const { user, ...session } = row
  return { session, user: { ...user, locked_until: user.locked_until && new Date(user.locked_until), created_at: new Date(user.created_at), updated_at: new Date(user.updated_at) } }
}

export async function revokeSession(sql: Sql, tokenHash: string): Promise<void> {
  await sql`update sessions set revoked_at = now() where token_hash = ${tokenHash} and revoked_at is null`
}

/** Every session of the user ends (sign out everywhere, password reset, disabled user). */
export async function revokeUserSessions(sql: Sql, userId: string): Promise<number> {
  const done = await sql`update sessions set revoked_at = now() where user_id = ${userId} and revoked_at is null`
  return done.count
}

export async function setSessionWorkspace(sql: Sql, tokenHash: string, workspace: string | null): Promise<void> {
  await sql`update sessions set workspace_subsidiary = ${workspace} where token_hash = ${tokenHash}`
}
