import type { CampaignGraph } from '../campaign/graph'
import { at, edge } from './layout'

export const CROSS_SELL_CAMPAIGN = 'Cross-sell after onboarding'

export interface CrossSellOptions {
  /** How long the overview mail waits for a click before the default offer goes out. */
  clickTimeout?: string
}

// A click has already happened when these steps run: each looks back over the clicks on the overview
// mail (a wait sees behaviour since the latest mail) for one link tag, so a minute is plenty.
const LOOK_BACK = '1m'

/**
 * Cross-sell once onboarding is done (`onboarding_completed`, sent when commissioning is signed off, with
 * the product): an overview of cleaning agents (HydroClean), the maintenance set (ServiceKit) and the
 * diagnostic software (HydroScope), each link tagged. The first click decides which offer follows,
 * checked in that order; the interest is kept as a tag. No click within the timeout: the ServiceKit offer,
 * which suits every owner (also for a click on a link without one of the three tags). Buying any of the
 * three is the goal.
 */
export function crossSellGraph(options: CrossSellOptions = {}): CampaignGraph {
  const clickedTag = (id: string, column: number, row: number, tag: string) => ({
    id,
    type: 'wait_for_event',
    position: at(column, row),
    config: { eventType: 'click', filter: { tag }, timeout: LOOK_BACK },
  })
  return {
    nodes: [
      { id: 'onboarding-completed', type: 'trigger', position: at(1, 0), config: { kind: 'event', eventType: 'onboarding_completed', filter: {}, reEntry: 'never' } },
      { id: 'overview', type: 'send_email', position: at(1, 1), config: { template: 'crosssell-overview' } },
      { id: 'any-click', type: 'wait_for_event', position: at(1, 2), config: { eventType: 'click', filter: {}, timeout: options.clickTimeout ?? '5d' } },
      clickedTag('clicked-cleaning', 0, 3, 'cleaning-agents'),
      clickedTag('clicked-service-kit', 1, 4, 'service-kit'),
      clickedTag('clicked-hydroscope', 2, 5, 'hydroscope'),
      { id: 'tag-cleaning', type: 'update_contact', position: at(0, 6), config: { addTags: ['interest-cleaning-agents'] } },
      { id: 'tag-service-kit', type: 'update_contact', position: at(1, 6), config: { addTags: ['interest-service-kit'] } },
      { id: 'tag-hydroscope', type: 'update_contact', position: at(2, 6), config: { addTags: ['interest-hydroscope'] } },
      { id: 'offer-hydroclean', type: 'send_email', position: at(0, 7), config: { template: 'crosssell-hydroclean' } },
      { id: 'offer-service-kit', type: 'send_email', position: at(1, 7), config: { template: 'crosssell-servicekit' } },
      { id: 'offer-hydroscope', type: 'send_email', position: at(2, 7), config: { template: 'crosssell-hydroscope' } },
      { id: 'done-hydroclean', type: 'end', position: at(0, 8), config: {} },
      { id: 'done-service-kit', type: 'end', position: at(1, 8), config: {} },
      { id: 'done-hydroscope', type: 'end', position: at(2, 8), config: {} },
      // No click at all: the ServiceKit offer without an interest tag (the same mail, its own step for reporting).
      { id: 'default-offer', type: 'send_email', position: at(3, 7), config: { template: 'crosssell-servicekit' } },
      { id: 'done-default', type: 'end', position: at(3, 8), config: {} },
      { id: 'bought-hydroclean', type: 'goal', position: at(3, 0), config: { eventType: 'purchase', filter: { product: 'HydroClean' } } },
      { id: 'bought-service-kit', type: 'goal', position: at(3, 1), config: { eventType: 'purchase', filter: { product: 'ServiceKit' } } },
      { id: 'bought-hydroscope', type: 'goal', position: at(3, 2), config: { eventType: 'purchase', filter: { product: 'HydroScope' } } },
    ],
    edges: [
      edge('onboarding-completed', 'next', 'overview'),
      edge('overview', 'next', 'any-click'),
      edge('any-click', 'event', 'clicked-cleaning'),
      edge('any-click', 'timeout', 'default-offer'),
      edge('clicked-cleaning', 'event', 'tag-cleaning'),
      edge('clicked-cleaning', 'timeout', 'clicked-service-kit'),
      edge('clicked-service-kit', 'event', 'tag-service-kit'),
      edge('clicked-service-kit', 'timeout', 'clicked-hydroscope'),
      edge('clicked-hydroscope', 'event', 'tag-hydroscope'),
      // A click without one of the three tags (none in the overview today): the default offer, untagged.
      edge('clicked-hydroscope', 'timeout', 'default-offer'),
      edge('tag-cleaning', 'next', 'offer-hydroclean'),
      edge('tag-service-kit', 'next', 'offer-service-kit'),
      edge('tag-hydroscope', 'next', 'offer-hydroscope'),
      edge('offer-hydroclean', 'next', 'done-hydroclean'),
      edge('offer-service-kit', 'next', 'done-service-kit'),
      edge('offer-hydroscope', 'next', 'done-hydroscope'),
      edge('default-offer', 'next', 'done-default'),
    ],
  }
}
