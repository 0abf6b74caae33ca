import type { TestProject } from 'vitest/node'
import { bundleCampaignWorkflows } from '../../server/campaign-worker'
import { startTemporalDevServer } from '../../server/temporal-dev-server'
import { freePort } from '../../server/temporal-dev-server'

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string
    /** The workflow bundle, built once for the run instead of once per test file (about 5 s each). */
    workflowBundleCode: string
  }
}

/**
 * One real Temporal dev server for the whole integration run (in memory, no UI), unless TEMPORAL_ADDRESS
 * names one already. Test files keep apart by task queue and by workflow ids that contain fresh UUIDs.
 */
export default async function setup(project: TestProject) {
  const bundling = bundleCampaignWorkflows()
  if (process.env.TEMPORAL_ADDRESS) {
    project.provide('workflowBundleCode', (await bundling).code)
    project.provide('temporalAddress', process.env.TEMPORAL_ADDRESS)
    return
  }
  const server = await startTemporalDevServer({ port: await freePort(), cli: process.env.TEMPORAL_CLI })
  project.provide('temporalAddress', server.address)
  project.provide('workflowBundleCode', (await bundling).code)
  return () => server.stop()
}
