import type { CampaignGraph } from '../campaign/graph'
import { at, edge } from './layout'

export const FAIR_FOLLOW_UP_CAMPAIGN = 'maintenance Dortmund: stand and follow-up'

export interface FairFollowUpOptions {
  /** From the visit at the stand to the recap (the fair's last day is over by then). */
  recapAfter?: string
  /** How long a visitor who started double opt-in at the stand has to confirm it. */
  consentTimeout?: string
}

/**
 * The trade fair's campaign: its costs are the fair's (stand, tickets), every visitor the stand captured
 * enters with a fair_visit event. Customers get a service mail; other visitors the recap with the fair's
 * highlights, but only once they have consented (customers carry the tag "customer"): those who started double opt-in at the stand wait for
 * their confirmation, the others get nothing.
 */
export function fairFollowUpGraph(options: FairFollowUpOptions = {}): CampaignGraph {
  return {
    nodes: [
      { id: 'visited-stand', type: 'trigger', position: at(1, 0), config: { kind: 'event', eventType: 'fair_visit', filter: {}, reEntry: 'never' } },
      { id: 'after-fair', type: 'wait', position: at(1, 1), config: { duration: options.recapAfter ?? '2d' } },
      {
        id: 'is-customer',
        type: 'condition',
        position: at(1, 2),
        config: { mode: 'yes_no', match: 'all', rules: [{ kind: 'tag', operator: 'has', tag: 'customer' }] },
      },
      { id: 'customer-mail', type: 'send_email', position: at(0, 3), config: { template: 'fair-recap-customer' } },
      { id: 'customer-done', type: 'end', position: at(0, 4), config: {} },
      { id: 'has-consent', type: 'condition', position: at(2, 3), config: { mode: 'yes_no', match: 'all', rules: [{ kind: 'consent', operator: 'is', status: 'granted' }] } },
      { id: 'recap', type: 'send_email', position: at(1, 5), config: { template: 'fair-recap' } },
      { id: 'recap-done', type: 'end', position: at(1, 6), config: {} },
      { id: 'consent-confirmed', type: 'wait_for_event', position: at(3, 4), config: { eventType: 'double_opt_in_confirmed', filter: {}, timeout: options.consentTimeout ?? '14d' } },
      { id: 'no-consent', type: 'end', position: at(3, 5), config: {} },
    ],
    edges: [
      edge('visited-stand', 'next', 'after-fair'),
      edge('after-fair', 'next', 'is-customer'),
      edge('is-customer', 'yes', 'customer-mail'),
      edge('customer-mail', 'next', 'customer-done'),
      edge('is-customer', 'no', 'has-consent'),
      edge('has-consent', 'yes', 'recap'),
      edge('has-consent', 'no', 'consent-confirmed'),
      edge('consent-confirmed', 'event', 'recap'),
      edge('consent-confirmed', 'timeout', 'no-consent'),
      edge('recap', 'next', 'recap-done'),
    ],
  }
}
