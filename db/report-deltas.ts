import type { Sql } from 'postgres'

/**
 * Owner of report_deltas and report_fold_failures (migration 021_a): the facts the writers' triggers queued
 * for the reporting aggregates, and folding them in. The fold itself is SQL (report_fold), so a delta and
 * the aggregates it changes commit together.
 */

/** Folds up to `limit` deltas in one transaction; -1 when another folder is at work. */
export async function foldDeltas(sql: Sql, limit: number): Promise<number> {
  const [row] = await sql<{ folded: number }[]>`select report_fold(${limit}) as folded`
  return row!.folded
}

/**
 * After a fold failed: the next deltas one at a time, each in its own transaction; one that fails again is
 * moved to report_fold_failures with its error, so the deltas behind it are not held up. Answers how many
 * were folded and the failures.
 */
export async function foldOneByOne(sql: Sql, limit: number): Promise<{ folded: number; failed: { id: string; fact: string; error: string }[] }> {
  const ids = await sql<{ id: string }[]>`select id from report_deltas order by id limit ${limit}`
  const failed: { id: string; fact: string; error: string }[] = []
  let folded = 0
  for (const { id } of ids) {
    try {
      await sql.begin(async (sql) => {
        const [locked] = await sql<{ ok: boolean }[]>`select pg_try_advisory_xact_lock(727311) as ok`
        if (!locked!.ok) throw new Error('another folder is at work')
        await sql`select report_fold_one(${id})`
      })
      folded++
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (message === 'another folder is at work') break
      const [moved] = await sql<{ fact: string }[]>`
        with gone as (delete from report_deltas where id = ${id} returning *)
        insert into report_fold_failures (delta_id, fact, source_id, machine, snapshot, error)
        select id, fact, source_id, machine, snapshot, ${message} from gone returning fact`
      if (moved) failed.push({ id, fact: moved.fact, error: message })
    }
  }
  return { folded, failed }
}

export async function pendingDeltas(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from report_deltas`
  return row!.n
}
