import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Sql } from 'postgres'

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))

/**
 * Applies the numbered .sql files not yet recorded, all in one transaction, so a failed migration
 * leaves the schema as it was. An advisory lock keeps two starting app instances from racing.
 */
export async function migrate(sql: Sql): Promise<string[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((name) => /^\d+_.+\.sql$/.test(name)).sort()
  return sql.begin(async (sql) => {
    await sql`select pg_advisory_xact_lock(727274)`
    await sql`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`
    const done = new Set((await sql<{ name: string }[]>`select name from schema_migrations`).map((row) => row.name))
    const applied: string[] = []
    for (const name of files) {
      if (done.has(name)) continue
      await sql.unsafe(await readFile(MIGRATIONS_DIR + name, 'utf8'))
      await sql`insert into schema_migrations (name) values (${name})`
      applied.push(name)
    }
    return applied
  })
}
