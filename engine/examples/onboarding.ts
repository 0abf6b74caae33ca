import type { CampaignGraph } from '../campaign/graph'

/**
 * Onboarding after a purchase: a welcome mail with the care guide, then a different follow-up depending
 * on whether the contact clicked it. Shipped as the demo's live campaign; tests use it with a short timeout.
 */
export function onboardingGraph(options: { clickTimeout?: string } = {}): CampaignGraph {
  return {
    nodes: [
      { id: 'purchase', type: 'trigger', position: { x: 260, y: 0 }, config: { eventType: 'purchase', filter: {} } },
      { id: 'welcome', type: 'send_email', position: { x: 260, y: 130 }, config: { template: 'onboarding-welcome' } },
      { id: 'guide-clicked', type: 'wait_for_event', position: { x: 260, y: 260 }, config: { eventType: 'click', filter: {}, timeout: options.clickTimeout ?? '3d' } },
      { id: 'care-tips', type: 'send_email', position: { x: 60, y: 420 }, config: { template: 'onboarding-care-tips' } },
      { id: 'reminder', type: 'send_email', position: { x: 460, y: 420 }, config: { template: 'onboarding-reminder' } },
      { id: 'done-clicked', type: 'end', position: { x: 60, y: 560 }, config: {} },
      { id: 'done-reminded', type: 'end', position: { x: 460, y: 560 }, config: {} },
    ],
    edges: [
      { id: 'e-purchase-welcome', source: 'purchase', sourceHandle: 'next', target: 'welcome' },
      { id: 'e-welcome-wait', source: 'welcome', sourceHandle: 'next', target: 'guide-clicked' },
      { id: 'e-clicked', source: 'guide-clicked', sourceHandle: 'event', target: 'care-tips' },
      { id: 'e-not-clicked', source: 'guide-clicked', sourceHandle: 'timeout', target: 'reminder' },
      { id: 'e-care-end', source: 'care-tips', sourceHandle: 'next', target: 'done-clicked' },
      { id: 'e-reminder-end', source: 'reminder', sourceHandle: 'next', target: 'done-reminded' },
    ],
  }
}
