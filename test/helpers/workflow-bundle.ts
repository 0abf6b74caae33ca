import type { WorkflowBundleWithSourceMap } from '@temporalio/worker'
import { bundleCampaignWorkflows } from '../../engine/worker'

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined
/** The workflow bundle, built once per test file (each file runs in its own worker). */
export const workflowBundle = () => (bundle ??= bundleCampaignWorkflows())
