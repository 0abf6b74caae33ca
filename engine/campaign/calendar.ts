import { readDateAttribute, wallClock } from '../nodes/zoned-time'

// Calendar dates for date-relative triggers. A contact's "maintenance due" is a day, not an instant, and
// "today" depends on where the contact sits: 23:30 in Lisbon is already tomorrow in Berlin. Offsets are
// written like durations (engine/campaign/duration.ts) but count whole calendar units: "-60d" (60 days
// before), "+2w", "+1y" (the same day a year later; 29 February becomes 28 February).

export const DATE_OFFSET_PATTERN = /^([+-]?)(\d{1,4})\s*(d|w|y)$/

export interface DateOffset {
  days: number
  years: number
}

export function parseDateOffset(text: string): DateOffset | null {
  const match = DATE_OFFSET_PATTERN.exec(text.trim())
  if (!match) return null
  const n = Number(match[2]) * (match[1] === '-' ? -1 : 1)
  switch (match[3]) {
    case 'y':
      return { days: 0, years: n }
    case 'w':
      return { days: n * 7, years: 0 }
    default:
      return { days: n, years: 0 }
  }
}

export function formatDateOffset(text: string): string {
  const match = DATE_OFFSET_PATTERN.exec(text.trim())
  if (!match) return text
  const n = Number(match[2])
  if (n === 0) return 'on'
  const word = { d: 'day', w: 'week', y: 'year' }[match[3] as 'd' | 'w' | 'y']
  return `${n} ${word}${n === 1 ? '' : 's'} ${match[1] === '-' ? 'before' : 'after'}`
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** The calendar date (YYYY-MM-DD) at an instant, as a wall calendar in the time zone shows it. */
export function localDate(at: Date, timeZone: string): string {
  const wall = wallClock(at.getTime(), timeZone)
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`
}

/**
 * A date attribute as the calendar day it means on the contact's clock, read exactly as the wait-until
 * step reads it (readDateAttribute), so a trigger and a wait never disagree about a contact's date.
 * Anything that is no date (missing, "soon", 2027-02-30) is null: the contact is skipped.
 */
export function attributeDate(value: unknown, timeZone: string): string | null {
  const wall = readDateAttribute(value, timeZone)
  return wall && `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`
}

const toUtc = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return { y, m, d }
}
const format = (date: Date) => date.toISOString().slice(0, 10)

/** The day `offset` away from `date` (both calendar days; no time zone is involved any more). */
export function addDateOffset(date: string, offset: DateOffset): string {
  const { y, m, d } = toUtc(date)
  if (offset.years !== 0) {
    const lastDay = new Date(Date.UTC(y + offset.years, m, 0)).getUTCDate()
    return format(new Date(Date.UTC(y + offset.years, m - 1, Math.min(d, lastDay) + offset.days)))
  }
  return format(new Date(Date.UTC(y, m - 1, d + offset.days)))
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = toUtc(from)
  const b = toUtc(to)
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000)
}
