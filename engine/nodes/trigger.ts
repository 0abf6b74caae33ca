import { z } from 'zod'
import { defineNodeType, NEXT } from './node-type'
import { describePropertyFilter, eventTypeSchema, matchesPropertyFilter, propertyFilterSchema } from './property-filter'

const config = z.strictObject({
  eventType: eventTypeSchema,
  filter: propertyFilterSchema,
})

export type TriggerConfig = z.output<typeof config>

/** Starts an enrolment when the contact has an event of this type whose properties match the filter. */
export const trigger = defineNodeType({
  type: 'trigger',
  label: 'Trigger',
  description: 'Enrols a contact when an event happens, e.g. a purchase of a given product.',
  category: 'entry',
  configSchema: config,
  defaults: { eventType: 'purchase', filter: {} },
  hasInput: false,
  waits: false,
  outputs: () => [NEXT],
  summary: (c) => `${c.eventType}${describePropertyFilter(c.filter)}`,
  // The trigger already happened when the workflow starts: its step only leads on.
  step: async () => ({ next: NEXT.id }),
})

export function eventStartsCampaign(c: TriggerConfig, event: { type: string; properties: Record<string, unknown> }): boolean {
  return event.type === c.eventType && matchesPropertyFilter(c.filter, event.properties)
}
