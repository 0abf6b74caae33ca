import { fileURLToPath } from 'node:url'
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker'
import type { CampaignActivities } from '../activities'

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url))

/** Bundles the workflow code once (about 1.5 s); tests share one bundle across the workers they start. */
export function bundleCampaignWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger })
}

export interface CampaignWorkerOptions {
  connection: NativeConnection
  namespace: string
  taskQueue: string
  activities: CampaignActivities
  workflowBundle?: WorkflowBundleWithSourceMap
}

/** A worker for campaign enrolments. More of them on the same task queue scale the system out. */
export async function createCampaignWorker(options: CampaignWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, activities } = options
  const workflowBundle = options.workflowBundle ?? (await bundleCampaignWorkflows())
  return Worker.create({ connection, namespace, taskQueue, activities, workflowBundle })
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
 * The SDK logs every worker state change at INFO; the product and its tests want warnings only. Must run
 * before the first connection or worker is created (the runtime is process-wide).
 */
export function installWorkerRuntime(level: 'WARN' | 'INFO' | 'DEBUG' = 'WARN'): void {
  Runtime.install({ logger: new DefaultLogger(level) })
}
