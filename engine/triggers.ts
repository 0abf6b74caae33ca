import { addDateOffset, attributeDate, daysBetween, localDate } from './campaign/calendar'
import { parseDateOffset } from './campaign/date-offset'
import { parseDuration } from './campaign/duration'
import type { CampaignGraph } from './campaign/graph'
import { matchesPropertyFilter } from './nodes/property-filter'
import { eventStartsCampaign, trigger, triggerNode, type ScannedTriggerConfig, type TriggerConfig } from './nodes/trigger'

// Occasions: what entered a contact into a campaign, as a key stored once per campaign and contact
// (trigger_occasions). A scan that runs twice, or resumes after a crash, finds the key taken and enrols
// nobody again; the next due date, silence or segment entry is a new key.

/** The trigger of a published graph (publish guarantees exactly one, with a valid config). */
export function campaignTrigger(graph: CampaignGraph): TriggerConfig | undefined {
  const node = triggerNode(graph)
  const parsed = node && trigger.configSchema.safeParse(node.config)
  return parsed?.success ? parsed.data : undefined
}

export function eventEntersCampaign(graph: CampaignGraph, event: { type: string; properties: Record<string, unknown> }): boolean {
  const config = campaignTrigger(graph)
  return config !== undefined && eventStartsCampaign(config, event)
}

/** The trigger when it is one that scans (date, inactivity, segment): such campaigns get a schedule. */
export function scannedTrigger(graph: CampaignGraph): ScannedTriggerConfig | undefined {
  const config = campaignTrigger(graph)
  return config && config.kind !== 'event' ? config : undefined
}

export const eventOccasion = (eventId: string) => `event:${eventId}`
export const manualOccasion = (key: string) => `manual:${key}`
export const segmentEntryOccasion = (enteredAt: Date) => `segment-entry:${enteredAt.toISOString()}`

export interface ScannedContact {
  attributes: Record<string, unknown>
  timeZone: string
}

/**
 * The occasion on which a date-relative trigger enters the contact, or null. The contact enters on the
 * day `date + offset` in their own zone, or up to `catchUp` days later when that day was missed; the key
 * names the date itself (`maintenance_due:2027-03-01`), so a new due date is a new occasion.
 */
export function dateOccasion(c: Extract<TriggerConfig, { kind: 'date' }>, contact: ScannedContact, now: Date): string | null {
  const date = attributeDate(contact.attributes[c.attribute], contact.timeZone)
  if (!date || !matchesPropertyFilter(c.filter, contact.attributes)) return null
  const entryDay = addDateOffset(date, parseDateOffset(c.offset)!)
  const late = daysBetween(entryDay, localDate(now, contact.timeZone))
  const catchUp = parseDateOffset(c.catchUp)!
  const catchUpDays = catchUp.years ? daysBetween(entryDay, addDateOffset(entryDay, catchUp)) : catchUp.days
  return late >= 0 && late <= catchUpDays ? `${c.attribute}:${date}` : null
}

/**
 * The occasion on which an inactivity trigger enters the contact, or null while they are still within the
 * period. Keyed by the day of their last activity (in their zone): activity after that starts a new count.
 */
export function inactivityOccasion(
  c: Extract<TriggerConfig, { kind: 'inactivity' }>,
  contact: ScannedContact & { lastActiveAt: Date },
  now: Date,
): string | null {
  if (!matchesPropertyFilter(c.filter, contact.attributes)) return null
  if (contact.lastActiveAt.getTime() + parseDuration(c.period)! > now.getTime()) return null
  return `inactive-since:${localDate(contact.lastActiveAt, contact.timeZone)}`
}
