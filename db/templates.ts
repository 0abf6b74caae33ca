import type { Sql } from 'postgres'
import type { TemplateKind } from '../templates/template-set'

export interface TemplateVersionRow {
  id: string
  kind: TemplateKind
  key: string
  version: number
  content: unknown
  created_by: string
  note: string | null
  created_at: Date
}

export type TemplateVersionRef = Pick<TemplateVersionRow, 'id' | 'kind' | 'key' | 'version'>

/** "kind:key" → version number, what a campaign version pins. */
export type TemplatePins = Record<string, number>

/**
 * The versions a render uses: for each template the pinned version if `pins` names it, else the newest.
 * Only ids: contents are immutable and cached by id (see templates/template-store.ts), and so are these
 * refs, until the account's template generation moves (migration 044).
 */
export async function versionRefs(sql: Sql, accountId: string, pins: TemplatePins | null): Promise<TemplateVersionRef[]> {
  const pinned = sql`${pins ? sql.json(pins) : null}::jsonb`
  return sql<TemplateVersionRef[]>`
    select distinct on (kind, key) id, kind, key, version from template_versions
    where account_id = ${accountId}
      and (${pinned} ->> (kind || ':' || key) is null or version = (${pinned} ->> (kind || ':' || key))::int)
    order by kind, key, version desc`
}

export async function versionContents(sql: Sql, ids: string[]): Promise<{ id: string; content: unknown }[]> {
  if (!ids.length) return []
  return sql<{ id: string; content: unknown }[]>`select id, content from template_versions where id = any(${ids})`
}

export async function templateVersion(sql: Sql, accountId: string, kind: TemplateKind, key: string, version?: number): Promise<TemplateVersionRow | undefined> {
  const [row] = await sql<TemplateVersionRow[]>`
    select id, kind, key, version, content, created_by, note, created_at from template_versions
    where account_id = ${accountId} and kind = ${kind} and key = ${key} ${version === undefined ? sql`` : sql`and version = ${version}`}
    order by version desc limit 1`
  return row
}

export async function templateHistory(sql: Sql, accountId: string, kind: TemplateKind, key: string): Promise<Omit<TemplateVersionRow, 'content'>[]> {
  return sql<Omit<TemplateVersionRow, 'content'>[]>`
    select id, kind, key, version, created_by, note, created_at from template_versions
    where account_id = ${accountId} and kind = ${kind} and key = ${key} order by version desc`
}

/**
 * Stores content as the next version of a template. `ifLatest` makes the save conditional on the newest
 * version still being that number (an editor saving over someone else's newer version gets null).
 */
export async function saveTemplateVersion(
  sql: Sql,
  input: { accountId: string; kind: TemplateKind; key: string; content: unknown; createdBy: string; note?: string; ifLatest?: number },
): Promise<{ id: string; version: number; createdAt: Date } | null> {
  return sql.begin(async (sql) => {
    // Serialises saves of one template so version numbers never collide.
    await sql`select pg_advisory_xact_lock(hashtext(${`${input.accountId}:${input.kind}:${input.key}`}))`
    const [latest] = await sql<{ version: number }[]>`
      select coalesce(max(version), 0) as version from template_versions where account_id = ${input.accountId} and kind = ${input.kind} and key = ${input.key}`
    if (input.ifLatest !== undefined && latest!.version !== input.ifLatest) return null
    const [row] = await sql<{ id: string; version: number; created_at: Date }[]>`
      insert into template_versions (account_id, kind, key, version, content, created_by, note)
      values (${input.accountId}, ${input.kind}, ${input.key}, ${latest!.version + 1}, ${sql.json(input.content as never)}, ${input.createdBy}, ${input.note ?? null})
      returning id, version, created_at`
    return { id: row!.id, version: row!.version, createdAt: row!.created_at }
  })
}

/** The newest version of every template of the account: what a publish pins. */
export async function latestPins(sql: Sql, accountId: string): Promise<TemplatePins> {
  const rows = await versionRefs(sql, accountId, null)
  return Object.fromEntries(rows.map((row) => [`${row.kind}:${row.key}`, row.version]))
}

export const BUILT_IN = 'built-in'

/**
 * Loads the built-in templates (the repo's files) into an account: a template it does not have gets
 * version 1; one whose newest version came from the files gets a new version when the files changed.
 * A template someone edited is left alone. Idempotent: run at every start.
 */
export async function seedBuiltInTemplates(sql: Sql, accountId: string, items: { kind: TemplateKind; key: string; content: unknown }[]): Promise<number> {
  const newest = await sql<{ kind: string; key: string; content: unknown; created_by: string }[]>`
    select distinct on (kind, key) kind, key, content, created_by from template_versions
    where account_id = ${accountId} order by kind, key, version desc`
  const byKey = new Map(newest.map((row) => [`${row.kind}:${row.key}`, row]))
  let saved = 0
  for (const item of items) {
    const current = byKey.get(`${item.kind}:${item.key}`)
    if (current && (current.created_by !== BUILT_IN || sameJson(current.content, item.content))) continue
    await saveTemplateVersion(sql, { accountId, ...item, createdBy: BUILT_IN, note: current ? 'built-in templates updated' : 'built-in template' })
    saved += 1
  }
  return saved
}

// jsonb does not keep key order: compare canonically.
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(canonical) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => [k, canonical(v)])) : value
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}

/** The attribute keys the account's contacts carry: the contact.attributes.* a template may read without a warning. */
export async function contactAttributeKeys(sql: Sql, accountId: string): Promise<string[]> {
  const rows = await sql<{ key: string }[]>`select distinct jsonb_object_keys(attributes) as key from contacts where account_id = ${accountId}`
  return rows.map((row) => row.key)
}
