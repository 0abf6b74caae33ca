import { describe, expect, it } from 'vitest'
import { parseDateOffset } from '../../engine/campaign/date-offset'
import { dateAttributeTarget, instantOf, localDate, nextSendWindowStart, readDateAttribute, wallClock, type SendWindow } from '../../engine/nodes/zoned-time'

const at = (iso: string) => Date.parse(iso)
const iso = (ms: number) => new Date(ms).toISOString()
const weekdays: SendWindow = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', until: '17:00' }
const everyDay: SendWindow = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '08:00', until: '17:00' }

describe('wall-clock time in a zone', () => {
  it('reads and writes the clock on both sides of the DST changes in Berlin', () => {
    expect(wallClock(at('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toMatchObject({ day: 29, hour: 1, minute: 59 })
    expect(wallClock(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toMatchObject({ day: 29, hour: 3, minute: 0 })
    expect(wallClock(at('2026-01-01T23:30:00Z'), 'Europe/Berlin')).toMatchObject({ year: 2026, month: 1, day: 2, hour: 0, minute: 30 })
    expect(iso(instantOf({ year: 2026, month: 7, day: 1, hour: 9, minute: 0, second: 0 }, 'Europe/Madrid'))).toBe('2026-07-01T07:00:00.000Z')
    expect(iso(instantOf({ year: 2026, month: 12, day: 1, hour: 9, minute: 0, second: 0 }, 'Europe/Madrid'))).toBe('2026-12-01T08:00:00.000Z')
  })

  it("gives a zone's date, which is tomorrow in Berlin an hour before UTC's midnight in winter and two in summer", () => {
    expect(localDate(at('2026-12-03T23:30:00Z'), 'Europe/Berlin')).toBe('2026-12-04')
    expect(localDate(at('2026-12-03T22:59:59Z'), 'Europe/Berlin')).toBe('2026-12-03')
    expect(localDate(at('2026-07-03T22:00:00Z'), 'Europe/Berlin')).toBe('2026-07-04')
    expect(localDate(at('2026-07-04T03:00:00Z'), 'America/New_York')).toBe('2026-07-03')
  })

  it('reads a time that does not exist (spring forward) an hour later, and a doubled one (autumn) as the earlier', () => {
    expect(iso(instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z') // 03:30 CEST
    expect(iso(instantOf({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 }, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z') // first 02:30, CEST
  })
})

describe('the next send window', () => {
  it('is now when now is inside the window, including its first minute', () => {
    const now = at('2026-06-10T10:15:00Z') // Wednesday 12:15 in Paris
    expect(nextSendWindowStart(now, 'Europe/Paris', weekdays)).toBe(now)
    expect(nextSendWindowStart(at('2026-06-10T06:00:00Z'), 'Europe/Paris', weekdays)).toBe(at('2026-06-10T06:00:00Z'))
  })

  it('is later today before the window opens, and the next allowed day once it has closed', () => {
    expect(iso(nextSendWindowStart(at('2026-06-10T04:00:00Z'), 'Europe/Rome', weekdays))).toBe('2026-06-10T06:00:00.000Z')
    // 17:00 sharp is closed: "until" is not included.
    expect(iso(nextSendWindowStart(at('2026-06-10T15:00:00Z'), 'Europe/Rome', weekdays))).toBe('2026-06-11T06:00:00.000Z')
  })

  it('skips the weekend: Friday evening waits for Monday morning', () => {
    expect(iso(nextSendWindowStart(at('2026-06-12T18:00:00Z'), 'Europe/Berlin', weekdays))).toBe('2026-06-15T06:00:00.000Z')
    expect(iso(nextSendWindowStart(at('2026-06-13T10:00:00Z'), 'Europe/Berlin', weekdays))).toBe('2026-06-15T06:00:00.000Z')
  })

  it('keeps 08:00 on the contact’s clock across the spring DST change (Berlin, 29 March 2026)', () => {
    // Friday 18:00 CET → Monday 08:00 CEST, which is 06:00 UTC, not 07:00.
    expect(iso(nextSendWindowStart(at('2026-03-27T17:00:00Z'), 'Europe/Berlin', weekdays))).toBe('2026-03-30T06:00:00.000Z')
    // Saturday evening in winter time → Sunday 08:00 on the day of the change, already summer time.
    expect(iso(nextSendWindowStart(at('2026-03-28T19:00:00Z'), 'Europe/Berlin', everyDay))).toBe('2026-03-29T06:00:00.000Z')
    // A window that opens inside the skipped hour opens when the clock jumps past it.
    expect(iso(nextSendWindowStart(at('2026-03-28T23:30:00Z'), 'Europe/Berlin', { days: ['sun'], from: '02:30', until: '05:00' }))).toBe('2026-03-29T01:30:00.000Z')
  })

  it('keeps 08:00 on the contact’s clock across the autumn DST change (Berlin, 25 October 2026)', () => {
    // Saturday 18:00 CEST → Sunday 08:00 CET, which is 07:00 UTC.
    expect(iso(nextSendWindowStart(at('2026-10-24T16:00:00Z'), 'Europe/Berlin', everyDay))).toBe('2026-10-25T07:00:00.000Z')
    expect(iso(nextSendWindowStart(at('2026-10-23T16:00:00Z'), 'Europe/Berlin', weekdays))).toBe('2026-10-26T07:00:00.000Z')
    // A window opening in the hour that happens twice opens the first time.
    expect(iso(nextSendWindowStart(at('2026-10-24T22:30:00Z'), 'Europe/Berlin', { days: ['sun'], from: '02:30', until: '05:00' }))).toBe('2026-10-25T00:30:00.000Z')
    // Inside the repeated hour the window is open both times.
    expect(nextSendWindowStart(at('2026-10-25T01:45:00Z'), 'Europe/Berlin', { days: ['sun'], from: '02:30', until: '05:00' })).toBe(at('2026-10-25T01:45:00Z'))
  })

  it('works for zones far from Europe, with other DST dates and half-hour offsets', () => {
    // New York moved to summer time on 8 March 2026; Berlin had not yet.
    expect(iso(nextSendWindowStart(at('2026-03-07T12:00:00Z'), 'America/New_York', weekdays))).toBe('2026-03-09T12:00:00.000Z')
    expect(iso(nextSendWindowStart(at('2026-06-10T12:00:00Z'), 'Asia/Kolkata', weekdays))).toBe('2026-06-11T02:30:00.000Z')
  })
})

describe('a date attribute plus an offset', () => {
  it('reads dates, local date-times and timestamps; refuses anything else', () => {
    expect(readDateAttribute('2026-09-01', 'Europe/Berlin')).toEqual({ year: 2026, month: 9, day: 1, hour: 0, minute: 0, second: 0 })
    expect(readDateAttribute('2026-09-01T10:30', 'Europe/Berlin')).toMatchObject({ hour: 10, minute: 30 })
    expect(readDateAttribute('2026-09-01T08:30:00Z', 'Europe/Berlin')).toMatchObject({ hour: 10, minute: 30 })
    for (const bad of ['01.09.2026', '2026-02-30', '2026-13-01', 'soon', '', 1_780_000_000_000, null, undefined]) expect(readDateAttribute(bad, 'Europe/Berlin')).toBeNull()
  })

  it('moves calendar days, so 60 days before a winter date is midnight on the contact’s clock in summer', () => {
    const offset = parseDateOffset('-60d')!
    // 60 days before 2026-12-01 (CET) is 2026-10-02, a summer-time (CEST) midnight: 22:00 UTC the day before.
    expect(iso(dateAttributeTarget('2026-12-01', offset, 'Europe/Berlin')!)).toBe('2026-10-01T22:00:00.000Z')
    expect(iso(dateAttributeTarget('2026-12-01', parseDateOffset('0d')!, 'Europe/Paris')!)).toBe('2026-11-30T23:00:00.000Z')
    expect(iso(dateAttributeTarget('2026-12-01', parseDateOffset('+2w')!, 'Europe/Paris')!)).toBe('2026-12-14T23:00:00.000Z')
    expect(iso(dateAttributeTarget('2026-12-01', parseDateOffset('-12h')!, 'Europe/Paris')!)).toBe('2026-11-30T11:00:00.000Z')
    // Three years after a leap day: 28 February, at midnight in Berlin (CET, UTC+1).
    expect(iso(dateAttributeTarget('2024-02-29', parseDateOffset('+3y')!, 'Europe/Berlin')!)).toBe('2027-02-27T23:00:00.000Z')
    expect(dateAttributeTarget(undefined, offset, 'Europe/Berlin')).toBeNull()
  })

  it('parses signed offsets', () => {
    expect(parseDateOffset('-60d')).toEqual({ years: 0, days: -60, ms: 0 })
    expect(parseDateOffset('+1w')).toEqual({ years: 0, days: 7, ms: 0 })
    expect(parseDateOffset('+3y')).toEqual({ years: 3, days: 0, ms: 0 })
    expect(parseDateOffset('0d')).toEqual({ years: 0, days: 0, ms: 0 })
    expect(parseDateOffset('-90m')).toEqual({ years: 0, days: 0, ms: -5_400_000 })
    expect(parseDateOffset('1.5y')).toBeNull()
    expect(parseDateOffset('60')).toBeNull()
    expect(parseDateOffset('-')).toBeNull()
  })
})
