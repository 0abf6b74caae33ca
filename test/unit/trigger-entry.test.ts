import type { ISql } from 'postgres'
import { describe, expect, it } from 'vitest'
import { parseEnrolmentCsv } from '../../api/enrolment-csv'
import { segmentCondition } from '../../db/segments'
import { addDateOffset, attributeDate, daysBetween, localDate } from '../../engine/campaign/calendar'
import { describeDateOffset, isCalendarOffset, parseDateOffset } from '../../engine/campaign/date-offset'
import { validateForPublish } from '../../engine/campaign/validate'
import { inAudience, trigger, type TriggerConfig } from '../../engine/nodes/trigger'
import { segmentFilterIssues, segmentFilterSchema } from '../../engine/segment-filter'
import { dateOccasion, eventOccasion, inactivityOccasion, manualOccasion, segmentEntryOccasion } from '../../engine/triggers'
import { linearCampaign } from '../helpers/graphs'

const config = (raw: Record<string, unknown>) => trigger.configSchema.parse(raw) as TriggerConfig
type DateConfig = Extract<TriggerConfig, { kind: 'date' }>
type InactivityConfig = Extract<TriggerConfig, { kind: 'inactivity' }>

describe('calendar dates per time zone', () => {
  it('reads "today" on the contact\'s own wall calendar', () => {
    const lateEvening = new Date('2026-10-01T22:30:00Z')
    expect(localDate(lateEvening, 'Europe/Berlin')).toBe('2026-10-02') // 00:30 CEST
    expect(localDate(lateEvening, 'Europe/Lisbon')).toBe('2026-10-01') // 23:30 WEST
    expect(localDate(lateEvening, 'America/New_York')).toBe('2026-10-01')
    // Winter time: Berlin is UTC+1, so 23:30 UTC is the next day there.
    expect(localDate(new Date('2026-12-31T23:30:00Z'), 'Europe/Berlin')).toBe('2027-01-01')
    expect(localDate(new Date('2026-12-31T22:30:00Z'), 'Europe/Berlin')).toBe('2026-12-31')
  })

  it('reads date attributes as days, timestamps in the contact\'s zone, and refuses anything else', () => {
    expect(attributeDate('2027-03-01', 'Europe/Paris')).toBe('2027-03-01')
    expect(attributeDate('2027-02-28T23:30:00Z', 'Europe/Paris')).toBe('2027-03-01')
    expect(attributeDate('2027-02-28T23:30:00Z', 'Europe/Lisbon')).toBe('2027-02-28')
    for (const junk of ['2027-02-30', '01.03.2027', 'soon', '', 20270301, null, undefined]) expect(attributeDate(junk, 'Europe/Berlin')).toBeNull()
  })

  it('moves dates by calendar days, weeks and years', () => {
    expect(addDateOffset('2027-03-01', parseDateOffset('-60d')!)).toBe('2026-12-31')
    expect(addDateOffset('2027-03-01', parseDateOffset('+2w')!)).toBe('2027-03-15')
    expect(addDateOffset('2024-02-29', parseDateOffset('+1y')!)).toBe('2025-02-28')
    expect(addDateOffset('2026-10-25', parseDateOffset('1d')!)).toBe('2026-10-26') // across the DST change
    expect(daysBetween('2026-12-31', '2027-03-01')).toBe(60)
    // A date trigger runs once a day: minutes (or months?) are not calendar units it can honour.
    expect(isCalendarOffset(parseDateOffset('3m')!)).toBe(false)
    expect(isCalendarOffset(parseDateOffset('+1y')!)).toBe(true)
    expect(describeDateOffset('-60d', 'maintenance_due')).toBe('60 days before maintenance_due')
    expect(describeDateOffset('+1y', 'purchased_at')).toBe('1 year after purchased_at')
    expect(describeDateOffset('0d', 'purchased_at')).toBe('on purchased_at')
  })
})

describe('date-relative trigger', () => {
  const due = config({ kind: 'date', attribute: 'maintenance_due', offset: '-60d', filter: { model: 'HydroStat 2000' }, catchUp: '3d' }) as DateConfig
  const contact = (maintenance_due: unknown, timeZone = 'Europe/Berlin', model = 'HydroStat 2000') => ({ attributes: { maintenance_due, model }, timeZone })

  it('enters a contact on the day sixty days before the due date, in their zone, keyed by the due date', () => {
    const now = new Date('2026-12-31T10:00:00Z')
    expect(dateOccasion(due, contact('2027-03-01'), now)).toBe('maintenance_due:2027-03-01')
    expect(dateOccasion(due, contact('2027-03-02'), now)).toBeNull() // tomorrow
  })

  it('catches up a missed day within catchUp, not later', () => {
    const now = new Date('2026-12-31T10:00:00Z')
    expect(dateOccasion(due, contact('2027-02-26'), now)).toBe('maintenance_due:2027-02-26') // 3 days late
    expect(dateOccasion(due, contact('2027-02-25'), now)).toBeNull() // 4 days late
  })

  it('turns the day over at the contact\'s midnight, not the server\'s', () => {
    const justAfterBerlinMidnight = new Date('2026-12-30T23:30:00Z')
    expect(dateOccasion(due, contact('2027-03-01', 'Europe/Berlin'), justAfterBerlinMidnight)).toBe('maintenance_due:2027-03-01')
    expect(dateOccasion(due, contact('2027-03-01', 'Europe/Lisbon'), justAfterBerlinMidnight)).toBeNull()
  })

  it('applies the property filter on the other attributes', () => {
    expect(dateOccasion(due, contact('2027-03-01', 'Europe/Berlin', 'HydroStat 3000'), new Date('2026-12-31T10:00:00Z'))).toBeNull()
  })
})

describe('inactivity trigger', () => {
  const quiet = config({ kind: 'inactivity', period: '90d' }) as InactivityConfig

  it('counts the default activity types and keys the occasion by the last active day', () => {
    expect(quiet.eventTypes).toEqual(['click', 'open', 'visit', 'download', 'form'])
    const lastActiveAt = new Date('2026-07-01T22:30:00Z')
    const contact = { attributes: {}, timeZone: 'Europe/Berlin', lastActiveAt }
    expect(inactivityOccasion(quiet, contact, new Date('2026-09-28T00:00:00Z'))).toBeNull()
    expect(inactivityOccasion(quiet, contact, new Date('2026-09-30T00:00:00Z'))).toBe('inactive-since:2026-07-02')
  })
})

describe('trigger config and entry rules', () => {
  it('reads configs saved before trigger kinds as event triggers that allow re-entry, for everyone', () => {
    expect(config({ eventType: 'purchase', filter: {} })).toEqual({ kind: 'event', eventType: 'purchase', filter: {}, reEntry: 'always', audience: [] })
  })

  it('lets in only the audience: every rule must hold', () => {
    const audience = config({ eventType: 'form_submitted', filter: {}, audience: [{ kind: 'persona', persona: 'peter-produzent' }, { kind: 'subsidiary', codes: ['DE', 'FR'] }] })
    const facts = { attributes: {}, tags: [], consent: 'granted' as const, subsidiary: 'FR', timeZone: 'Europe/Paris', personas: ['peter-produzent'] }
    expect(inAudience(audience, facts)).toBe(true)
    expect(inAudience(audience, { ...facts, subsidiary: 'IT' })).toBe(false)
    expect(inAudience(audience, { ...facts, personas: [] })).toBe(false)
    expect(inAudience(config({ eventType: 'form_submitted', filter: {} }), { ...facts, personas: [] })).toBe(true)
    expect(trigger.summary(audience)).toBe('form_submitted, only if persona peter-produzent and subsidiary DE or FR')
  })

  it('asks for a cool-down with re-entry "after", naming the field', () => {
    const graph = linearCampaign({ kind: 'event', eventType: 'purchase', reEntry: 'after' }, [])
    const result = validateForPublish(graph, { templateIds: new Set() })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.issues).toContainEqual(expect.objectContaining({ nodeId: 'trigger', field: 'config.coolDown' }))
  })

  it('refuses bad offsets and unknown kinds', () => {
    expect(trigger.configSchema.safeParse({ kind: 'date', attribute: 'maintenance_due', offset: '60 days' }).success).toBe(false)
    expect(trigger.configSchema.safeParse({ kind: 'date', attribute: 'maintenance_due', catchUp: '-1d' }).success).toBe(false)
    expect(trigger.configSchema.safeParse({ kind: 'weather' }).success).toBe(false)
    expect(trigger.configSchema.safeParse({ kind: 'segment', segmentId: 'vip' }).success).toBe(false)
  })

  it('summarises each kind the way marketers say it', () => {
    expect(trigger.summary(config({ kind: 'date', attribute: 'maintenance_due', offset: '-60d', filter: { model: 'HydroStat 2000' } }))).toBe(
      '60 days before maintenance_due where model = HydroStat 2000',
    )
    expect(trigger.summary(config({ kind: 'inactivity', eventTypes: ['purchase'], period: '180d', reEntry: 'never' }))).toBe('no purchase for 180 days, once per contact')
    expect(trigger.summary(config({ eventType: 'purchase', reEntry: 'after', coolDown: '30d' }))).toBe('purchase, again 30 days after entering')
  })

  it('has one occasion key per kind of entry', () => {
    expect(eventOccasion('e1')).toBe('event:e1')
    expect(manualOccasion('upload-7')).toBe('manual:upload-7')
    expect(segmentEntryOccasion(new Date('2026-10-01T08:00:00Z'))).toBe('segment-entry:2026-10-01T08:00:00.000Z')
  })
})

// A stand-in for postgres.js's tag that renders fragments to text with numbered parameters, so the SQL a
// filter becomes can be read without a database (the integration test runs it against one).
function renderingTag() {
  type Fragment = { strings: readonly string[]; values: unknown[] }
  const tag = (strings: TemplateStringsArray, ...values: unknown[]): Fragment => ({ strings, values })
  const render = (fragment: Fragment, params: unknown[] = []): { text: string; params: unknown[] } => {
    let text = fragment.strings[0]!
    fragment.values.forEach((value, i) => {
      if (value && typeof value === 'object' && 'strings' in value) text += render(value as Fragment, params).text
      else text += `$${params.push(value)}`
      text += fragment.strings[i + 1]
    })
    return { text: text.replace(/\s+/g, ' ').trim(), params }
  }
  return { sql: tag as unknown as ISql, render: (fragment: unknown) => render(fragment as Fragment) }
}

describe('segment filters', () => {
  const { sql, render } = renderingTag()

  it('become one condition with every value a parameter', () => {
    const filter = segmentFilterSchema.parse({
      match: 'all',
      rules: [
        { kind: 'subsidiary', codes: ['FR', 'IT'] },
        { kind: 'attribute', attribute: 'model', operator: 'equals', value: 'HydroStat 2000' },
        { kind: 'tag', tag: 'vip' },
        { kind: 'consent', status: 'granted' },
      ],
    })
    const { text, params } = render(segmentCondition(sql, filter))
    expect(text).toContain('fs.code = any($1::text[])')
    expect(text).toContain('(c.attributes ->> $2)')
    expect(text).toContain('= any(c.tags)')
    expect(text).toContain('c.consent_status = ')
    expect(text.match(/\) and \(/g)).toHaveLength(3)
    expect(params).toContainEqual(['FR', 'IT'])
    expect(params).toContain('HydroStat 2000')
    expect(params).toContain('vip')
  })

  it('join "any" with or, and guard numeric casts with CASE', () => {
    const filter = segmentFilterSchema.parse({
      match: 'any',
      rules: [
        { kind: 'attribute', attribute: 'pressure_bar', operator: 'greater_than', value: 250 },
        { kind: 'tag', operator: 'has_not', tag: 'competitor' },
      ],
    })
    const { text, params } = render(segmentCondition(sql, filter))
    expect(text).toMatch(/^\(case when .* then trim\(.*\)::numeric > \$\d+ else false end\) or \(not \(\$\d+ = any\(c\.tags\)\)\)$/)
    expect(params).toContain(250)
  })

  it('refuses rule kinds that are not available yet', () => {
    const filter = segmentFilterSchema.parse({ match: 'all', rules: [{ kind: 'segment', segmentId: 'x' }] })
    expect(segmentFilterIssues(filter)).toContainEqual(expect.objectContaining({ field: 'filter.rules.0.kind' }))
  })
})

describe('CSV uploads', () => {
  it('reads the email column and reports bad rows by line number', () => {
    const csv = '\uFEFFname;Email;company\r\nAnna;anna@example.com;Schmidt\r\nBert;not-an-address;X\r\n\r\nCarl;;Y\r\n"Dora ""D"" Lang";ANNA@example.com;Z\r\nEva;"eva@example.com";"Eva; GmbH"\r\n'
    const parsed = parseEnrolmentCsv(csv)
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed.rows).toEqual([
      { line: 2, email: 'anna@example.com' },
      { line: 7, email: 'eva@example.com' },
    ])
    expect(parsed.problems).toEqual([
      { line: 3, reason: 'invalid_row', message: 'line 3: "not-an-address" is not an e-mail address' },
      { line: 5, reason: 'invalid_row', message: 'line 5: no e-mail address' },
      { line: 6, reason: 'duplicate_row', message: 'line 6: ANNA@example.com is already on line 2' },
    ])
  })

  it('counts lines inside quoted fields, so later line numbers still match the file', () => {
    const parsed = parseEnrolmentCsv('email,note\na@example.com,"two\nlines"\nnope,x\n')
    expect(parsed.ok && parsed.problems).toEqual([{ line: 4, reason: 'invalid_row', message: 'line 4: "nope" is not an e-mail address' }])
  })

  it('refuses files without an email column, with an unclosed quote, or too long', () => {
    expect(parseEnrolmentCsv('name,company\nAnna,X\n')).toMatchObject({ ok: false, error: 'no_email_column', line: 1 })
    expect(parseEnrolmentCsv('email\na@example.com\n"b@example.com\n')).toMatchObject({ ok: false, error: 'unclosed_quote', line: 3 })
    expect(parseEnrolmentCsv('email\na@example.com\nb@example.com\nc@example.com\n', 2)).toMatchObject({ ok: false, error: 'too_many_rows' })
    expect(parseEnrolmentCsv('  \n')).toMatchObject({ ok: false, error: 'empty' })
  })
})
