import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres, { type Sql } from 'postgres'
import { issueApiKey } from '../people/api-keys'
import type { CampaignWorkflowBundle } from '../server/campaign-worker'
import { loadConfig } from '../server/config'
import { startEmbeddedPostgres } from '../server/embedded-postgres'
import { startSystem, type System } from '../server/system'
import { startProductProcess, WORKER_COMMAND } from '../test/helpers/product-process'
import { now, pollUntil } from './measure'

// The real components a benchmark runs against, each started by the benchmark itself and stopped again
// by the cleanup stack, also when a benchmark fails or the run is interrupted.

/**
 * Stops what was started, newest first. Each step runs once, whatever the others do, and gets a deadline:
 * a worker whose activities hang on a broken database must not keep the servers behind it running.
 */
export class Cleanup {
  constructor(private readonly stepTimeoutMs = 30_000) {}

  private readonly steps: { label: string; stop: () => Promise<unknown> }[] = []

  add(label: string, stop: () => Promise<unknown>): void {
    this.steps.push({ label, stop })
  }

  async run(log: (message: string) => void): Promise<void> {
    while (this.steps.length) {
      const step = this.steps.pop()!
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), this.stepTimeoutMs)
      })
      try {
        if ((await Promise.race([step.stop(), deadline])) === 'late') log(`cleanup: ${step.label} did not stop within ${this.stepTimeoutMs / 1000} s; going on`)
      } catch (error) {
        log(`cleanup: ${step.label} failed: ${error instanceof Error ? error.message : error}`)
      } finally {
        clearTimeout(timer)
      }
    }
  }
}

export interface BenchDatabase {
  url: string
  kind: 'postgres' | 'pglite'
  drop(): Promise<void>
}

/**
 * A throwaway database: a fresh one on the server `serverUrl` names (dropped at the end), or without it
 * an in-memory PGlite served over the wire protocol, as the tests do.
 */
export async function createBenchDatabase(serverUrl: string | undefined): Promise<BenchDatabase> {
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ port: 0 })
    return { url: embedded.url, kind: 'pglite', drop: embedded.stop }
  }
  const name = `bench_${randomUUID().replace(/-/g, '')}`
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    kind: 'postgres',
    drop: async () => {
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
      try {
        await admin.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await admin.end()
      }
    },
  }
}

export interface BenchSystem {
  system: System
  /** The app on loopback, e.g. http://127.0.0.1:41234. */
  baseUrl: string
  taskQueue: string
  /** The product's MAIL_DOMAIN (Message-IDs, tracking). */
  mailDomain: string
  /** An HQ marketer's API token for the demo account. */
  token: string
  /** JSON (or a raw body with its content type) against the app's API, as the HQ marketer. */
  api(path: string, init?: { method?: string; body?: unknown; raw?: { type: string; text: string }; headers?: Record<string, string> }): Promise<{ status: number; body: any }>
}

/**
 * The product as `npm start` runs it (HTTP app, dispatcher, worker, SMTP sink, demo data), pointed at the
 * benchmark's database and Temporal, with its own task queue, a temporary data folder and OS-chosen ports.
 */
export async function startBenchSystem(options: {
  databaseUrl: string
  temporalAddress: string
  workflowBundle: CampaignWorkflowBundle
  cleanup: Cleanup
  /**
   * Workers in processes of their own (server/worker-main.ts), as docker-compose runs them, instead of the
   * worker inside the app's process that `npm start` runs (0).
   */
  workerProcesses?: number
  /** With workerProcesses: each worker process writes a CPU profile (`--cpu-prof`) there as it exits. */
  cpuProfileDir?: string
}): Promise<BenchSystem> {
  const dataDir = await mkdtemp(join(tmpdir(), 'campaigns-bench-'))
  options.cleanup.add('data folder', () => rm(dataDir, { recursive: true, force: true }))
  const taskQueue = `bench-${randomUUID()}`
  const config = loadConfig({
    PORT: '0',
    SMTP_SINK_PORT: '0',
    // The bounce receiver (mailings) too: a fixed port collides with any other product running here.
    INBOUND_SMTP_PORT: '0',
    DATA_DIR: dataDir,
    APP_SECRET: randomBytes(32).toString('base64url'),
    DATABASE_URL: options.databaseUrl,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    // Benchmarks click the moment mail lands, as link scanners do: the timing rules would discard every click.
    MACHINE_CLICK_AFTER_DELIVERY: 'off',
    MACHINE_CLICK_BURST: 'off',
    RUN_WORKER: options.workerProcesses ? 'false' : 'true',
  })
  // The demo account without the example campaigns: their trigger scans would enrol contacts in the background.
  const system = await startSystem(config, { log: () => {}, workflowBundle: options.workflowBundle, seedExamples: false })
  options.cleanup.add('system', system.stop)
  const port = new URL(system.url).port
  const baseUrl = `http://127.0.0.1:${port}`
  // One bundle file for all worker processes, written only when there are any.
  const bundlePath = options.workerProcesses ? await writeBundle(dataDir, options.workflowBundle) : ''
  for (let i = 0; i < (options.workerProcesses ?? 0); i++) {
    await startWorkerProcess(`worker ${i + 1}`, {
      DATABASE_URL: options.databaseUrl,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: system.sink!.url,
      APP_SECRET: config.appSecret!,
      PUBLIC_URL: baseUrl,
      WORKFLOW_BUNDLE: bundlePath,
    }, options.cleanup, options.cpuProfileDir)
  }
  const token = (await issueApiKey(system.sql, { accountId: system.demoAccountId!, name: 'bench-marketer', role: 'hq_marketer', subsidiaries: '*', createdBy: 'bench' })).key
  return {
    system,
    baseUrl,
    taskQueue,
    mailDomain: config.mailDomain,
    token,
    api: async (path, init = {}) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...init.headers }
      let body: string | undefined
      if (init.raw) {
        headers['content-type'] = init.raw.type
        body = init.raw.text
      } else if (init.body !== undefined) {
        headers['content-type'] = 'application/json'
        body = JSON.stringify(init.body)
      }
      const response = await fetch(baseUrl + path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body })
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {}
      return { status: response.status, body: parsed }
    },
  }
}

async function writeBundle(dataDir: string, bundle: CampaignWorkflowBundle): Promise<string> {
  const path = join(dataDir, 'workflow-bundle.js')
  await writeFile(path, bundle.code)
  return path
}

/** A worker process on the product's task queue, up once it says it polls; stopped by the cleanup stack. */
async function startWorkerProcess(name: string, env: Record<string, string>, cleanup: Cleanup, cpuProfileDir?: string): Promise<void> {
  const [node, ...args] = WORKER_COMMAND
  // With a profile folder, node writes a --cpu-prof profile per thread as the worker exits (bench/profile-summary.ts).
  const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []
  const worker = startProductProcess(name, [node!, ...profile, ...args], env)
  cleanup.add(name, () => worker.kill('SIGTERM'))
  await worker.waitForOutput(/worker: polling/)
}

/**
 * Waits (up to three minutes) until the product has done the background work an earlier benchmark left:
 * the report folder's deltas folded, the dispatcher's events handed on, and no autovacuum worker at work
 * (its workers count as the database's backends in every CPU figure); then vacuums the database. In set
 * runs the sending benchmark, after enrolment and ingestion, took 4.9-8.5 ms of Postgres per mail,
 * against 1.5-1.9 in runs after only one of them and in every set run since this (docs/benchmarks.md,
 * session 13).
 */
/** The product's background work still to do: report deltas to fold, events to hand on, autovacuum workers at work. */
export async function pendingBackgroundWork(sql: Sql): Promise<{ deltas: number; events: number; vacuums: number }> {
  const [row] = await sql<{ deltas: number; events: number; vacuums: number }[]>`
    select (select count(*)::int from report_deltas) as deltas,
           (select count(*)::int from events where dispatched_at is null and dispatch_error is null) as events,
           (select count(*)::int from pg_stat_activity where datname = current_database() and backend_type = 'autovacuum worker') as vacuums`
  return row!
}

export async function waitForBackgroundWork(bench: BenchSystem, log: (message: string) => void): Promise<void> {
  const { sql } = bench.system
  const began = now()
  const waited = await pollUntil({
    read: () => pendingBackgroundWork(sql),
    done: (p) => p.deltas === 0 && p.events === 0 && p.vacuums === 0,
    describe: (p) => `waiting for earlier background work: ${p.deltas} report deltas to fold, ${p.events} events to hand on, ${p.vacuums} autovacuum workers at work`,
    log,
    intervalMs: 250,
    maxPolls: 720,
    reportMs: 5_000,
  })
  const waitedMs = now() - began
  if (!waited.finished) log(`background work still pending after ${(waitedMs / 1000).toFixed(1)} s (${waited.value.deltas} deltas, ${waited.value.events} events, ${waited.value.vacuums} autovacuum workers); measuring anyway`)
  else if (waitedMs > 1_000) log(`earlier background work done after ${(waitedMs / 1000).toFixed(1)} s`)
  // Autovacuum would otherwise start within its one-minute nap on the tables the benchmark before filled
  // (the ingestion's 50,000 events) and run beside the next one's timed part: vacuumed here, as pgbench
  // does before its runs.
  const vacuumStart = now()
  await sql`vacuum (analyze)`
  log(`vacuumed and analysed the benchmark database in ${((now() - vacuumStart) / 1000).toFixed(1)} s`)
}
