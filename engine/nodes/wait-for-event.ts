import { z } from 'zod'
import { formatDuration, parseDuration } from '../campaign/duration'
import { defineNodeType } from './node-type'
import { describePropertyFilter, eventTypeSchema, matchesPropertyFilter, propertyFilterSchema } from './property-filter'
import { durationSchema } from './wait'

const config = z.strictObject({
  eventType: eventTypeSchema,
  filter: propertyFilterSchema,
  timeout: durationSchema,
  // Opens and clicks carry the campaign they came from. By default only this campaign's mails count, so
  // a click in another campaign's mail does not move this one along.
  anyCampaign: z.boolean().default(false),
})

const PAST_TENSE: Record<string, string> = { click: 'clicked', open: 'opened', purchase: 'purchased', download: 'downloaded', visit: 'visited' }
const happened = (eventType: string) => PAST_TENSE[eventType] ?? `${eventType} happened`

/** Branches on tracked behaviour: "event" as soon as a matching event arrives, "timeout" if none does in time. */
export const waitForEvent = defineNodeType({
  type: 'wait_for_event',
  label: 'Wait for behaviour',
  description: 'Waits until the contact clicks, opens, buys … or the time runs out, and branches on which came first.',
  category: 'timing',
  configSchema: config,
  defaults: { eventType: 'click', filter: {}, timeout: '3d', anyCampaign: false },
  hasInput: true,
  waits: true,
  outputs: (c) => [
    { id: 'event', label: happened(c.eventType) },
    { id: 'timeout', label: `not ${happened(c.eventType)} within ${formatDuration(c.timeout)}` },
  ],
  summary: (c) => `${c.eventType}${describePropertyFilter(c.filter)}, up to ${formatDuration(c.timeout)}`,
  step: async (c, context) => {
    const event = await context.waitForEvent(
      (e) =>
        e.type === c.eventType &&
        matchesPropertyFilter(c.filter, e.properties) &&
        (c.anyCampaign || e.properties.campaignId === undefined || e.properties.campaignId === context.enrolment.campaignId),
      parseDuration(c.timeout)!,
    )
    return { next: event ? 'event' : 'timeout' }
  },
})
