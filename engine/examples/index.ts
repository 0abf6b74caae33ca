import type { CampaignGraph } from '../campaign/graph'
import { BACK_TO_NURTURE_CAMPAIGN, backToNurtureGraph } from './back-to-nurture'
import { CROSS_SELL_CAMPAIGN, crossSellGraph } from './cross-sell'
import { LOYALTY_CAMPAIGN, loyaltyGraph } from './loyalty'
import { NURTURE_CAMPAIGN, nurtureGraph } from './nurture'
import { REACTIVATION_CAMPAIGN, reactivationGraph } from './reactivation'
import { UPSELL_CAMPAIGN, upsellGraph } from './upsell'

export type CampaignKind = 'nurture' | 'onboarding' | 'cross_sell' | 'upsell' | 'loyalty' | 'custom'

export interface ExampleCampaign {
  name: string
  kind: CampaignKind
  graph: CampaignGraph
}

/**
 * The example campaigns beside onboarding (engine/examples/onboarding.ts), as the demo seeds them, with
 * their production durations. The loyalty campaign starts from a saved segment, so its id is needed.
 */
export function exampleCampaigns(deps: { aCustomersSegmentId: string }): ExampleCampaign[] {
  return [
    { name: NURTURE_CAMPAIGN, kind: 'nurture', graph: nurtureGraph() },
    { name: BACK_TO_NURTURE_CAMPAIGN, kind: 'nurture', graph: backToNurtureGraph() },
    { name: CROSS_SELL_CAMPAIGN, kind: 'cross_sell', graph: crossSellGraph() },
    { name: UPSELL_CAMPAIGN, kind: 'upsell', graph: upsellGraph() },
    { name: LOYALTY_CAMPAIGN, kind: 'loyalty', graph: loyaltyGraph({ segmentId: deps.aCustomersSegmentId }) },
    { name: REACTIVATION_CAMPAIGN, kind: 'loyalty', graph: reactivationGraph() },
  ]
}

export { BACK_TO_NURTURE_CAMPAIGN, CROSS_SELL_CAMPAIGN, LOYALTY_CAMPAIGN, NURTURE_CAMPAIGN, REACTIVATION_CAMPAIGN, UPSELL_CAMPAIGN }
export { A_CUSTOMERS_SEGMENT } from './loyalty'
