import type { CampaignGraph } from '../campaign/graph'
import { at, edge } from './layout'

export const UPSELL_CAMPAIGN = 'HydroStat 3000 upgrade at maintenance'

export interface UpsellOptions {
  /** From the maintenance reminder to the HydroStat 3000 comparison. */
  comparisonAfter?: string
  /** How long the comparison waits for a click before moving on to the last reminder. */
  clickTimeout?: string
}

/**
 * Upsell for owners of an ageing HydroStat 2000 whose maintenance is coming up. The date trigger enters
 * HydroStat 2000 owners whose `maintenance_due` is within the coming year: the entry day is a year before
 * the due date, and `catchUp: 1y` also takes everyone whose entry day has passed but whose due date has
 * not (a published campaign finds the whole year at its first scan). "Bought more than three years ago"
 * is a wait until 156 weeks after `purchased_at`: conditions compare dates only for equality, so this is
 * what the steps support; an older unit passes at once, a younger one is held until its third year, and a
 * contact without a purchase date leaves. Then: the maintenance reminder, a week later the HydroStat 3000
 * comparison, a customer case for those who click it, and 30 days before the due date a last reminder.
 * A service booking or a HydroStat 3000 purchase is the goal.
 */
export function upsellGraph(options: UpsellOptions = {}): CampaignGraph {
  return {
    nodes: [
      {
        id: 'maintenance-due',
        type: 'trigger',
        position: at(1, 0),
        config: { kind: 'date', attribute: 'maintenance_due', offset: '-1y', catchUp: '1y', filter: { model: 'HydroStat 2000' } },
      },
      { id: 'unit-age', type: 'wait_until', position: at(1, 1), config: { mode: 'date', attribute: 'purchased_at', offset: '+156w' } },
      { id: 'no-purchase-date', type: 'end', position: at(2, 2), config: {} },
      { id: 'maintenance-reminder', type: 'send_email', position: at(1, 2), config: { template: 'upsell-maintenance-due' } },
      { id: 'wait-comparison', type: 'wait', position: at(1, 3), config: { duration: options.comparisonAfter ?? '7d' } },
      { id: 'comparison', type: 'send_email', position: at(1, 4), config: { template: 'upsell-hydrostat-3000' } },
      {
        id: 'comparison-clicked',
        type: 'wait_for_event',
        position: at(1, 5),
        config: { eventType: 'click', filter: { tag: 'hydrostat-3000' }, timeout: options.clickTimeout ?? '7d' },
      },
      { id: 'tag-upgrade-interest', type: 'update_contact', position: at(0, 6), config: { addTags: ['upgrade-interest'] } },
      { id: 'customer-case', type: 'send_email', position: at(0, 7), config: { template: 'upsell-customer-case' } },
      { id: 'before-due', type: 'wait_until', position: at(1, 8), config: { mode: 'date', attribute: 'maintenance_due', offset: '-30d' } },
      { id: 'no-due-date', type: 'end', position: at(2, 9), config: {} },
      { id: 'last-reminder', type: 'send_email', position: at(1, 9), config: { template: 'upsell-service-reminder' } },
      { id: 'done', type: 'end', position: at(1, 10), config: {} },
      { id: 'service-booked', type: 'goal', position: at(3, 0), config: { eventType: 'service_booked', filter: {} } },
      { id: 'bought-hydrostat-3000', type: 'goal', position: at(3, 1), config: { eventType: 'purchase', filter: { product: 'HydroStat 3000' } } },
    ],
    edges: [
      edge('maintenance-due', 'next', 'unit-age'),
      edge('unit-age', 'next', 'maintenance-reminder'),
      edge('unit-age', 'missing', 'no-purchase-date'),
      edge('maintenance-reminder', 'next', 'wait-comparison'),
      edge('wait-comparison', 'next', 'comparison'),
      edge('comparison', 'next', 'comparison-clicked'),
      edge('comparison-clicked', 'event', 'tag-upgrade-interest'),
      edge('tag-upgrade-interest', 'next', 'customer-case'),
      edge('customer-case', 'next', 'before-due'),
      edge('comparison-clicked', 'timeout', 'before-due'),
      edge('before-due', 'next', 'last-reminder'),
      edge('before-due', 'missing', 'no-due-date'),
      edge('last-reminder', 'next', 'done'),
    ],
  }
}
