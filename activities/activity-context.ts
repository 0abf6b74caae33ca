import { Context } from '@temporalio/activity'

// Helpers for activities that also run outside Temporal (called directly in tests): there is then no
// attempt count, nobody to heartbeat to and nothing that cancels.

function current(): Context | null {
  try {
    return Context.current()
  } catch {
    return null
  }
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
