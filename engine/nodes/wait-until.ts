import { z } from 'zod'
import { describeDateOffset, parseDateOffset } from '../campaign/date-offset'
import { attributeNameSchema } from './contact-rules'
import { defineNodeType, NEXT, type NodeOutput } from './node-type'
import { dateAttributeTarget, minutesOfDay, nextSendWindowStart, TIME_OF_DAY, WEEKDAYS } from './zoned-time'

const timeOfDay = z.string().regex(TIME_OF_DAY, 'a time of day such as 08:00')

const config = z.discriminatedUnion('mode', [
  // Until a date the contact carries, e.g. 60 days before `maintenance_due`.
  z.strictObject({
    mode: z.literal('date'),
    attribute: attributeNameSchema,
    offset: z
      .string()
      .refine((text) => parseDateOffset(text) !== null, 'an offset is a signed amount: -60d, +2w, +1y, 12h or 0d')
      .default('0d'),
  }),
  // Until the contact's next business hours, on their own clock.
  z.strictObject({
    mode: z.literal('send_window'),
    days: z.array(z.enum(WEEKDAYS)).min(1, 'allow at least one weekday').default(['mon', 'tue', 'wed', 'thu', 'fri']),
    from: timeOfDay.default('08:00'),
    until: timeOfDay.default('17:00'),
  }),
])

export type WaitUntilConfig = z.output<typeof config>

const MISSING = (attribute: string): NodeOutput => ({ id: 'missing', label: `no ${attribute}` })
const DAY_NAMES: Record<(typeof WEEKDAYS)[number], string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' }

function describeDays(days: readonly (typeof WEEKDAYS)[number][]): string {
  const week = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
  const chosen = week.filter((day) => days.includes(day))
  const first = week.indexOf(chosen[0]!)
  const consecutive = chosen.length > 2 && chosen.every((day, i) => week.indexOf(day) === first + i)
  return consecutive ? `${DAY_NAMES[chosen[0]!]}–${DAY_NAMES[chosen.at(-1)!]}` : chosen.map((day) => DAY_NAMES[day]).join(', ')
}

// If the date moves while the contact waits (a service was rescheduled), the step waits on; this bounds
// how often, so a date that keeps moving cannot keep a contact here forever.
const MAX_DATE_CHECKS = 20

/**
 * Waits until a moment that depends on the contact: a date they carry (± an offset), or the next time
 * their business hours allow. Both are read on the contact's clock (their time zone, else their
 * subsidiary's); a durable Temporal timer does the waiting.
 */
export const waitUntil = defineNodeType({
  type: 'wait_until',
  label: 'Wait until',
  description: 'Waits until a date of the contact (e.g. 60 days before maintenance is due) or their next business hours.',
  category: 'timing',
  configSchema: config,
  defaults: { mode: 'send_window', days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', until: '17:00' },
  hasInput: true,
  waits: true,
  readsAttributes: (c) => (c.mode === 'date' ? [c.attribute] : []),
  outputs: (c) => (c.mode === 'date' ? [{ id: NEXT.id, label: describeDateOffset(c.offset, c.attribute) }, MISSING(c.attribute)] : [NEXT]),
  summary: (c) =>
    c.mode === 'date' ? `until ${describeDateOffset(c.offset, c.attribute)}` : `until ${describeDays(c.days)} ${c.from}–${c.until}, contact’s time`,
  validate: (c) =>
    c.mode === 'send_window' && minutesOfDay(c.from) >= minutesOfDay(c.until)
      ? [{ field: 'until', message: `the window ends (${c.until}) before it starts (${c.from})` }]
      : [],
  step: async (c, context) => {
    const { accountId, contactId } = context.enrolment
    const loadFacts = () => context.activities.loadContactFacts({ accountId, contactId })
    let facts = await loadFacts()
    if (c.mode === 'send_window') {
      const wait = nextSendWindowStart(context.now(), facts.timeZone, c) - context.now()
      if (wait > 0) await context.sleep(wait)
      return { next: NEXT.id }
    }
    const offset = parseDateOffset(c.offset)!
    for (let check = 0; check < MAX_DATE_CHECKS; check++) {
      const target = dateAttributeTarget(facts.attributes[c.attribute], offset, facts.timeZone)
      if (target === null) return { next: 'missing' }
      // A date already past lets the contact through at once.
      if (target <= context.now()) return { next: NEXT.id }
      await context.sleep(target - context.now())
      facts = await loadFacts()
    }
    return { next: NEXT.id }
  },
})
