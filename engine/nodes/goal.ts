import { z } from 'zod'
import { defineNodeType } from './node-type'
import { describePropertyFilter, eventTypeSchema, matchesPropertyFilter, propertyFilterSchema } from './property-filter'

const config = z.strictObject({
  eventType: eventTypeSchema,
  filter: propertyFilterSchema,
})

export type GoalConfig = z.output<typeof config>

/**
 * A conversion the campaign works towards, e.g. a purchase. It stands apart from the flow: whenever the
 * event happens, wherever the contact is, they leave the campaign and the conversion is recorded.
 */
export const goal = defineNodeType({
  type: 'goal',
  label: 'Goal',
  description: 'When this happens (e.g. a purchase), the contact leaves the campaign as converted, wherever they are in the flow.',
  category: 'goal',
  configSchema: config,
  defaults: { eventType: 'purchase', filter: {} },
  hasInput: false,
  waits: false,
  outputs: () => [],
  summary: (c) => `${c.eventType}${describePropertyFilter(c.filter)}`,
})

export function eventReachesGoal(c: GoalConfig, event: { type: string; properties: Record<string, unknown> }): boolean {
  return event.type === c.eventType && matchesPropertyFilter(c.filter, event.properties)
}
