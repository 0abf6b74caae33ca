import { z } from 'zod'
import { describeDateOffset, isCalendarOffset, parseDateOffset } from '../campaign/date-offset'
import { defineNodeType, NEXT } from './node-type'
import { eventTypeSchema, matchesPropertyFilter, propertyFilterSchema } from './property-filter'
import { durationSchema } from './wait'
import type { ContactFacts } from './contact-facts'
import { triggerUi } from './trigger-ui'
import { durationWords, fill, filterWords, perLanguage, words, type UiLanguage } from './ui'
import { ACTIVITY_EVENT_TYPES } from '../events/catalogue'
import { contactRuleSchema, describeRuleSet, ruleSetHolds, ruleSetIssues } from './contact-rules'

// How a contact enters the campaign. "event" reacts to one event as the dispatcher hands it over; the
// other kinds are found by a scan that runs on a Temporal Schedule (engine/trigger-schedules.ts) and
// enrols each contact once per occasion (a due date, a stretch of silence, an entry into a segment).

// Entry rules, enforced where enrolments are made (engine/enrol.ts). "always" is what event triggers did
// before rules existed: a contact may come back once the previous enrolment has finished.
const entryRules = {
  reEntry: z.enum(['never', 'always', 'after']).default('always'),
  /** With reEntry "after": the time since the previous enrolment started before the contact may enter again. */
  coolDown: durationSchema.optional(),
  /**
   * Who may enter at all: contacts for whom every one of these rules holds when the trigger fires, e.g. the
   * persona "Peter Produzent" or the cells A1–B2. Empty: everyone the trigger finds.
   */
  audience: z.array(contactRuleSchema).max(50).default([]),
}

const attributeKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'attribute name is letters, digits, "_", "." or "-"')
const isCalendarOffsetText = (text: string) => {
  const offset = parseDateOffset(text)
  return offset !== null && isCalendarOffset(offset)
}
const calendarOffset = (signed: boolean) =>
  z
    .string()
    .refine((text) => isCalendarOffsetText(text) && (signed || !/^\s*[+-]/.test(text)), signed ? 'offset is e.g. -60d, +2w or +1y' : 'a number of days, weeks or years, e.g. 7d')

/** What an inactivity trigger counts as activity unless it names its own events (the event catalogue says). */
export const TRACKED_ACTIVITY = ACTIVITY_EVENT_TYPES

const eventTrigger = z.strictObject({
  // Optional so that graphs saved before trigger kinds existed still read as event triggers.
  kind: z.literal('event').default('event'),
  eventType: eventTypeSchema,
  filter: propertyFilterSchema,
  ...entryRules,
})

const dateTrigger = z.strictObject({
  kind: z.literal('date'),
  /** A date attribute of the contact ("2027-03-01" or an ISO timestamp), e.g. maintenance_due. */
  attribute: attributeKey,
  /** When, relative to that date, the contact enters: -60d is sixty days before. */
  offset: calendarOffset(true).default('0d'),
  /** Equality on other contact attributes, e.g. {"model": "HydroStat 2000"}. */
  filter: propertyFilterSchema,
  /** A day missed (downtime, a date entered late) is still caught up this long after. */
  catchUp: calendarOffset(false).default('7d'),
  ...entryRules,
})

const inactivityTrigger = z.strictObject({
  kind: z.literal('inactivity'),
  /** The events that count as activity; ["purchase"] makes it "no purchase for …". */
  eventTypes: z.array(eventTypeSchema).min(1).max(20).default([...TRACKED_ACTIVITY]),
  /** How long without any of them, e.g. 90d. Contacts with no such event count from their creation. */
  period: durationSchema,
  filter: propertyFilterSchema,
  ...entryRules,
})

const segmentTrigger = z.strictObject({
  kind: z.literal('segment'),
  /** A saved segment (api/segments.ts): contacts enter when they start matching it. */
  segmentId: z.uuid('segmentId: choose a saved segment'),
  ...entryRules,
})

const config = z.discriminatedUnion('kind', [eventTrigger, dateTrigger, inactivityTrigger, segmentTrigger]).superRefine((c, ctx) => {
  if (c.reEntry === 'after' && !c.coolDown) ctx.addIssue({ code: 'custom', path: ['coolDown'], message: 're-entry "after" needs a cool-down, e.g. 30d' })
})

export type TriggerConfig = z.output<typeof config>
export type ScannedTriggerConfig = Exclude<TriggerConfig, { kind: 'event' }>
export type EntryRules = Pick<TriggerConfig, 'reEntry' | 'coolDown' | 'audience'>

// The summary's words; rules and date offsets speak the language too (describeRuleSet, describeDateOffset).
const SAY = {
  onlyIf: words(', only if {rules}', ', nur wenn {rules}', ', seulement si {rules}', ', solo se {rules}', ', solo si {rules}'),
  once: words(', once per contact', ', einmal pro Kontakt', ', une fois par contact', ', una volta per contatto', ', una vez por contacto'),
  again: words(', again {coolDown} after entering', ', erneut {coolDown} nach Eintritt', ', à nouveau {coolDown} après l’entrée', ', di nuovo {coolDown} dopo l’ingresso', ', de nuevo {coolDown} tras entrar'),
  quiet: words('no {events} for {period}', '{period} lang kein {events}', 'aucun {events} pendant {period}', 'nessun {events} per {period}', 'ningún {events} durante {period}'),
  segment: words('enters a saved segment', 'kommt in ein gespeichertes Segment', 'entre dans un segment enregistré', 'entra in un segmento salvato', 'entra en un segmento guardado'),
}

function describeEntry(c: EntryRules, language: UiLanguage): string {
  const audience = c.audience.length > 0 ? fill(SAY.onlyIf[language], { rules: describeRuleSet({ match: 'all', rules: c.audience }, language) }) : ''
  if (c.reEntry === 'never') return `${audience}${SAY.once[language]}`
  if (c.reEntry === 'after' && c.coolDown) return `${audience}${fill(SAY.again[language], { coolDown: durationWords(c.coolDown) }, language)}`
  return audience
}

/** Whether a contact with these facts may enter (the trigger's audience; engine/enrol.ts checks it at entry). */
export function inAudience(c: Pick<EntryRules, 'audience'>, facts: ContactFacts): boolean {
  return ruleSetHolds({ match: 'all', rules: c.audience }, facts)
}

function describeTrigger(c: TriggerConfig, language: UiLanguage): string {
  switch (c.kind) {
    case 'event':
      return `${c.eventType}${filterWords(c.filter)[language]}`
    case 'date':
      return `${describeDateOffset(c.offset, c.attribute, language)}${filterWords(c.filter)[language]}`
    case 'inactivity':
      return `${fill(SAY.quiet[language], { events: c.eventTypes.join(', '), period: durationWords(c.period) }, language)}${filterWords(c.filter)[language]}`
    case 'segment':
      return SAY.segment[language]
  }
}

/** Starts an enrolment: on an event, a date coming near, a contact going quiet, or a contact entering a segment. */
export const trigger = defineNodeType({
  type: 'trigger',
  ui: triggerUi,
  category: 'entry',
  configSchema: config,
  defaults: { kind: 'event', eventType: 'purchase', filter: {}, reEntry: 'always' },
  // An event trigger's filter names event properties, a date trigger's names contact attributes.
  readsAttributes: (c) => [
    ...(c.kind === 'date' ? [c.attribute, ...Object.keys(c.filter)] : []),
    ...c.audience.flatMap((rule) => (rule.kind === 'attribute' ? [rule.attribute] : [])),
  ],
  validate: (c) => ruleSetIssues({ match: 'all', rules: c.audience }, '').map((issue) => ({ ...issue, field: issue.field.replace(/^rules\./, 'audience.'), message: `who may enter, ${issue.message}` })),
  hasInput: false,
  waits: false,
  outputs: () => [NEXT],
  summaryValues: (c) => ({ detail: perLanguage((language) => `${describeTrigger(c, language)}${describeEntry(c, language)}`) }),
  // The trigger already happened when the workflow starts: its step only leads on.
  step: async () => ({ next: NEXT.id }),
})

/**
 * The trigger node of a campaign graph (publish guarantees exactly one): where an enrolment's first run
 * starts, whose config decides who enters, and whose step a new enrolment's entry records.
 */
export function triggerNode<N extends { type: string }>(graph: { nodes: N[] }): N | undefined {
  return graph.nodes.find((node) => node.type === trigger.type)
}

export function eventStartsCampaign(c: TriggerConfig, event: { type: string; properties: Record<string, unknown> }): boolean {
  return c.kind === 'event' && event.type === c.eventType && matchesPropertyFilter(c.filter, event.properties)
}
