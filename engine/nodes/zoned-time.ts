import type { DateOffset } from '../campaign/date-offset'
// Wall-clock time in a named time zone, with nothing but Intl: it runs unchanged in the Temporal
// workflow sandbox, in the designer and in tests, and it knows every zone's DST rules through ICU.

/** A local date and time as a clock on the wall shows it (month 1-12), without a zone. */
export interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

export const DEFAULT_TIME_ZONE = 'Europe/Berlin'

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone)
  if (!format) {
    // h23 so that midnight reads 0, never 24 (what hour12: false gives on some ICU versions).
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(zone, format)
  }
  return format
}

export function isTimeZone(zone: string | null | undefined): zone is string {
  if (!zone) return false
  try {
    formatter(zone)
    return true
  } catch {
    return false
  }
}

/** What the clock in `zone` shows at the instant `ms` (epoch milliseconds). */
export function wallClock(ms: number, zone: string): WallClock {
  const parts: Record<string, number> = {}
  for (const part of formatter(zone).formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value)
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! }
}

/** The date (YYYY-MM-DD) the calendar in `zone` shows at the instant `ms`: a fair's "today" in Dortmund. */
export function localDate(ms: number, zone: string): string {
  const { year, month, day } = wallClock(ms, zone)
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

const asUtc = (wall: WallClock) => Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second)

/** How far the zone's clock is ahead of UTC at the instant `ms`, in milliseconds. */
function offsetAt(ms: number, zone: string): number {
  const whole = Math.floor(ms / 1000) * 1000
  return asUtc(wallClock(whole, zone)) - whole
}

/**
 * The instant at which the clock in `zone` shows `wall`. Around DST changes it behaves as calendars
 * do: a time that does not exist (02:30 on the spring-forward night) is read with the offset before
 * the change, so it lands an hour later (03:30); a time that happens twice (autumn) is the earlier one.
 */
export function instantOf(wall: WallClock, zone: string): number {
  const local = asUtc(wall)
  const before = local - offsetAt(local - 86_400_000, zone)
  const after = local - offsetAt(local + 86_400_000, zone)
  const valid = [before, after].filter((candidate) => asUtc(wallClock(candidate, zone)) === local)
  return valid.length ? Math.min(...valid) : before
}

/** The same wall-clock time `days` calendar days later (or earlier), whatever DST does in between. */
export function addDays(wall: WallClock, days: number): WallClock {
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days))
  return { ...wall, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }
}

/** Years, then days, on the calendar; a year from 29 February is 28 February, not 1 March. */
export function addCalendar(wall: WallClock, offset: { years: number; days: number }): WallClock {
  if (!offset.years) return addDays(wall, offset.days)
  const year = wall.year + offset.years
  const lastDay = new Date(Date.UTC(year, wall.month, 0)).getUTCDate()
  return addDays({ ...wall, year, day: Math.min(wall.day, lastDay) }, offset.days)
}

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type Weekday = (typeof WEEKDAYS)[number]

export function weekdayOf(wall: WallClock): Weekday {
  return WEEKDAYS[new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay()]!
}

export const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/

/** "08:30" → 510 (minutes after midnight). */
export function minutesOfDay(time: string): number {
  const match = TIME_OF_DAY.exec(time)
  if (!match) throw new Error(`"${time}" is not a time of day (HH:MM)`)
  return Number(match[1]) * 60 + Number(match[2])
}

/** When mail may go out: these weekdays, from `from` until (not including) `until`, on the contact's clock. */
export interface SendWindow {
  days: readonly Weekday[]
  from: string
  until: string
}

/**
 * The first instant at or after `now` that lies in the window on the clock of `zone`: `now` itself when
 * it already does, else the start of the window on the next allowed day. DST days count like any
 * other: 08:00 on the day the clocks change is 08:00 on the contact's clock.
 */
export function nextSendWindowStart(now: number, zone: string, window: SendWindow): number {
  const local = wallClock(now, zone)
  const nowMinutes = local.hour * 60 + local.minute
  const from = minutesOfDay(window.from)
  const until = minutesOfDay(window.until)
  for (let day = 0; day <= 7; day++) {
    const date = addDays(local, day)
    if (!window.days.includes(weekdayOf(date))) continue
    if (day === 0 && nowMinutes >= until) continue
    if (day === 0 && nowMinutes >= from) return now
    const start = instantOf({ ...date, hour: Math.floor(from / 60), minute: from % 60, second: 0 }, zone)
    if (start > now) return start
  }
  return now // only without allowed days, which the node's schema refuses
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i

/**
 * Reads a contact's date attribute as wall-clock time in `zone`: "2026-09-01" is the start of that day,
 * "2026-09-01T10:00" ten o'clock there, and a timestamp with an offset or Z the instant it names (shown
 * on the contact's clock). Anything else (a number, "01.09.2026", an impossible date) is null.
 */
export function readDateAttribute(value: unknown, zone: string): WallClock | null {
  if (typeof value !== 'string') return null
  const text = value.trim()
  const local = DATE_ONLY.exec(text) ?? LOCAL_DATE_TIME.exec(text)
  if (local) {
    const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(local[i] ?? 0)) as [number, number, number, number, number, number]
    const wall = { year, month, day, hour, minute, second }
    // Date.UTC rolls 2026-02-30 over into March: such a date was never a real one.
    const check = new Date(asUtc(wall))
    if (check.getUTCMonth() + 1 !== month || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null
    return wall
  }
  if (DATE_TIME_WITH_ZONE.test(text)) {
    const ms = Date.parse(text)
    return Number.isNaN(ms) ? null : wallClock(ms, zone)
  }
  return null
}

/** How far before (negative) or after a date to act: whole calendar days, plus an exact remainder. */
/**
 * The instant a date attribute plus an offset names on the contact's clock, or null when the value is
 * not a date. Days move the calendar date (60 days before 1 September at midnight is 3 July at
 * midnight, summer time or not); hours, minutes and seconds are exact.
 */
export function dateAttributeTarget(value: unknown, offset: DateOffset, zone: string): number | null {
  const wall = readDateAttribute(value, zone)
  return wall ? instantOf(addCalendar(wall, offset), zone) + offset.ms : null
}
