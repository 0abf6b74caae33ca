import { z } from 'zod'

// Event property filters are plain equality on named properties: what marketers write as
// "purchase where product = HydroStat 2000". Numbers and booleans compare by their text form so that a
// filter typed into the designer ("2") matches a property sent as 2.
export const propertyFilterSchema = z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).default({})

export type PropertyFilter = z.output<typeof propertyFilterSchema>

export function matchesPropertyFilter(filter: PropertyFilter, properties: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, expected]) => {
    const actual = properties[key]
    return actual !== undefined && actual !== null && String(actual) === String(expected)
  })
}

export function describePropertyFilter(filter: PropertyFilter): string {
  const parts = Object.entries(filter).map(([key, value]) => `${key} = ${value}`)
  return parts.length ? ` where ${parts.join(' and ')}` : ''
}

export const EVENT_TYPE = /^[a-z][a-z0-9_.-]{0,63}$/
export const eventTypeSchema = z.string().regex(EVENT_TYPE, 'event type is lower-case letters, digits, "_", "." or "-"')

