import { addCalendar, readDateAttribute, wallClock } from '../nodes/zoned-time'
import type { DateOffset } from './date-offset'

// Calendar dates for date-relative triggers. A contact's "maintenance due" is a day, not an instant, and
// "today" depends on where the contact sits: 23:30 in Lisbon is already tomorrow in Berlin. Offsets are
// the calendar units of engine/campaign/date-offset.ts: "-60d", "+2w", "+1y".

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

/** The day `offset` away from `date` (both calendar days; no time zone is involved any more). */
export function addDateOffset(date: string, offset: Pick<DateOffset, 'years' | 'days'>): string {
  const { y, m, d } = toUtc(date)
  const wall = addCalendar({ year: y, month: m, day: d, hour: 0, minute: 0, second: 0 }, offset)
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = toUtc(from)
  const b = toUtc(to)
  return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / 86_400_000)
}
