import type { CampaignWorkflowBundle } from '../../server/campaign-worker'
import { inject } from 'vitest'

/** The workflow bundle the global setup built once for the whole run. */
export const workflowBundle = async (): Promise<CampaignWorkflowBundle> => ({ code: inject('workflowBundleCode') })
