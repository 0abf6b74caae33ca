import { readdirSync, readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'

// Small measuring tools shared by the benchmarks. Every loop here is bounded by a count, never by a clock.

/** Milliseconds since an arbitrary origin, sub-millisecond resolution. */
export const now = () => performance.now()

/** Runs work(0) … work(count - 1) with at most `width` in flight; rejects with the first failure. */
export async function inFlight(count: number, width: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0
  let failed: unknown = null
  const lane = async () => {
    while (next < count && failed === null) {
      const index = next++
      try {
        await work(index)
      } catch (error) {
        failed ??= error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane))
  if (failed !== null) throw failed
}

/** The p-th percentile (0-100) of the values, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** count per second over `ms` milliseconds. */
export const perSecond = (count: number, ms: number) => (ms > 0 ? (count * 1000) / ms : NaN)

/** The 1, 5 and 15 minute load averages, rounded as `uptime` prints them. */
export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = loadavg().map((value) => Math.round(value * 100) / 100)
  return [one!, five!, fifteen!]
}

/**
 * How busy the whole machine's CPUs were since `start()` (0-1), from the kernel's per-CPU times: tells a
 * figure limited by CPU (near 1) from one limited by waiting (pollers, pools, round trips).
 */
export function cpuMeter(): { busy(): number; byProcess(): CpuByProcess } {
  const sample = () => cpus().reduce((sum, cpu) => {
    const { idle, ...rest } = cpu.times
    return { idle: sum.idle + idle, total: sum.total + idle + Object.values(rest).reduce((a, b) => a + b, 0) }
  }, { idle: 0, total: 0 })
  const first = sample()
  const firstTicks = processTicks()
  return {
    busy: () => {
      const now = sample()
      const total = now.total - first.total
      return total > 0 ? Math.round((1 - (now.idle - first.idle) / total) * 100) / 100 : NaN
    },
    byProcess: () => {
      const spent: CpuByProcess = { temporalMs: 0, postgresMs: 0, nodeMs: 0, otherMs: 0 }
      for (const [pid, now] of processTicks()) {
        const ms = (now.ticks - (firstTicks.get(pid)?.ticks ?? 0)) * TICK_MS
        spent[PROCESS_GROUPS[now.name] ?? 'otherMs'] += ms
      }
      return spent
    },
  }
}

/**
 * CPU time the machine's processes spent, by what they are (user + system, ms; every thread of a process
 * counts to it). Which of the servers a figure is bound by: the Temporal server, Postgres or the Node
 * processes (app, worker, benchmark client, SMTP sink). A process that ended meanwhile is not counted.
 */
export interface CpuByProcess {
  temporalMs: number
  postgresMs: number
  nodeMs: number
  otherMs: number
}

/** "CPU per workflow: Temporal server 7.3 ms, Postgres 0.1 ms, Node 2.1 ms, other 0.2 ms" for a log line. */
export function describeCpu(spent: CpuByProcess, items: number, item: string): string {
  const per = (ms: number) => `${(ms / items).toFixed(1)} ms`
  return `CPU per ${item}: Temporal server ${per(spent.temporalMs)}, Postgres ${per(spent.postgresMs)}, Node ${per(spent.nodeMs)}, other ${per(spent.otherMs)}`
}

export const TICK_MS = 10 // USER_HZ is 100 on Linux
const PROCESS_GROUPS: Record<string, keyof CpuByProcess> = { temporal: 'temporalMs', 'temporal-server': 'temporalMs', postgres: 'postgresMs', node: 'nodeMs' }

function processTicks(): Map<number, { name: string; ticks: number }> {
  const ticks = new Map<number, { name: string; ticks: number }>()
  let pids: string[] = []
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return ticks // not Linux: no split
  }
  for (const pid of pids) {
    const read = processCpu(Number(pid))
    if (read) ticks.set(Number(pid), read)
  }
  return ticks
}

/** A process's name and CPU time so far (user + system, in ticks of TICK_MS), from /proc; null where it cannot be read. */
export function processCpu(pid: number): { name: string; ticks: number } | null {
  try {
    // The command name is in parentheses and may hold spaces; utime and stime are the 12th and 13th fields after it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(fields[11]) + Number(fields[12]) }
  } catch {
    return null // ended meanwhile, or not Linux
  }
}

/** A line of progress on stdout, prefixed with the seconds since the benchmark run began. */
export function createLog(began = now()): (message: string) => void {
  return (message) => console.log(`[${((now() - began) / 1000).toFixed(1).padStart(6)} s] ${message}`)
}

/**
 * Polls `read` every `intervalMs` until `done` says so, printing `describe` at most every `reportMs`. Gives
 * up (returns false) after `maxPolls` rounds, so a benchmark that stalls ends with a report, not a hang.
 */
export async function pollUntil<T>(options: {
  read: () => Promise<T>
  done: (value: T) => boolean
  describe: (value: T) => string
  log: (message: string) => void
  intervalMs: number
  maxPolls: number
  reportMs?: number
}): Promise<{ value: T; finished: boolean }> {
  let lastReport = now()
  let value = await options.read()
  for (let poll = 0; poll < options.maxPolls; poll++) {
    if (options.done(value)) return { value, finished: true }
    if (now() - lastReport >= (options.reportMs ?? 2_000)) {
      options.log(options.describe(value))
      lastReport = now()
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs))
    value = await options.read()
  }
  return { value, finished: options.done(value) }
}

/** 1234.5 → "1,235"; small figures keep a decimal or two. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–'
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2
  return value.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
}
