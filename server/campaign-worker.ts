import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type NativeConnection } from '@temporalio/worker'
import type { CampaignActivities } from '../activities'

export const WORKFLOWS_PATH = fileURLToPath(new URL('../engine/workflows/index.ts', import.meta.url))

// The reusable V8 context gives every workflow run its own module cache, so each new enrolment ran every
// module of the bundle again: the node registry's zod schemas took 12 of the 15 ms per new workflow
// (profiled in docs/benchmarks.md), on the worker's one workflow thread. The node modules are pure (no
// state per run, no @temporalio/workflow), so they are loaded once per context and shared, frozen.
const SHARED_MODULES = [fileURLToPath(new URL('../engine/nodes/index.ts', import.meta.url))]

/** The workflow code as the worker runs it (webpack output with inline source maps). */
export interface CampaignWorkflowBundle {
  code: string
}

/** Bundles the workflow code (2-5 s); tests build it once per run and share it across their workers. */
export async function bundleCampaignWorkflows(): Promise<CampaignWorkflowBundle> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, preloadModules: SHARED_MODULES, logger: quietBundlerLogger })
  return { code }
}

/** A bundle written ahead by server/build-workflow-bundle.ts (the image builds one; the topology tests too). */
export async function loadCampaignWorkflowBundle(path: string): Promise<CampaignWorkflowBundle> {
  return { code: await readFile(path, 'utf8') }
}

export interface CampaignWorkerOptions {
  connection: NativeConnection
  namespace: string
  taskQueue: string
  activities: CampaignActivities
  workflowBundle?: CampaignWorkflowBundle
  /** Workflows kept in memory between their tasks (WORKER_CACHED_WORKFLOWS); unset: 500, see below. */
  cachedWorkflows?: number
}

/** A worker for campaign enrolments. More of them on the same task queue scale the system out. */
export async function createCampaignWorker(options: CampaignWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, activities } = options
  const workflowBundle = options.workflowBundle ?? (await bundleCampaignWorkflows())
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities,
    workflowBundle,
    // On shutdown, activities get a moment to finish, then are cut off: every activity is safe to repeat,
    // and Temporal hands an interrupted one to another worker (or to this one after a restart).
    shutdownGraceTime: '3s',
    shutdownForceTime: '8s',
    // The SDK keeps as many workflows in memory as the heap allows (about 2,300 in a 4 GB heap). An enrolment
    // mostly rests on a wait of days, so its cached state is rarely used before it would be evicted, while
    // the process carries it meanwhile. After 2,000 enrolments, 100 clicks cost this process 36–40 ms of CPU
    // each until their next mail with 300 or 500 kept (4 runs), 40–57 ms with 2,300 (3 runs); p99 197–246
    // against 223–343 ms (bench: enrolment then branching, session 16). A workflow not kept is replayed from
    // its history when its wait ends or a click arrives.
    maxCachedWorkflows: options.cachedWorkflows ?? 500,
  })
}

const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
}

/**
 * The SDK logs every worker state change at INFO; the product and its tests want warnings only. With a
 * metrics address, the SDK serves its own figures there for Prometheus (the workflow task's wait for a
 * worker and its time in the worker: what tells a slow cluster from a busy worker). Must run before the
 * first connection or worker is created (the runtime is process-wide).
 */
export function installWorkerRuntime(level: 'WARN' | 'INFO' | 'DEBUG' = 'WARN', options: { metricsAddress?: string } = {}): void {
  const metrics = options.metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: options.metricsAddress } } } } : {}
  Runtime.install({ logger: new DefaultLogger(level), ...metrics })
}
