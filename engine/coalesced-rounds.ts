/**
 * A background job that works in rounds (the event dispatcher, the attribution refresher): a timer and
 * kicks start a round; a kick while one runs asks for exactly one more after it, so work that arrived
 * mid-round does not wait for the timer and a burst of kicks does not pile up rounds. A failing round
 * (the database restarting) is logged and retried by the next tick, never an unhandled rejection.
 */
export interface CoalescedRounds {
  /** Runs a round now, or returns the running one (and asks for another after it). */
  run(): Promise<number>
  /** Asks for a round, without waiting for it. */
  kick(): void
  /** The round under way, if any, settled either way. */
  settled(): Promise<void>
  /** No more rounds; waits for the running one. */
  stop(): Promise<void>
}

export function coalescedRounds(round: () => Promise<number>, options: { intervalMs: number; onError: (error: unknown) => void }): CoalescedRounds {
  let running: Promise<number> | null = null
  let again = false
  let stopped = false

  function run(): Promise<number> {
    if (running) {
      again = true
      return running
    }
    running = round().finally(() => {
      running = null
      if (again && !stopped) {
        again = false
        kick()
      }
    })
    return running
  }

  function kick(): void {
    // Stopped (shutting down): a late request's kick must not start a round on a closing pool.
    if (stopped) return
    run().catch(options.onError)
  }

  const timer = setInterval(kick, options.intervalMs)
  return {
    run,
    kick,
    settled: async () => {
      await running?.catch(() => {})
    },
    stop: async () => {
      stopped = true
      clearInterval(timer)
      await running?.catch(() => {})
    },
  }
}
