import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { eventInputSchema } from '../../api/contract/events'
import {
  ACTIVITY_EVENT_TYPES,
  ATTRIBUTION_EVENT_TYPES,
  CATALOGUED_EVENT_TYPES,
  DEFAULT_EVENT_POINTS,
  ENDING_EVENTS,
  EVENT_CATALOGUE,
  eventHappened,
  MAIL_STATISTIC_EVENT_TYPES,
  type EventKind,
} from '../../engine/events/catalogue'
import { TRACKED_ACTIVITY } from '../../engine/nodes/trigger'
import { DEFAULT_SCORING_MODEL } from '../../engine/scoring/model'
import { UI_LANGUAGES, type Words } from '../../engine/nodes/ui'

// The event catalogue is complete: every type in every language, every type the product itself stores
// is catalogued and accepted by the events API, and the lists that could not read it (reporting's
// Postgres triggers) still agree with it.

const root = join(__dirname, '../..')
const gapsIn = (text: Words, where: string) => UI_LANGUAGES.filter((language) => !text[language]?.trim()).map((language) => `${where}: no ${language}`)

/** The literal event types of every `insert into events (…) values (…)` in the product's source. */
function typesTheProductStores(): { type: string; file: string }[] {
  const found: { type: string; file: string }[] = []
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) return walk(path)
      return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : []
    })
  const folders = ['api', 'db', 'activities', 'tracking', 'server', 'engine', 'crm', 'fairs', 'mailings', 'people', 'reporting']
  for (const file of folders.flatMap((folder) => walk(join(root, folder)))) {
    const text = readFileSync(file, 'utf8')
    for (const insert of text.matchAll(/insert into events \(([^)]*)\)\s*values \(/g)) {
      const index = insert[1]!.split(',').map((column) => column.trim()).indexOf('type')
      // The values list, split at its top-level commas (template expressions and calls nest).
      const values: string[] = []
      let depth = 0
      let current = ''
      for (const char of text.slice(insert.index! + insert[0].length)) {
        if (depth === 0 && (char === ',' || char === ')')) {
          values.push(current.trim())
          current = ''
          if (char === ')') break
          continue
        }
        if ('({['.includes(char)) depth++
        if (')}]'.includes(char)) depth--
        current += char
      }
      const value = values[index] ?? ''
      // 'bounce', or ${record.type === 'lead' ? 'crm.lead_created' : 'crm.contact_created'}
      const literals = value.startsWith("'") ? [value.slice(1, -1)] : value.startsWith('${') ? [...value.matchAll(/'([a-z][a-z0-9_.-]*)'/g)].map((m) => m[1]!).filter((literal) => literal !== 'lead') : []
      found.push(...literals.map((type) => ({ type, file: file.slice(root.length + 1) })))
    }
  }
  return found
}

/** The quoted words `start` captures after `marker`, in the latest migration that has both. */
function latestSqlList(marker: string, start: RegExp): string[] {
  const dir = join(root, 'db/migrations')
  const lists = readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const text = readFileSync(join(dir, name), 'utf8')
      const from = text.indexOf(marker)
      const match = from >= 0 ? start.exec(text.slice(from)) : null
      return match ? [[...match[1]!.matchAll(/'([a-z_.]+)'/g)].map((m) => m[1]!)] : []
    })
  expect(lists.length).toBeGreaterThan(0)
  return lists.at(-1)!
}

describe('the event catalogue', () => {
  it('says what every event type means, and its branch label, in every language', () => {
    const gaps = CATALOGUED_EVENT_TYPES.flatMap((type) => {
      const kind: EventKind = EVENT_CATALOGUE[type]
      return [...gapsIn(kind.label, `${type} label`), ...gapsIn(kind.happened, `${type} happened`), ...gapsIn(kind.meaning, `${type} meaning`)]
    })
    expect(gaps).toEqual([])
    expect(CATALOGUED_EVENT_TYPES.length).toBeGreaterThanOrEqual(15)
  })

  it('lists every event type the product stores itself, and the events API accepts every catalogued type', () => {
    const stored = typesTheProductStores()
    // The scan finds the product's own inserts: tracking, forms, consent, handovers, mail returns, the CRM.
    expect(new Set(stored.map((entry) => entry.type))).toEqual(
      new Set(['visit', 'unsubscribe', 'form', 'download', 'double_opt_in_confirmed', 'handover_rejected', 'bounce', 'complaint', 'crm.lead_created', 'crm.contact_created']),
    )
    expect(stored.filter((entry) => !(entry.type in EVENT_CATALOGUE))).toEqual([])
    const contact = { email: 'anna@example.com' }
    expect(CATALOGUED_EVENT_TYPES.filter((type) => !eventInputSchema.safeParse({ type, contact }).success)).toEqual([])
    // Types of your own sources stay welcome; malformed ones are refused naming the field.
    expect(eventInputSchema.safeParse({ type: 'order_completed', contact }).success).toBe(true)
    expect(eventInputSchema.safeParse({ type: 'Order Completed', contact }).error?.issues[0]?.path).toEqual(['type'])
  })

  it('is what the enrolment workflow, scoring and the inactivity trigger read', () => {
    expect(ENDING_EVENTS).toEqual({ unsubscribe: 'unsubscribed', bounce: 'bounced', complaint: 'complained' })
    expect(DEFAULT_SCORING_MODEL.activity.weights).toEqual({ ...DEFAULT_EVENT_POINTS, pricing_visit: 10 })
    expect(DEFAULT_EVENT_POINTS).toMatchObject({ open: 1, click: 3, purchase: 15 })
    expect([...TRACKED_ACTIVITY]).toEqual(['click', 'open', 'visit', 'download', 'form'])
    expect(ACTIVITY_EVENT_TYPES).toBe(TRACKED_ACTIVITY)
    expect(eventHappened('click').de).toBe('geklickt')
    expect(eventHappened('order_completed').en).toBe('order_completed happened')
  })

  it('agrees with reporting: the touches attribution credits and the mail statistics its Postgres triggers count', () => {
    const touchKinds = latestSqlList('function report_fold_event(d report_deltas)', /k := case e\.type ([\s\S]*?) end;/)
    expect(new Set(touchKinds)).toEqual(new Set(ATTRIBUTION_EVENT_TYPES))
    const mailKinds = latestSqlList('function report_fold_event(d report_deltas)', /if e\.type in \(([^)]*)\) and e\.properties \? 'messageId'/)
    expect(new Set(mailKinds)).toEqual(new Set(MAIL_STATISTIC_EVENT_TYPES))
    // The events whose insert writes a reporting delta (a row trigger in 021, a statement trigger since 033).
    const folded = latestSqlList('insert into report_deltas (fact, source_id, machine)', /\b(?:new|n)\.type in \(([^)]*)\)/)
    expect(new Set(folded)).toEqual(new Set([...ATTRIBUTION_EVENT_TYPES, ...MAIL_STATISTIC_EVENT_TYPES]))
    // The website events the fold takes a run at a time (046): touches only, never a mail statistic, so every
    // credited event that is not also a mail's is among them, and none that is.
    const inRuns = latestSqlList('function report_fold(max_rows int)', /d\.event_type in \(([^)]*)\)/)
    expect(new Set(inRuns)).toEqual(new Set(ATTRIBUTION_EVENT_TYPES.filter((type) => !MAIL_STATISTIC_EVENT_TYPES.includes(type))))
  })
})
