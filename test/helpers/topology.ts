import { randomBytes } from 'node:crypto'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inject } from 'vitest'
import { startSmtpSink, type SmtpSink } from '../../server/smtp-sink'
import { freePort } from '../../server/temporal-dev-server'
import { createTestDatabase, type TestDatabase } from './database'
import { APP_COMMAND, startProductProcess, WORKER_COMMAND, type ProductProcess } from './product-process'
import { startTemporalCluster, type TemporalCluster } from './temporal-cluster'

// The production topology as separate processes, started with the commands and variables that
// docker-compose.yml uses (test/unit/compose-topology.test.ts holds the two together): the app with
// RUN_WORKER=false (API, dispatcher), worker processes (server/worker-main.ts), the real Temporal server
// on Postgres, the app's own Postgres database, and an SMTP server that counts what arrives.

/** What docker-compose.yml's x-app-env sets for the app and the workers; the tests set the same. */
export const PRODUCT_VARIABLES = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_TASK_QUEUE', 'SMTP_URL', 'SMTP_RECEIPTS_URL', 'APP_SECRET', 'PUBLIC_URL', 'SEED_DEMO', 'RUN_WORKER', 'WORKFLOW_BUNDLE'] as const
/** Of those, the values that are the same here and in compose (the rest name this run's servers and secrets). */
export const PRODUCT_FIXED_VALUES = { TEMPORAL_TASK_QUEUE: 'campaigns', SEED_DEMO: 'false', RUN_WORKER: 'false' } as const
/** Variables the tests set that docker-compose.yml leaves to defaults (ports chosen by the OS, a temporary data folder, scanner heuristics off for clicks the moment mail lands). */
export const TEST_ONLY_VARIABLES = ['PORT', 'DATA_DIR', 'MACHINE_CLICK_AFTER_DELIVERY', 'MACHINE_CLICK_BURST', 'INBOUND_SMTP_PORT']
/** Compose seeds nothing; the tests seed the demo account to have an account, subsidiaries and an API key. */
export const TEST_VALUES_DIFFERING = { SEED_DEMO: 'true' }

export interface Topology {
  temporal: TemporalCluster
  database: TestDatabase
  sink: SmtpSink
  apps: ProductProcess[]
  workers: ProductProcess[]
  /** The first app's base URL and an HQ marketer's API key (from its start banner). */
  url: string
  token: string
  /** The variables every product process gets (compose's x-app-env). */
  env: Record<string, string>
  startApp(): Promise<ProductProcess>
  startWorker(): Promise<ProductProcess>
  api(path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: any }>
  stop(): Promise<void>
}

/** Temporal (real server on Postgres), the app's database, an SMTP sink, `apps` app processes and `workers` worker processes. */
export async function startTopology(options: { apps?: number; workers?: number } = {}): Promise<Topology> {
  const stops: (() => Promise<unknown>)[] = []
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch((error) => console.error(`topology: while stopping: ${error}`))
    stops.length = 0
  }
  try {
    const temporal = await startTemporalCluster()
    stops.push(temporal.stop)
    const database = await createTestDatabase()
    stops.push(database.drop)
    // The sink answers for what it accepted (SMTP_RECEIPTS_URL), as a production relay's adapter would.
    const sink = await startSmtpSink({ port: 0, keep: 100_000, receipts: true })
    stops.push(sink.stop)
    const dataDir = await mkdtemp(join(tmpdir(), 'campaigns-topology-'))
    // The workflow bundle the global setup built, written where WORKFLOW_BUNDLE points (the image builds its own).
    const workflowBundle = join(dataDir, 'workflow-bundle.js')
    await writeFile(workflowBundle, inject('workflowBundleCode'))
    const product: Record<(typeof PRODUCT_VARIABLES)[number], string> = {
      ...PRODUCT_FIXED_VALUES,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      SMTP_URL: sink.url,
      SMTP_RECEIPTS_URL: sink.receiptsUrl!,
      APP_SECRET: randomBytes(32).toString('base64url'),
      PUBLIC_URL: '',
      WORKFLOW_BUNDLE: workflowBundle,
    }
    const env: Record<string, string> = {
      ...product,
      DATA_DIR: dataDir,
      MACHINE_CLICK_AFTER_DELIVERY: 'off',
      MACHINE_CLICK_BURST: 'off',
      // The bounce receiver of mailings: chosen by the OS, as two app processes (and other products here) run at once.
      INBOUND_SMTP_PORT: '0',
    }
    const apps: ProductProcess[] = []
    const workers: ProductProcess[] = []
    stops.push(async () => Promise.all([...apps, ...workers].map((process) => process.kill('SIGKILL'))))
    const startApp = async () => {
      const port = String(await freePort())
      // The first app seeds the demo account (once; later ones find it) and is the one the tests call.
      const app = startProductProcess(`app ${apps.length + 1}`, APP_COMMAND, { ...env, ...TEST_VALUES_DIFFERING, PORT: port, PUBLIC_URL: env.PUBLIC_URL || `http://127.0.0.1:${port}` })
      apps.push(app)
      await app.waitForOutput(/is ready/)
      return app
    }
    const startWorker = async () => {
      const worker = startProductProcess(`worker ${workers.length + 1}`, WORKER_COMMAND, env)
      workers.push(worker)
      await worker.waitForOutput(/worker: polling/)
      return worker
    }
    const first = await startApp()
    const banner = first.output()
    const url = banner.match(/API:\s+(\S+)\/api/)![1]!
    const token = /KEY=(kc_\S+)/.exec(banner)![1]!
    env.PUBLIC_URL = url
    for (let i = 1; i < (options.apps ?? 1); i++) await startApp()
    for (let i = 0; i < (options.workers ?? 2); i++) await startWorker()
    return {
      temporal,
      database,
      sink,
      apps,
      workers,
      url,
      token,
      env,
      startApp,
      startWorker,
      api: async (path, init = {}) => {
        const response = await fetch(url + path, {
          method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        })
        const text = await response.text()
        let body: unknown = text
        try {
          body = JSON.parse(text)
        } catch {}
        return { status: response.status, body }
      },
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
