import type { ISql, Sql } from 'postgres'

// The audit log (audit_log, migration 014): sign-ins, permission and key changes, workspace switches,
// exports, erasures and contact edits. Written beside the change it records; read by admins.

export interface AuditEntry {
  accountId: string | null
  actor: string
  actorName?: string | null
  workspace?: string | null
  action: string
  target?: string | null
  details?: Record<string, unknown>
  ip?: string | null
}

export async function recordAudit(sql: ISql, entry: AuditEntry): Promise<void> {
  await sql`
    insert into audit_log (account_id, actor, actor_name, workspace, action, target, details, ip)
    values (${entry.accountId}, ${entry.actor}, ${entry.actorName ?? null}, ${entry.workspace ?? null}, ${entry.action},
            ${entry.target ?? null}, ${(sql as Sql).json((entry.details ?? {}) as never)}, ${entry.ip ?? null})`
}

export interface AuditRow {
  id: string
  at: Date
  actor: string
  actor_name: string | null
  workspace: string | null
  action: string
  target: string | null
  details: Record<string, unknown>
  ip: string | null
}

export async function readAudit(sql: Sql, accountId: string, options: { action?: string; before?: string; limit: number }): Promise<AuditRow[]> {
  return sql<AuditRow[]>`
    select id::text, at, actor, actor_name, workspace, action, target, details, ip from audit_log
    where account_id = ${accountId}
      ${options.action ? sql`and action like ${`${options.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : sql``}
      ${options.before ? sql`and id < ${options.before}::bigint` : sql``}
    order by id desc limit ${options.limit}`
}
