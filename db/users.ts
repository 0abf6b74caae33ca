import type { Sql } from 'postgres'
import type { Role } from '../people/roles'

// Users, their invitation and reset links, and sign-in attempts (migration 014).

export interface UserRow {
  id: string
  account_id: string
  email: string
  name: string
  role: Role
  all_subsidiaries: boolean
  subsidiary_codes: string[]
  locale: string | null
  password_hash: string | null
  status: 'invited' | 'active' | 'disabled'
  failed_sign_ins: number
  locked_until: Date | null
  created_at: Date
  updated_at: Date
}

export const userByEmail = async (sql: Sql, email: string) =>
  (await sql<UserRow[]>`select * from users where lower(email) = lower(${email})`)[0] ?? null

export const userById = async (sql: Sql, accountId: string, id: string) =>
  (await sql<UserRow[]>`select * from users where id = ${id} and account_id = ${accountId}`)[0] ?? null

export const listUsers = (sql: Sql, accountId: string) => sql<UserRow[]>`select * from users where account_id = ${accountId} order by lower(name)`

export interface NewUser {
  accountId: string
  email: string
  name: string
  role: Role
  allSubsidiaries: boolean
  subsidiaryCodes: string[]
  locale: string | null
  passwordHash?: string | null
}

/** A new user, invited (no password) unless a password hash is given; null when the address is taken. */
export async function insertUser(sql: Sql, user: NewUser): Promise<UserRow | null> {
  const [row] = await sql<UserRow[]>`
    insert into users (account_id, email, name, role, all_subsidiaries, subsidiary_codes, locale, password_hash, status)
    values (${user.accountId}, ${user.email}, ${user.name}, ${user.role}, ${user.allSubsidiaries}, ${user.subsidiaryCodes},
            ${user.locale}, ${user.passwordHash ?? null}, ${user.passwordHash ? 'active' : 'invited'})
    on conflict do nothing returning *`
  return row ?? null
}

export interface UserChange {
  name?: string
  role?: Role
  allSubsidiaries?: boolean
  subsidiaryCodes?: string[]
  locale?: string | null
  status?: 'active' | 'disabled'
}

export async function updateUser(sql: Sql, accountId: string, id: string, change: UserChange): Promise<UserRow | null> {
  const [row] = await sql<UserRow[]>`
    update users set
      name = coalesce(${change.name ?? null}, name),
      role = coalesce(${change.role ?? null}, role),
      all_subsidiaries = coalesce(${change.allSubsidiaries ?? null}, all_subsidiaries),
      subsidiary_codes = coalesce(${change.subsidiaryCodes ?? null}::text[], subsidiary_codes),
      locale = case when ${change.locale !== undefined} then ${change.locale ?? null} else locale end,
      status = case when ${change.status ?? null}::text is null then status
                    when ${change.status ?? null} = 'active' and password_hash is null then 'invited'
                    else ${change.status ?? null} end,
      updated_at = now()
    where id = ${id} and account_id = ${accountId} returning *`
  return row ?? null
}

/** Sets the password and makes the user active (accepting an invitation, resetting); clears a lockout. */
export async function setPassword(sql: Sql, userId: string, passwordHash: string, name?: string): Promise<void> {
  await sql`
    update users set password_hash = ${passwordHash}, status = case when status = 'disabled' then 'disabled' else 'active' end,
      name = coalesce(${name ?? null}, name), failed_sign_ins = 0, locked_until = null, updated_at = now()
    where id = ${userId}`
}

// ---- sign-in throttling and lockout ----

export interface LockoutPolicy {
  /** Failed sign-ins in a row that lock an address. */
  maxFailures: number
  /** How long a locked address stays locked. */
  lockMs: number
  /** Failed sign-ins from one client within the window before it is throttled (password spraying). */
  maxFailuresPerClient: number
  windowMs: number
}

export async function recordSignInAttempt(sql: Sql, email: string, ip: string | null, succeeded: boolean): Promise<void> {
  await sql`insert into login_attempts (email, ip, succeeded) values (${email}, ${ip}, ${succeeded})`
  await sql`delete from login_attempts where at < now() - interval '1 day'`
}

/** When the client may try again, if it has failed too often lately (whatever the address). */
export async function clientThrottledUntil(sql: Sql, ip: string | null, policy: LockoutPolicy): Promise<Date | null> {
  if (!ip) return null
  const [row] = await sql<{ n: number; first: Date | null }[]>`
    select count(*)::int as n, min(at) as first from login_attempts
    where ip = ${ip} and not succeeded and at > now() - ${policy.windowMs / 1000} * interval '1 second'`
  if (!row || row.n < policy.maxFailuresPerClient) return null
  return new Date(row.first!.getTime() + policy.windowMs)
}

/** Counts a failed password; the address locks at the limit. Returns the lock's end when it locked. */
export async function recordFailedSignIn(sql: Sql, userId: string, policy: LockoutPolicy): Promise<Date | null> {
  const [row] = await sql<{ locked_until: Date | null }[]>`
    update users set failed_sign_ins = failed_sign_ins + 1,
      locked_until = case when failed_sign_ins + 1 >= ${policy.maxFailures} then now() + ${policy.lockMs / 1000} * interval '1 second' else locked_until end
    where id = ${userId} returning locked_until`
  return row?.locked_until && row.locked_until > new Date() ? row.locked_until : null
}

export async function clearFailedSignIns(sql: Sql, userId: string): Promise<void> {
  await sql`update users set failed_sign_ins = 0, locked_until = null where id = ${userId}`
}

// ---- invitation and reset links ----

export interface UserLinkRow {
  id: string
  user_id: string
  purpose: 'invitation' | 'password_reset'
  expires_at: Date
  used_at: Date | null
}

/** A new link; earlier unused links of the same purpose stop working (only the newest mail counts). */
export async function createUserLink(sql: Sql, userId: string, purpose: UserLinkRow['purpose'], validMs: number, createdBy: string): Promise<UserLinkRow> {
  return sql.begin(async (sql) => {
    await sql`update user_links set used_at = now() where user_id = ${userId} and purpose = ${purpose} and used_at is null`
    const [row] = await sql<UserLinkRow[]>`
      insert into user_links (user_id, purpose, expires_at, created_by)
      values (${userId}, ${purpose}, now() + ${validMs / 1000} * interval '1 second', ${createdBy}) returning *`
    return row!
  })
}

/** The link if it is unused and unexpired. */
export async function usableUserLink(sql: Sql, id: string, purpose: UserLinkRow['purpose']): Promise<UserLinkRow | null> {
  const [row] = await sql<UserLinkRow[]>`
    select * from user_links where id = ${id} and purpose = ${purpose} and used_at is null and expires_at > now()`
  return row ?? null
}

/** Uses the link once: false when someone used it first. */
export async function useUserLink(sql: Sql, id: string): Promise<boolean> {
  const done = await sql`update user_links set used_at = now() where id = ${id} and used_at is null and expires_at > now()`
  return done.count === 1
}
