import type { CampaignGraph } from '../campaign/graph'
import { at, edge } from './layout'

export const REACTIVATION_CAMPAIGN = 'Reactivation of quiet contacts'

export interface ReactivationOptions {
  /** How long without any activity before a contact counts as quiet. */
  period?: string
  /** How long the mail waits for a click. */
  clickTimeout?: string
}

/**
 * Reactivation: a contact with no click, open, visit, download, form or purchase for half a year gets
 * "what's new" (HydroStat 3000, HydroScope, ServiceKit). A click tags them reactivated; silence tags them
 * dormant (a segment on that tag keeps them out of regular mailings). At most once a year per contact;
 * a purchase meanwhile is the goal.
 */
export function reactivationGraph(options: ReactivationOptions = {}): CampaignGraph {
  return {
    nodes: [
      {
        id: 'gone-quiet',
        type: 'trigger',
        position: at(1, 0),
        config: {
          kind: 'inactivity',
          eventTypes: ['click', 'open', 'visit', 'download', 'form', 'purchase'],
          period: options.period ?? '180d',
          filter: {},
          reEntry: 'after',
          coolDown: '52w',
        },
      },
      { id: 'whats-new', type: 'send_email', position: at(1, 1), config: { template: 'reactivation-whats-new' } },
      { id: 'came-back', type: 'wait_for_event', position: at(1, 2), config: { eventType: 'click', filter: {}, timeout: options.clickTimeout ?? '14d' } },
      { id: 'tag-reactivated', type: 'update_contact', position: at(0, 3), config: { addTags: ['reactivated'], removeTags: ['dormant'] } },
      { id: 'tag-dormant', type: 'update_contact', position: at(2, 3), config: { addTags: ['dormant'] } },
      { id: 'reactivated', type: 'end', position: at(0, 4), config: {} },
      { id: 'still-quiet', type: 'end', position: at(2, 4), config: {} },
      { id: 'bought-again', type: 'goal', position: at(3, 0), config: { eventType: 'purchase', filter: {} } },
    ],
    edges: [
      edge('gone-quiet', 'next', 'whats-new'),
      edge('whats-new', 'next', 'came-back'),
      edge('came-back', 'event', 'tag-reactivated'),
      edge('came-back', 'timeout', 'tag-dormant'),
      edge('tag-reactivated', 'next', 'reactivated'),
      edge('tag-dormant', 'next', 'still-quiet'),
    ],
  }
}
