import { mkdir, writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector'
import { join } from 'node:path'
import type { Sql } from 'postgres'
import { processCpu, TICK_MS } from './measure'

// Where a benchmark side's CPU goes, for the sending and mailing benchmarks: this process's own CPU time
// (app, worker and, where it runs here, the SMTP sink) and that of the benchmark database's Postgres
// backends (read from /proc), per mail. On a shared machine a side's wall time swings with the others'
// load; its CPU per mail does much less, so it tells which side does more work and where.

export interface CpuSpent {
  /** This Node process, user + system, ms. */
  nodeMs: number
  /** The benchmark database's Postgres backends, user + system, ms (0 where /proc cannot be read). */
  postgresMs: number
  /** The backends that took most of it: ms, their kind and their latest statement (what a jump between runs is made of). */
  busiest: { ms: number; backend: string; query: string }[]
}

interface Backend {
  ticks: number
  backend: string
  query: string
}

async function backendTicks(sql: Sql): Promise<Map<number, Backend>> {
  const rows = await sql<{ pid: number; backend_type: string; query: string }[]>`
    select pid, backend_type, left(regexp_replace(query, '\s+', ' ', 'g'), 80) as query from pg_stat_activity where datname = current_database()`
  const ticks = new Map<number, Backend>()
  for (const { pid, backend_type, query } of rows) {
    // Another machine's Postgres, or a backend that just ended: not counted.
    const read = processCpu(pid)
    if (read) ticks.set(pid, { ticks: read.ticks, backend: backend_type, query })
  }
  return ticks
}

/** Starts counting; `stop()` gives the CPU spent since. */
export async function cpuAccount(sql: Sql): Promise<{ stop(): Promise<CpuSpent> }> {
  const before = await backendTicks(sql)
  const node = process.cpuUsage()
  return {
    async stop() {
      const used = process.cpuUsage(node)
      const after = await backendTicks(sql)
      const spent = [...after].map(([pid, now]) => ({ ms: (now.ticks - (before.get(pid)?.ticks ?? 0)) * TICK_MS, backend: now.backend, query: now.query }))
      const busiest = spent.filter((b) => b.ms > 0).sort((a, b) => b.ms - a.ms).slice(0, 3)
      return { nodeMs: (used.user + used.system) / 1000, postgresMs: spent.reduce((sum, b) => sum + b.ms, 0), busiest }
    },
  }
}

/**
 * A sampling CPU profile of this process through the inspector (what `node --cpu-prof` writes), for the
 * phases the caller brackets: `pause()` and `resume()` keep one side's time out of the other's profile.
 * Without a folder it does nothing.
 */
export function cpuProfiler(folder: string | undefined) {
  const session = folder ? new Session() : null
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))))
  return {
    async start() {
      if (!session) return
      await mkdir(folder!, { recursive: true })
      session.connect()
      await post('Profiler.enable')
      await post('Profiler.setSamplingInterval', { interval: 500 })
    },
    async resume() {
      if (session) await post('Profiler.start')
    },
    async pause(name: string) {
      if (!session) return
      const { profile } = await post('Profiler.stop')
      await writeFile(join(folder!, `${name}.cpuprofile`), JSON.stringify(profile))
    },
    stop() {
      session?.disconnect()
    },
  }
}
