import type { CampaignGraph } from '../campaign/graph'
import { at, edge } from './layout'

export const BACK_TO_NURTURE_CAMPAIGN = 'Back to nurture after a sales rejection'

export interface BackToNurtureOptions {
  /** Rest after the rejection before the first mail: the lead just talked to sales. */
  restFor?: string
  /** How long the savings-calculator mail waits for a click. */
  clickTimeout?: string
  /** From the calculator click to the efficiency-analysis offer. */
  offerAfter?: string
  /** How long the offer waits for a click on "request an analysis". */
  offerClickTimeout?: string
}

/**
 * Where a lead goes when the sales rep rejects the handover ("no budget before 2027"): marked as recycled,
 * left alone for a month, then one mail about savings (never about the rejection: the contact never saw
 * it). A click on the savings calculator earns the efficiency-analysis offer again; a click on that hands
 * the lead over once more (a new handover: the rejected one is closed). Silence ends the campaign; the
 * contact stays in the regular mailings and its score keeps counting. Every rejection may enter again.
 */
export function backToNurtureGraph(options: BackToNurtureOptions = {}): CampaignGraph {
  return {
    nodes: [
      // The rejection's reason is on the handover and the lead's stage history (api/handovers.ts).
      { id: 'rejected-by-sales', type: 'trigger', position: at(1, 0), config: { kind: 'event', eventType: 'handover_rejected', filter: {}, reEntry: 'always' } },
      {
        id: 'mark-recycled',
        type: 'update_contact',
        position: at(1, 1),
        config: { setAttributes: { lead_status: 'recycled' }, addTags: ['recycled'], removeTags: ['sales-ready'] },
      },
      { id: 'rest', type: 'wait', position: at(1, 2), config: { duration: options.restFor ?? '30d' } },
      { id: 'savings-news', type: 'send_email', position: at(1, 3), config: { template: 'nurture-recycle-news' } },
      {
        id: 'calculator-clicked',
        type: 'wait_for_event',
        position: at(1, 4),
        config: { eventType: 'click', filter: { tag: 'savings-calculator' }, timeout: options.clickTimeout ?? '21d' },
      },
      { id: 'wait-offer', type: 'wait', position: at(0, 5), config: { duration: options.offerAfter ?? '3d' } },
      { id: 'efficiency-offer', type: 'send_email', position: at(0, 6), config: { template: 'nurture-demo-offer' } },
      {
        id: 'offer-clicked',
        type: 'wait_for_event',
        position: at(0, 7),
        config: { eventType: 'click', filter: { tag: 'demo-request' }, timeout: options.offerClickTimeout ?? '14d' },
      },
      { id: 'sales-ready-again', type: 'update_contact', position: at(0, 8), config: { setAttributes: { lead_status: 'sales_ready' }, addTags: ['sales-ready'] } },
      { id: 'handover-again', type: 'handover', position: at(0, 9), config: {} },
      { id: 'offer-unanswered', type: 'end', position: at(1, 8), config: {} },
      { id: 'still-quiet', type: 'end', position: at(2, 5), config: {} },
      // A demo request (its own web form) goes straight to sales, as in the e-book nurture.
      { id: 'demo-requested', type: 'goal', position: at(3, 0), config: { eventType: 'demo_requested', filter: {} } },
    ],
    edges: [
      edge('rejected-by-sales', 'next', 'mark-recycled'),
      edge('mark-recycled', 'next', 'rest'),
      edge('rest', 'next', 'savings-news'),
      edge('savings-news', 'next', 'calculator-clicked'),
      edge('calculator-clicked', 'event', 'wait-offer'),
      edge('calculator-clicked', 'timeout', 'still-quiet'),
      edge('wait-offer', 'next', 'efficiency-offer'),
      edge('efficiency-offer', 'next', 'offer-clicked'),
      edge('offer-clicked', 'event', 'sales-ready-again'),
      edge('offer-clicked', 'timeout', 'offer-unanswered'),
      edge('sales-ready-again', 'next', 'handover-again'),
    ],
  }
}
