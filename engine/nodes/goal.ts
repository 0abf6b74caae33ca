import { z } from 'zod'
import { defineNodeType } from './node-type'
import { COMMON_FIELDS, filterWords, words } from './ui'
import { eventTypeSchema, matchesPropertyFilter, propertyFilterSchema } from './property-filter'

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
  ui: {
    label: words('Goal', 'Ziel', 'Objectif', 'Obiettivo', 'Objetivo'),
    description: words(
      'When this happens (e.g. a purchase), the contact leaves the campaign as converted, wherever they are in the flow.',
      'Tritt dies ein (z. B. ein Kauf), verlässt der Kontakt die Kampagne als konvertiert, wo immer er im Ablauf steht.',
      'Quand cela arrive (p. ex. un achat), le contact quitte la campagne comme converti, où qu’il soit dans le parcours.',
      'Quando accade (ad es. un acquisto), il contatto esce dalla campagna come convertito, ovunque si trovi nel flusso.',
      'Cuando esto ocurre (p. ej. una compra), el contacto sale de la campaña como convertido, esté donde esté en el flujo.',
    ),
    summary: words('{event}{filter}', '{event}{filter}', '{event}{filter}', '{event}{filter}', '{event}{filter}'),
    fields: { ...COMMON_FIELDS },
  },
  category: 'goal',
  configSchema: config,
  defaults: { eventType: 'purchase', filter: {} },
  hasInput: false,
  waits: false,
  outputs: () => [],
  summaryValues: (c) => ({ event: c.eventType, filter: filterWords(c.filter) }),
})

export function eventReachesGoal(c: GoalConfig, event: { type: string; properties: Record<string, unknown> }): boolean {
  return event.type === c.eventType && matchesPropertyFilter(c.filter, event.properties)
}
