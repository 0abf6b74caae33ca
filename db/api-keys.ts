import type { ISql, Sql } from 'postgres'
import type { Role } from '../people/roles'

// API keys for integrations (migration 014): stored as SHA-256 of the key, which is shown once.

export interface ApiKeyRow {
  id: string
  account_id: string
  name: string
  prefix: string
  role: Role
  all_subsidiaries: boolean
  subsidiary_codes: string[]
  created_by: string
  created_at: Date
  last_used_at: Date | null
  revoked_at: Date | null
  revoked_by: string | null
}

export interface NewApiKey {
  accountId: string
  name: string
  hash: string
  prefix: string
  role: Role
  allSubsidiaries: boolean
  subsidiaryCodes: string[]
  createdBy: string
}

const COLUMNS = 'id, account_id, name, prefix, role, all_subsidiaries, subsidiary_codes, created_by, created_at, last_used_at, revoked_at, revoked_by'

export async function insertApiKey(sql: Sql, key: NewApiKey): Promise<ApiKeyRow> {
  const [row] = await sql<ApiKeyRow[]>`
    insert into api_keys (account_id, name, key_hash, prefix, role, all_subsidiaries, subsidiary_codes, created_by)
    values (${key.accountId}, ${key.name}, ${key.hash}, ${key.prefix}, ${key.role}, ${key.allSubsidiaries}, ${key.subsidiaryCodes}, ${key.createdBy})
    returning ${sql.unsafe(COLUMNS)}`
  return row!
}

/** The unrevoked key with this hash; records its use (at most once a minute, to spare writes). */
export async function usableApiKey(sql: Sql, hash: string): Promise<ApiKeyRow | null> {
  const [row] = await sql<ApiKeyRow[]>`select ${sql.unsafe(COLUMNS)} from api_keys where key_hash = ${hash} and revoked_at is null`
  if (!row) return null
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await sql`update api_keys set last_used_at = now() where id = ${row.id}`
  }
  return row
}

/**
 * Whether the key is still unrevoked, as a statement a transaction can send among its other reads (no
 * round trip of its own): a route that took the key's row from requireCaller's cache confirms it here.
 */
export const apiKeyStillUsable = (sql: ISql, keyId: string) =>
  (sql as Sql)<{ usable: boolean }[]>`select exists(select 1 from api_keys where id = ${keyId} and revoked_at is null) as usable`

export const listApiKeys = (sql: Sql, accountId: string) =>
  sql<ApiKeyRow[]>`select ${sql.unsafe(COLUMNS)} from api_keys where account_id = ${accountId} order by revoked_at nulls first, created_at desc`

/** Revokes the key; null when there is no such key, the row (already revoked or not) otherwise. */
export async function revokeApiKey(sql: Sql, accountId: string, id: string, by: string): Promise<ApiKeyRow | null> {
  const [row] = await sql<ApiKeyRow[]>`
    update api_keys set revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, ${by})
    where id = ${id} and account_id = ${accountId} returning ${sql.unsafe(COLUMNS)}`
  return row ?? null
}
