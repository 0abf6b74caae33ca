import { asyncLocalStorage, type Context } from '@temporalio/activity'

// Helpers for activities that also run outside Temporal (called directly in tests): there is then no
// attempt count, nobody to heartbeat to and nothing that cancels.

// Read from the SDK's store rather than through Context.current(), which throws outside an activity: the
// error's stack trace cost 40 µs per mail where sends are called directly (bench: sending, profile).
function current(): Context | null {
  return asyncLocalStorage.getStore() ?? null
}

/** Which attempt of this activity is running: 1 on the first try (and outside Temporal). */
export function currentAttempt(): number {
  return current()?.info.attempt ?? 1
}

/** Aborts when Temporal cancels the activity (learnt through heartbeats), or never outside Temporal. */
export function cancellationSignal(): AbortSignal | undefined {
  return current()?.cancellationSignal
}

/** Heartbeats every 2 s while a slow call runs, so the workflow's heartbeat timeout notices a dead worker, not a slow receiver. */
export function startHeartbeat(): () => void {
  const context = current()
  if (!context) return () => {}
  const timer = setInterval(() => context.heartbeat(), 2_000)
  return () => clearInterval(timer)
}

const attemptStarted = new WeakMap<Context, number>()

/**
 * Temporal's clock as this activity attempt sees it: the server's time when it scheduled the attempt, plus
 * the time run since (first asked). On a real cluster that is the wall clock; on the time-skipping test
 * server it is the skipped time, which the wall clock knows nothing of. Outside an activity: the wall clock.
 * Only for workers on the test server: on a cluster an attempt that waited in its queue would read late.
 */
export function temporalClock(): number {
  const context = current()
  if (!context) return Date.now()
  let started = attemptStarted.get(context)
  if (started === undefined) attemptStarted.set(context, (started = Date.now()))
  return context.info.currentAttemptScheduledTimestampMs + (Date.now() - started)
}
