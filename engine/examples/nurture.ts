import type { CampaignGraph } from '../campaign/graph'
import { at, edge } from './layout'

export const NURTURE_CAMPAIGN = 'E-book nurture: Schluss mit Antriebslosigkeit'
/** The e-book's file name, as the seeded forms (tracking/seed-forms.ts) hand it out. */
export const EBOOK_ASSET = 'schluss-mit-antriebslosigkeit.pdf'

export interface NurtureOptions {
  /** From the e-book mail to the first content mail. */
  firstContentAfter?: string
  /** How long the energy-check mail waits for a click before the lighter follow-up goes out. */
  clickTimeout?: string
  /** From the follow-up (deeper or lighter) to the efficiency-analysis offer. */
  offerAfter?: string
  /** How long the offer waits for a click on "request an analysis". */
  offerClickTimeout?: string
}

/**
 * Lead nurture after the e-book download "Schluss mit Antriebslosigkeit" (web form), from the moment the
 * contact confirms the double opt-in. Four mails a few days apart: the e-book, where hydraulics waste
 * energy, then a deeper customer case for those who clicked or three quick wins for those who did not, then an on-site
 * efficiency analysis. Engagement is recorded as tags. A demo request is the goal; a click on the offer
 * marks the lead sales-ready and hands it to sales at `handover-point`.
 */
export function nurtureGraph(options: NurtureOptions = {}): CampaignGraph {
  return {
    nodes: [
      {
        id: 'ebook-download',
        type: 'trigger',
        position: at(1, 0),
        // The e-book form of every subsidiary hands out the same PDF; marketing mail may start once the
        // contact confirmed the double opt-in (the download itself went out at once).
        config: { kind: 'event', eventType: 'double_opt_in_confirmed', filter: { asset: EBOOK_ASSET }, reEntry: 'never' },
      },
      { id: 'ebook', type: 'send_email', position: at(1, 1), config: { template: 'nurture-ebook' } },
      { id: 'wait-content', type: 'wait', position: at(1, 2), config: { duration: options.firstContentAfter ?? '3d' } },
      { id: 'energy-losses', type: 'send_email', position: at(1, 3), config: { template: 'nurture-energy-losses' } },
      {
        id: 'energy-check-clicked',
        type: 'wait_for_event',
        position: at(1, 4),
        config: { eventType: 'click', filter: { tag: 'energy-check' }, timeout: options.clickTimeout ?? '4d' },
      },
      // Clicked: tagged as engaged and interested in efficiency, and the deeper follow-up (a customer case).
      { id: 'tag-engaged', type: 'update_contact', position: at(0, 5), config: { addTags: ['nurture-engaged', 'interest-energy-efficiency'] } },
      { id: 'case-study', type: 'send_email', position: at(0, 6), config: { template: 'nurture-case-study' } },
      // Not clicked: the lighter follow-up, three measures that need no investment.
      { id: 'quick-wins', type: 'send_email', position: at(2, 5), config: { template: 'nurture-quick-wins' } },
      { id: 'wait-offer', type: 'wait', position: at(1, 7), config: { duration: options.offerAfter ?? '5d' } },
      { id: 'efficiency-offer', type: 'send_email', position: at(1, 8), config: { template: 'nurture-demo-offer' } },
      {
        id: 'offer-clicked',
        type: 'wait_for_event',
        position: at(1, 9),
        config: { eventType: 'click', filter: { tag: 'demo-request' }, timeout: options.offerClickTimeout ?? '7d' },
      },
      { id: 'sales-ready', type: 'update_contact', position: at(0, 10), config: { setAttributes: { lead_status: 'sales_ready' }, addTags: ['sales-ready'] } },
      // The sales handover (rep of the territory, dossier mail, CRM push): the lead leaves the nurture
      // here. Keep the id: reports and tests refer to it.
      { id: 'handover-point', type: 'handover', position: at(0, 11), config: {} },
      { id: 'nurture-finished', type: 'end', position: at(2, 10), config: {} },
      // A demo request (its own web form) ends the nurture wherever the contact is: sales takes over from the request.
      { id: 'demo-requested', type: 'goal', position: at(3, 0), config: { eventType: 'demo_requested', filter: {} } },
    ],
    edges: [
      edge('ebook-download', 'next', 'ebook'),
      edge('ebook', 'next', 'wait-content'),
      edge('wait-content', 'next', 'energy-losses'),
      edge('energy-losses', 'next', 'energy-check-clicked'),
      edge('energy-check-clicked', 'event', 'tag-engaged'),
      edge('tag-engaged', 'next', 'case-study'),
      edge('case-study', 'next', 'wait-offer'),
      edge('energy-check-clicked', 'timeout', 'quick-wins'),
      edge('quick-wins', 'next', 'wait-offer'),
      edge('wait-offer', 'next', 'efficiency-offer'),
      edge('efficiency-offer', 'next', 'offer-clicked'),
      edge('offer-clicked', 'event', 'sales-ready'),
      edge('sales-ready', 'next', 'handover-point'),
      edge('offer-clicked', 'timeout', 'nurture-finished'),
    ],
  }
}
