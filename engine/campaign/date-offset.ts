import { parseDuration } from './duration'

// One grammar for "when, relative to a contact's date", shared by date triggers and wait-until steps: a
// signed amount and a unit. Days, weeks and years move the calendar date, so "-60d" keeps the time of day
// across a DST change and "+1y" from 29 February lands on 28 February; hours, minutes and seconds move the
// clock. Date triggers fire once a day, so they take calendar units only.

export interface DateOffset {
  years: number
  days: number
  ms: number
}

const OFFSET = /^([+-]?)\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w|y)$/
const UNIT_WORDS = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', y: 'year' } as const

/** "-60d", "+2w", "+1y", "12h", "0d" → calendar years and days plus exact milliseconds; null when it is not an offset. */
export function parseDateOffset(text: string): DateOffset | null {
  const match = OFFSET.exec(text.trim())
  if (!match) return null
  const sign = match[1] === '-' ? -1 : 1
  const count = Number(match[2])
  const unit = match[3] as keyof typeof UNIT_WORDS
  if (count === 0) return { years: 0, days: 0, ms: 0 }
  if (unit === 'y') return Number.isInteger(count) ? { years: sign * count, days: 0, ms: 0 } : null
  if ((unit === 'd' || unit === 'w') && Number.isInteger(count)) return { years: 0, days: sign * count * (unit === 'w' ? 7 : 1), ms: 0 }
  const ms = parseDuration(`${match[2]}${unit}`)
  return ms === null ? null : { years: 0, days: 0, ms: sign * ms }
}

/** Whole days, weeks or years: an offset a once-a-day date trigger can honour. */
export const isCalendarOffset = (offset: DateOffset) => offset.ms === 0

/** "60 days before maintenance_due", "1 year after purchased_at", "on maintenance_due". */
export function describeDateOffset(text: string, what: string): string {
  const offset = parseDateOffset(text)
  const match = OFFSET.exec(text.trim())
  if (!offset || !match || (!offset.years && !offset.days && !offset.ms)) return `on ${what}`
  const count = Number(match[2])
  const amount = `${count} ${UNIT_WORDS[match[3] as keyof typeof UNIT_WORDS]}${count === 1 ? '' : 's'}`
  const before = offset.years < 0 || offset.days < 0 || offset.ms < 0
  return `${amount} ${before ? 'before' : 'after'} ${what}`
}
