import type { WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { inject } from 'vitest'

/** The workflow bundle the global setup built once for the whole run. */
export const workflowBundle = async (): Promise<WorkflowBundleWithSourceMap> => ({ code: inject('workflowBundleCode') })
