import type { Fragment, ISql, Sql, TransactionSql } from 'postgres'
import type { z } from 'zod'
import { poolAliasSchema, segmentFilterIssues } from '../engine/segment-filter'
import { segmentCondition } from './segments'

// Subsidiary workspaces over the one global contact pool (migration 014). A workspace's pool alias is a
// filter in the rule language of condition steps and segments: the contact belongs when any of its rule
// sets holds ("subsidiary is FR", or "country = BE and language = fr"). There is one contact record; a
// workspace is a view of it.

export { poolAliasSchema }
export type PoolAlias = z.output<typeof poolAliasSchema>

export function poolAliasIssues(alias: PoolAlias): { field: string; message: string }[] {
  return alias.anyOf.flatMap((set, i) => segmentFilterIssues(set).map((issue) => ({ ...issue, field: `anyOf.${i}.${issue.field.replace(/^filter\./, '')}` })))
}

/** The alias as a condition on `contacts c`, compiled by the same code as segments (db/segments.ts). */
export function poolAliasCondition(sql: ISql, alias: PoolAlias): Fragment {
  const [first, ...rest] = alias.anyOf.map((set) => segmentCondition(sql, set))
  return rest.reduce((all, part) => sql`${all} or (${part})`, sql`(${first!})`)
}

export interface WorkspaceRow {
  id: string
  account_id: string
  subsidiary_code: string
  name: string
  pool_alias: PoolAlias
  updated_at: Date
  updated_by: string
  /** When the members were last brought up to date, and last recomputed over the whole pool. */
  members_refreshed_at: Date | null
  members_full_at: Date | null
}

export const listWorkspaces = (sql: Sql, accountId: string) =>
  sql<WorkspaceRow[]>`select * from workspaces where account_id = ${accountId} order by subsidiary_code`

export const workspaceFor = async (sql: ISql, accountId: string, code: string) =>
  (await (sql as Sql)<WorkspaceRow[]>`select * from workspaces where account_id = ${accountId} and subsidiary_code = ${code}`)[0] ?? null

export async function saveWorkspace(sql: Sql, workspace: { accountId: string; code: string; name: string; alias: PoolAlias; by: string }): Promise<WorkspaceRow> {
  const [row] = await sql<WorkspaceRow[]>`
    insert into workspaces (account_id, subsidiary_code, name, pool_alias, updated_by)
    values (${workspace.accountId}, ${workspace.code}, ${workspace.name}, ${sql.json(workspace.alias as never)}, ${workspace.by})
    on conflict (account_id, subsidiary_code) do update set name = excluded.name, pool_alias = excluded.pool_alias, updated_at = now(), updated_by = excluded.updated_by
    returning *`
  return row!
}

// An incremental refresh looks this far back before the previous one, for contacts changed by a
// transaction that was still open then; the full one catches anything older than that.
const REFRESH_MARGIN = '2 minutes'
const FULL_REFRESH_EVERY_MS = 5 * 60_000

/**
 * Brings workspace_contacts up to date with the alias, as system code (no scope set: sees the whole pool).
 * Runs before each scoped request, so a contact that came in or changed a moment ago is in (or out). It
 * looks only at contacts whose pool-relevant columns changed since the previous refresh (pool_changed_at,
 * migration 029); the whole pool is recomputed when the alias changed, every five minutes, and always for
 * aliases with persona or score rules, whose facts live in other tables.
 */
export async function refreshWorkspaceMembers(sql: ISql, workspace: WorkspaceRow): Promise<void> {
  const matches = poolAliasCondition(sql, workspace.pool_alias)
  const [{ started }] = (await sql`select clock_timestamp() as started`) as unknown as [{ started: Date }]
  const readsOtherTables = workspace.pool_alias.anyOf.some((set) => set.rules.some((rule) => rule.kind === 'persona' || rule.kind === 'score'))
  const full =
    readsOtherTables ||
    !workspace.members_refreshed_at ||
    !workspace.members_full_at ||
    workspace.members_full_at < workspace.updated_at ||
    started.getTime() - workspace.members_full_at.getTime() > FULL_REFRESH_EVERY_MS
  const changed = full ? sql`true` : sql`c.pool_changed_at > ${workspace.members_refreshed_at}::timestamptz - ${REFRESH_MARGIN}::interval`
  await sql`
    delete from workspace_contacts wc using contacts c
    where wc.workspace_id = ${workspace.id} and c.id = wc.contact_id and ${changed} and not coalesce((${matches}), false)`
  await sql`
    insert into workspace_contacts (workspace_id, contact_id)
    select ${workspace.id}, c.id from contacts c where c.account_id = ${workspace.account_id} and ${changed} and (${matches})
    on conflict do nothing`
  // Skip locked: a concurrent request holding the row keeps the older mark, which only means more work
  // next time, never a contact missed (and requests of one workspace never queue behind each other here).
  // An alias saved meanwhile (updated_at moved) leaves the marks alone, so the next request recomputes.
  await sql`
    update workspaces set members_refreshed_at = ${started}, members_full_at = ${full ? started : sql`members_full_at`}
    where id = (
      select id from workspaces
      where id = ${workspace.id} and date_trunc('milliseconds', updated_at) = ${workspace.updated_at} and (members_refreshed_at is null or members_refreshed_at < ${started})
      for update skip locked)`
}

/** Whose contacts a request may touch: the account, and the workspace or the subsidiaries within it. */
export interface ContactScope {
  accountId: string
  /** The subsidiary code of the workspace the caller works in, if any. */
  workspace: string | null
  subsidiaries: readonly string[] | '*'
}

/**
 * Runs `work` in a transaction that the database itself limits to the caller's contacts: the session
 * settings kessler.account / kessler.workspace / kessler.subsidiaries are set for this transaction only
 * and the role is switched to kessler_scoped, which the row-level security policy on contacts applies to
 * (superusers and table owners without FORCE would skip it). Queries inside may still filter; if one
 * forgets to, it gets nothing outside the scope.
 */
export async function withContactScope<T>(sql: Sql, scope: ContactScope, work: (sql: TransactionSql) => Promise<T>): Promise<T> {
  // The members are refreshed before the transaction, so its statements commit at once and concurrent
  // requests of one workspace do not wait for each other's transactions.
  const workspace = scope.workspace ? await workspaceFor(sql, scope.accountId, scope.workspace) : null
  if (workspace) await refreshWorkspaceMembers(sql, workspace)
  return sql.begin(async (sql) => {
    await sql`
      select set_config('kessler.account', ${scope.accountId}, true),
             set_config('kessler.workspace', ${workspace?.id ?? ''}, true),
             set_config('kessler.subsidiaries', ${scope.subsidiaries === '*' ? '*' : scope.subsidiaries.join(',') || '-'}, true)`
    await sql`set local role kessler_scoped`
    return work(sql)
  }) as Promise<T>
}

// ---- the contact's history ----

export interface ContactHistoryRow {
  at: Date
  actor: string
  actor_name: string | null
  workspace: string | null
  changes: Record<string, { from: unknown; to: unknown }>
}

export async function recordContactChange(
  sql: ISql,
  entry: { accountId: string; contactId: string; actor: string; actorName: string | null; workspace: string | null; changes: ContactHistoryRow['changes'] },
): Promise<void> {
  await sql`
    insert into contact_history (account_id, contact_id, actor, actor_name, workspace, changes)
    values (${entry.accountId}, ${entry.contactId}, ${entry.actor}, ${entry.actorName}, ${entry.workspace}, ${(sql as Sql).json(entry.changes as never)})`
}

export const contactHistory = (sql: ISql, contactId: string) =>
  (sql as Sql)<ContactHistoryRow[]>`select at, actor, actor_name, workspace, changes from contact_history where contact_id = ${contactId} order by at desc, id desc limit 100`
