import type { Sql } from 'postgres'

/**
 * Collects calls made within one turn of the event loop (up to `max`) and runs them as one database
 * round trip: concurrent SMTP connections each mark their mail, and Postgres sees one statement.
 */
export function microBatch<T, R>(run: (items: T[]) => Promise<R[]>, max = 500): (item: T) => Promise<R> {
  let pending: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = []
  let scheduled = false
  const flush = () => {
    scheduled = false
    const batch = pending
    pending = []
    run(batch.map((entry) => entry.item)).then(
      (results) => batch.forEach((entry, i) => entry.resolve(results[i]!)),
      (error) => batch.forEach((entry) => entry.reject(error)),
    )
  }
  return (item) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject })
      if (pending.length >= max) flush()
      else if (!scheduled) {
        scheduled = true
        setImmediate(() => pending.length && flush())
      }
    })
}

/**
 * One micro-batch per database handle: marks made on one sql go out together, on that sql (a send's
 * database is its deps'; tests and the bench run several at once).
 */
export function microBatchPerSql<T, R>(run: (sql: Sql, items: T[]) => Promise<R[]>): (sql: Sql, item: T) => Promise<R> {
  const batches = new WeakMap<Sql, (item: T) => Promise<R>>()
  return (sql, item) => {
    let batch = batches.get(sql)
    if (!batch) {
      batch = microBatch((items: T[]) => run(sql, items))
      batches.set(sql, batch)
    }
    return batch(item)
  }
}
