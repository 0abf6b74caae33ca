import type { Sql } from 'postgres'
import { foldDeltas, foldOneByOne, pendingDeltas } from '../db/report-deltas'

export interface ReportFolder {
  /** Folds until no delta is left (what tests and the attribution refresher wait for); answers how many. */
  drain(): Promise<number>
  stop(): Promise<void>
}

const BATCH = 2_000

/**
 * The one place the reporting deltas are folded into touches and the aggregates (migration 021_a): every
 * `intervalMs` (1 s), in batches of up to 2,000 deltas, each batch one transaction. The writers' hot path
 * is then one insert; the dashboards lag by about a second. A batch that fails is retried one delta at a
 * time, and a delta that fails alone is set aside in report_fold_failures (and logged), never retried forever.
 */
export function createReportFolder(options: { sql: Sql; intervalMs?: number; log?: (message: string) => void }): ReportFolder {
  const { sql } = options
  const log = options.log ?? (() => {})
  let running: Promise<number> | null = null
  let stopped = false

  async function batch(): Promise<number> {
    try {
      return await foldDeltas(sql, BATCH)
    } catch (error) {
      log(`report folder: a batch failed (${error instanceof Error ? error.message : error}); folding one at a time`)
      const { folded, failed } = await foldOneByOne(sql, BATCH)
      for (const f of failed) log(`report folder: delta ${f.id} (${f.fact}) set aside in report_fold_failures: ${f.error}`)
      return folded + failed.length
    }
  }

  async function round(): Promise<number> {
    let total = 0
    for (;;) {
      const n = await batch()
      // -1: another process's folder holds the lock; it folds what is queued.
      if (n <= 0 || stopped) return total
      total += n
    }
  }

  function run(): Promise<number> {
    running ??= round().finally(() => {
      running = null
    })
    return running
  }

  const timer = setInterval(() => void run().catch((error) => log(`report folder: round failed: ${error instanceof Error ? error.message : error}`)), options.intervalMs ?? 1_000)
  return {
    drain: async () => {
      const earlier = await running?.catch(() => 0)
      let total = earlier ?? 0
      // Another process may hold the lock for a moment: wait for it briefly rather than answer early.
      for (let tries = 0; tries < 200; tries++) {
        total += await run()
        if (stopped || (await pendingDeltas(sql)) === 0) return total
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      return total
    },
    stop: async () => {
      stopped = true
      clearInterval(timer)
      await running?.catch(() => {})
    },
  }
}
