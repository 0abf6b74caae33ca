import postgres, { type Sql } from 'postgres'

/** What a client is told to wait before trying again while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 2

// The driver's codes for a lost or refused connection, the socket's, and Postgres's own for a server
// shutting down or starting up (57P01 admin shutdown, 57P03 cannot connect now), connection exceptions
// (class 08) and too many connections (53300): the request was fine, the database was not there.
const UNAVAILABLE = new Set([
  'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT',
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006',
])

/** Whether an error means "the database is unreachable right now" rather than "this request is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false
  const e = error as { code?: unknown; errors?: unknown[]; cause?: unknown }
  if (typeof e.code === 'string' && UNAVAILABLE.has(e.code)) return true
  // net reports a refused dual-stack connect as an AggregateError of the attempts.
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable)) return true
  return e.cause !== undefined && e.cause !== error && isDatabaseUnavailable(e.cause)
}

/**
 * The app's and the workers' connection pool. A database restart must cost seconds, not a hung request:
 * reconnect attempts back off to at most one second (the driver's default grows to 20 s, which kept
 * requests waiting long after the database was back). A refused connection fails at once; the connect
 * timeout stays the driver's 30 s, as a busy machine can take seconds to start a backend.
 */
export function connectDatabase(url: string, options: { max: number; /** synchronous_commit off: for writes whose loss in a crash is safe */ relaxedCommit?: boolean }): Sql {
  return postgres(url, {
    max: options.max,
    onnotice: () => {},
    ...(options.relaxedCommit ? { connection: { synchronous_commit: 'off' } } : {}),
    backoff: (attempts: number) => Math.min(0.05 * 2 ** attempts, 1),
  })
}

/** Readiness: the database answers a trivial query within the deadline. */
export async function databaseAnswers(sql: Sql, deadlineMs = 2_000): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)))
  const probe = sql`select 1`.then(() => true, () => false)
  try {
    return await Promise.race([probe, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * For the app's and the worker's entry points: a database query that fails because the database went
 * away, and whose promise nobody was waiting on any more (a transaction already abandoned by the driver
 * when its connection closed), is logged instead of ending the process. Any other unhandled rejection
 * still ends it, as Node does by default.
 */
export function surviveDatabaseOutages(log: (message: string) => void = console.error): void {
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) {
      const query = (reason as { query?: string }).query
      log(`database unreachable; a query nobody waited for failed: ${(reason as Error).message}${query ? ` (${query.replace(/\s+/g, ' ').slice(0, 120)})` : ''}`)
      return
    }
    console.error(reason)
    process.exit(1)
  })
}
