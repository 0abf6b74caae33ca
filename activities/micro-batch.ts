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
