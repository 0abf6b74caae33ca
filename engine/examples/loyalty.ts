import type { CampaignGraph } from '../campaign/graph'
import type { SegmentFilter } from '../segment-filter'
import { at, edge } from './layout'

export const LOYALTY_CAMPAIGN = 'A customers: survey and Hannover Messe'

/** The saved segment the loyalty campaign starts from. */
export const A_CUSTOMERS_SEGMENT: { name: string; filter: SegmentFilter } = {
  name: 'A customers',
  filter: { match: 'all', rules: [{ kind: 'attribute', attribute: 'customer_tier', operator: 'equals', value: 'A' }] },
}

export interface LoyaltyOptions {
  /** The saved segment "A customers" (A_CUSTOMERS_SEGMENT). */
  segmentId: string
  /** How long the survey mail waits for a click. */
  surveyClickTimeout?: string
  /** From the survey to the trade-fair invitation. */
  invitationAfter?: string
  /** How long the invitation waits for a click on the free ticket. */
  ticketClickTimeout?: string
  /** Where trade-fair guests are registered (the ticketing system). */
  guestRegistrationUrl?: string
}

/**
 * Loyalty for good customers: contacts who enter the segment "A customers" (customer_tier = A) get the
 * customer survey, half of them with a benefit-led subject (arm A), half with a question (arm B); the arm
 * each took is the split step's output in enrolment_steps. Two weeks later, if they are still A customers,
 * the Hannover Messe invitation in their business hours; a click on the free ticket tags them as a guest
 * and registers them with the ticketing system (a webhook; when it refuses, the team sends the ticket by
 * hand). A meeting booked at the fair is the goal. To invite everyone who is an A customer today, enrol
 * the segment once (POST /api/campaigns/:id/enrolments {"segmentId"}): the trigger itself takes only
 * contacts who become A customers after the campaign went live.
 */
export function loyaltyGraph(options: LoyaltyOptions): CampaignGraph {
  return {
    nodes: [
      { id: 'became-a-customer', type: 'trigger', position: at(1, 0), config: { kind: 'segment', segmentId: options.segmentId, reEntry: 'after', coolDown: '52w' } },
      { id: 'survey-split', type: 'ab_split', position: at(1, 1), config: { arms: [{ name: 'A', weight: 50 }, { name: 'B', weight: 50 }] } },
      { id: 'survey-a', type: 'send_email', position: at(0, 2), config: { template: 'loyalty-survey-a' } },
      { id: 'survey-b', type: 'send_email', position: at(2, 2), config: { template: 'loyalty-survey-b' } },
      { id: 'survey-clicked', type: 'wait_for_event', position: at(1, 3), config: { eventType: 'click', filter: { tag: 'survey' }, timeout: options.surveyClickTimeout ?? '7d' } },
      { id: 'tag-survey', type: 'update_contact', position: at(0, 4), config: { addTags: ['survey-participant'] } },
      { id: 'wait-invitation', type: 'wait', position: at(1, 5), config: { duration: options.invitationAfter ?? '14d' } },
      {
        id: 'still-a-customer',
        type: 'condition',
        position: at(1, 6),
        config: { mode: 'yes_no', match: 'all', rules: [{ kind: 'attribute', attribute: 'customer_tier', operator: 'equals', value: 'A' }] },
      },
      { id: 'not-a-customer', type: 'end', position: at(2, 7), config: {} },
      { id: 'business-hours', type: 'wait_until', position: at(0, 7), config: { mode: 'send_window', days: ['tue', 'wed', 'thu'], from: '09:00', until: '12:00' } },
      { id: 'fair-invitation', type: 'send_email', position: at(0, 8), config: { template: 'loyalty-fair-invitation' } },
      { id: 'ticket-clicked', type: 'wait_for_event', position: at(0, 9), config: { eventType: 'click', filter: { tag: 'fair-ticket' }, timeout: options.ticketClickTimeout ?? '14d' } },
      { id: 'no-ticket', type: 'end', position: at(1, 10), config: {} },
      { id: 'tag-fair-guest', type: 'update_contact', position: at(0, 10), config: { addTags: ['hannover-messe-guest'] } },
      {
        id: 'register-guest',
        type: 'webhook',
        position: at(0, 11),
        config: { url: options.guestRegistrationUrl ?? 'https://events.kessler-hydraulik.example/api/trade-fair-guests', method: 'POST', data: { fair: 'Hannover Messe', ticket: 'free' } },
      },
      { id: 'guest-registered', type: 'end', position: at(0, 12.5), config: {} },
      { id: 'ticket-by-hand', type: 'update_contact', position: at(1, 12.5), config: { addTags: ['fair-ticket-manual'] } },
      { id: 'ticket-follow-up', type: 'end', position: at(1, 13.5), config: {} },
      { id: 'meeting-booked', type: 'goal', position: at(3, 0), config: { eventType: 'meeting_booked', filter: { fair: 'Hannover Messe' } } },
    ],
    edges: [
      edge('became-a-customer', 'next', 'survey-split'),
      edge('survey-split', 'A', 'survey-a'),
      edge('survey-split', 'B', 'survey-b'),
      edge('survey-a', 'next', 'survey-clicked'),
      edge('survey-b', 'next', 'survey-clicked'),
      edge('survey-clicked', 'event', 'tag-survey'),
      edge('survey-clicked', 'timeout', 'wait-invitation'),
      edge('tag-survey', 'next', 'wait-invitation'),
      edge('wait-invitation', 'next', 'still-a-customer'),
      edge('still-a-customer', 'yes', 'business-hours'),
      edge('still-a-customer', 'no', 'not-a-customer'),
      edge('business-hours', 'next', 'fair-invitation'),
      edge('fair-invitation', 'next', 'ticket-clicked'),
      edge('ticket-clicked', 'event', 'tag-fair-guest'),
      edge('ticket-clicked', 'timeout', 'no-ticket'),
      edge('tag-fair-guest', 'next', 'register-guest'),
      edge('register-guest', 'ok', 'guest-registered'),
      edge('register-guest', 'failed', 'ticket-by-hand'),
      edge('ticket-by-hand', 'next', 'ticket-follow-up'),
    ],
  }
}
