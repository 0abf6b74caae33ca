import postgres, { type Sql } from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../db/migrate'
import { foldDeltas, foldOneByOne } from '../../db/report-deltas'
import { createTestDatabase, type TestDatabase } from '../helpers/database'

// The fold takes runs of website events (visits, forms, downloads, fair scans) in one statement (migration
// 046). What it credits must be what folding the same deltas one at a time credits: the same queue is folded
// both ways here and the touches, leads and day figures compared, with a click stored after a visit but
// dated before it (the visit was folded first, so no click credits it) and a lead whose first touch decides.
let db: TestDatabase
let sql: Sql
const ids = {} as Record<'account' | 'campaign' | 'jonas' | 'lea', string>

beforeAll(async () => {
  db = await createTestDatabase()
  sql = postgres(db.url, { max: 2, onnotice: () => {} })
  await migrate(sql)
  ;[{ id: ids.account }] = await sql`insert into accounts (slug, name) values ('t', 'T') returning id`
  const [subsidiary] = await sql<{ id: string }[]>`insert into subsidiaries (account_id, code, name, locale, sender_name, sender_email) values (${ids.account}, 'DE', 'DE', 'de', 'K', 'k@example.com') returning id`
  const de = subsidiary!.id
  ;[{ id: ids.jonas }, { id: ids.lea }] = await sql`
    insert into contacts (account_id, subsidiary_id, email) values (${ids.account}, ${de}, 'jonas@example.com'), (${ids.account}, ${de}, 'lea@example.com') returning id`
  ;[{ id: ids.campaign }] = await sql`insert into campaigns (account_id, name, draft_graph) values (${ids.account}, 'Spring Hydraulics 2026', '{}') returning id`
})
afterAll(async () => {
  await sql?.end()
  await db?.drop()
})

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000)

/** The queue: events stored in this order (so their deltas are), each dated as given. */
async function storeEvents() {
  const c = ids.campaign
  const stored: [string, string, Record<string, unknown>, Date, boolean?][] = [
    [ids.jonas, 'visit', { page: '/pumps' }, minutesAgo(10)],
    // Stored after the visit, dated before it: folded after it, so it credits only what is folded later.
    [ids.jonas, 'click', { campaignId: c, nodeId: 'welcome', url: 'https://kessler.example/pumps' }, minutesAgo(12)],
    [ids.jonas, 'visit', { page: '/pumps/h200' }, minutesAgo(9)],
    [ids.lea, 'form', { form: 'contact', utm_campaign: 'spring hydraulics 2026' }, minutesAgo(8)],
    [ids.lea, 'download', { file: 'h200.pdf' }, minutesAgo(7)],
    [ids.lea, 'fair_scan', { campaignId: c }, minutesAgo(6)],
    [ids.jonas, 'visit', { page: '/pumps/h300' }, minutesAgo(5), true],
    [ids.lea, 'click', { campaignId: c, nodeId: 'welcome', url: 'https://kessler.example/valves' }, minutesAgo(4)],
    [ids.lea, 'visit', { page: '/valves' }, minutesAgo(3)],
    [ids.lea, 'download', { file: 'valves.pdf' }, minutesAgo(2)],
  ]
  for (const [contact, type, properties, at, machine] of stored) {
    await sql`insert into events (account_id, contact_id, type, properties, source, suspected_machine, occurred_at)
      values (${ids.account}, ${contact}, ${type}, ${sql.json(properties as never)}, 'tracking', ${machine ?? false}, ${at})`
  }
}

/** What reporting holds, without row ids. */
async function reported() {
  const touches = await sql`
    select c.email, t.kind, t.machine, t.campaign_id = ${ids.campaign} as credited, e.properties
    from touches t join contacts c on c.id = t.contact_id join events e on e.id = t.source_id order by t.id`
  const leads = await sql`select c.email, l.first_touch_at from campaign_contacts l join contacts c on c.id = l.contact_id order by c.email`
  const days = await sql`
    select leads, opens, clicks, machine_clicks, forms, downloads, visits, fair_scans from campaign_day_stats order by day`
  return { touches: [...touches], leads: [...leads], days: [...days] }
}

async function forget() {
  // The derived rows only (touches are append-only row by row, not to truncation); the events stay.
  await sql`truncate touches, campaign_contacts, campaign_day_stats, campaign_month_stats, report_deltas`
}

describe('the fold of website events in runs', () => {
  it('credits what folding the deltas one at a time credits, in the same order', async () => {
    await storeEvents()
    expect(await foldDeltas(sql, 2_000)).toBe(10)
    const inRuns = await reported()

    await forget()
    await sql`insert into report_deltas (fact, source_id, machine) select 'event', id, suspected_machine from events order by received_at, id`
    expect((await foldOneByOne(sql, 2_000)).folded).toBe(10)
    const oneByOne = await reported()

    expect(inRuns).toEqual(oneByOne)
    // What the comparison rests on: the early visit and the downloads before a click stay uncredited, the
    // visits after a click, the form by its UTM name, the scan by its campaign id and the scanner's visit
    // (machine) are credited.
    expect(inRuns.touches.map((t) => `${t.email.split('@')[0]} ${t.kind}${t.machine ? ' (machine)' : ''}`)).toEqual([
      'jonas click',
      'jonas visit',
      'lea form',
      'lea fair_scan',
      'jonas visit (machine)',
      'lea click',
      'lea visit',
      'lea download',
    ])
    expect(inRuns.leads.map((l) => l.email)).toEqual(['jonas@example.com', 'lea@example.com'])
  })
})
