import postgres, { type Sql } from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../db/migrate'
import { upsertOpportunity } from '../../db/opportunities'
import { createAttributionRefresher } from '../../reporting/attribution-refresher'
import { createReportFolder, type ReportFolder } from '../../reporting/report-folder'
import { createTestDatabase, type TestDatabase } from '../helpers/database'

// The touch log and the aggregates, queued by the writers' triggers (migration 021_a) as the product's
// writers store their facts (rows inserted here the way the events API, tracking, the send activity,
// enrolment, the handover and sales write them) and folded in by the report folder: credited once, machine
// opens and scanner clicks kept apart, nothing lost or doubled on a replay, and the log append-only.
let db: TestDatabase
let sql: Sql
let folder: ReportFolder
const ids = {} as Record<'account' | 'de' | 'contact' | 'campaign' | 'version' | 'enrolment', string>

beforeAll(async () => {
  db = await createTestDatabase()
  sql = postgres(db.url, { max: 4, onnotice: () => {} })
  await migrate(sql)
  // An hour between rounds: the test folds when it reads, so every figure below passed through the fold.
  folder = createReportFolder({ sql, intervalMs: 3_600_000 })
  ;[{ id: ids.account }] = await sql`insert into accounts (slug, name) values ('t', 'T') returning id`
  ;[{ id: ids.de }] = await sql`insert into subsidiaries (account_id, code, name, locale, sender_name, sender_email) values (${ids.account}, 'DE', 'DE', 'de', 'K', 'k@example.com') returning id`
  ;[{ id: ids.contact }] = await sql`insert into contacts (account_id, subsidiary_id, email) values (${ids.account}, ${ids.de}, 'jonas@example.com') returning id`
  ;[{ id: ids.campaign }] = await sql`insert into campaigns (account_id, name, draft_graph) values (${ids.account}, 'Spring Hydraulics 2026', '{}') returning id`
  ;[{ id: ids.version }] = await sql`insert into campaign_versions (account_id, campaign_id, version, graph, published_by) values (${ids.account}, ${ids.campaign}, 1, '{}', 't') returning id`
  ;[{ id: ids.enrolment }] = await sql`
    insert into enrolments (account_id, campaign_id, version_id, contact_id, workflow_id) values (${ids.account}, ${ids.campaign}, ${ids.version}, ${ids.contact}, 'w1') returning id`
})
afterAll(async () => {
  await folder?.stop()
  await sql?.end()
  await db?.drop()
})

const event = async (type: string, properties: Record<string, unknown>, machine = false, at = new Date()) => {
  const [row] = await sql<{ id: string }[]>`
    insert into events (account_id, contact_id, type, properties, source, suspected_machine, occurred_at)
    values (${ids.account}, ${ids.contact}, ${type}, ${sql.json(properties as never)}, 'tracking', ${machine}, ${at}) returning id`
  return row!.id
}
const mailFacts = () => ({ campaignId: ids.campaign, nodeId: 'welcome', messageId: 'msg-1', enrolmentId: ids.enrolment })
const stats = async () => (await folder.drain(), await sql`
  select sum(sent)::int as sent, sum(opens)::int as opens, sum(unique_opens)::int as "uniqueOpens", sum(machine_opens)::int as "machineOpens",
         sum(clicks)::int as clicks, sum(unique_clicks)::int as "uniqueClicks", sum(machine_clicks)::int as "machineClicks", sum(hard_bounces)::int as hard,
         sum(soft_bounces)::int as soft, sum(complaints)::int as complaints, sum(unsubscribes)::int as unsubscribes
  from mail_stats_daily`)[0]
const touchKinds = async () => (await folder.drain(), await sql<{ kind: string; machine: boolean }[]>`select kind, machine from touches where contact_id = ${ids.contact} order by id`).map((t) => `${t.kind}${t.machine ? ' (machine)' : ''}`)

describe('touches and mail statistics from the facts as they are stored', () => {
  it('an enrolment and a sent mail are touches; a second "sent" of the same mail is not', async () => {
    await sql`insert into messages (account_id, enrolment_id, contact_id, campaign_id, node_id, visit, message_id, template, status) values (${ids.account}, ${ids.enrolment}, ${ids.contact}, ${ids.campaign}, 'welcome', 1, 'msg-1', 'onboarding-welcome', 'sending')`
    await sql`update messages set status = 'sent', sent_at = now() where message_id = 'msg-1'`
    await sql`update messages set status = 'sent' where message_id = 'msg-1'`
    expect(await touchKinds()).toEqual(['enrolment', 'delivered'])
    expect((await stats())!.sent).toBe(1)
  })

  it('human opens count once per mail as unique, machine opens apart and never credited', async () => {
    await event('open', mailFacts())
    await event('open', mailFacts())
    await event('open', mailFacts(), true)
    expect(await stats()).toMatchObject({ opens: 2, uniqueOpens: 1, machineOpens: 1 })
    expect(await touchKinds()).toEqual(['enrolment', 'delivered', 'open', 'open', 'open (machine)'])
  })

  it('a click found later to be a scanner\'s moves to the machine figures, in the click map too', async () => {
    await event('click', { ...mailFacts(), url: 'https://kessler.example/energie' })
    const scanned = await event('click', { ...mailFacts(), url: 'https://kessler.example/preise' })
    expect(await stats()).toMatchObject({ clicks: 2, uniqueClicks: 1 })
    await sql`update events set suspected_machine = true where id = ${scanned}`
    expect(await stats()).toMatchObject({ clicks: 1, uniqueClicks: 1, machineClicks: 1 })
    const links = await sql`select url, clicks, unique_clicks, machine_clicks from mail_link_clicks order by url`
    expect(links.map((l) => [l.url, l.clicks, l.unique_clicks, l.machine_clicks])).toEqual([
      ['https://kessler.example/energie', 1, 1, 0],
      ['https://kessler.example/preise', 0, 0, 1],
    ])
    await folder.drain()
    const [day] = await sql`select clicks, machine_clicks from campaign_day_stats where campaign_id = ${ids.campaign}`
    expect(day).toMatchObject({ clicks: 1, machine_clicks: 1 })
  })

  it('bounces, complaints and unsubscribes of a mail are counted (bounce events come from the mailings issue)', async () => {
    await event('bounce', { messageId: 'msg-1', bounceType: 'soft' })
    await event('bounce', { messageId: 'msg-1', bounceType: 'hard' })
    await event('complaint', { messageId: 'msg-1' })
    await event('unsubscribe', { messageId: 'msg-1' })
    expect(await stats()).toMatchObject({ hard: 1, soft: 1, complaints: 1, unsubscribes: 1 })
  })

  it('a visit is credited by its UTM campaign, or by the tracked click just before it; an unrelated one is not', async () => {
    const before = (await touchKinds()).length
    await event('visit', { url: 'https://kessler.example/de/preise?utm_source=newsletter&utm_campaign=spring-hydraulics-2026' })
    await event('visit', { url: 'https://kessler.example/de/produkte' }) // 1 minute after the human click: its origin
    await event('visit', { url: 'https://kessler.example/jobs' }, false, new Date(Date.now() + 3 * 3_600_000)) // hours later, no UTM
    expect((await touchKinds()).slice(before)).toEqual(['visit', 'visit'])
  })

  it('a fact is folded in once, and only when its writer commits', async () => {
    const before = (await touchKinds()).length
    await sql.begin(async (sql) => {
      await sql`insert into events (account_id, contact_id, type, properties, source) values (${ids.account}, ${ids.contact}, 'fair_scan', ${sql.json({ campaignId: ids.campaign })}, 'api')`
      throw new Error('the writer rolls back')
    }).catch(() => {})
    await event('fair_scan', { campaignId: ids.campaign })
    // The writer's transaction queued one delta and touched no aggregate; the fold moved it.
    expect((await sql`select count(*)::int as n from report_deltas`)[0]!.n).toBe(1)
    expect((await touchKinds()).slice(before)).toEqual(['fair_scan'])
    expect((await sql`select count(*)::int as n from report_deltas`)[0]!.n).toBe(0)
    await folder.drain()
    expect((await touchKinds()).slice(before)).toEqual(['fair_scan'])
  })

  it('a delta that cannot be folded is set aside with its error; the ones behind it are folded', async () => {
    const before = (await touchKinds()).length
    // An enrolment of a contact that no longer exists (no subsidiary for its touch): a broken invariant.
    await sql`insert into report_deltas (fact, snapshot) values ('enrolment', ${sql.json({ id: ids.version, account_id: ids.account, contact_id: ids.version, campaign_id: ids.campaign, started_at: new Date().toISOString() })})`
    await event('fair_scan', { campaignId: ids.campaign })
    expect((await touchKinds()).slice(before)).toEqual(['fair_scan'])
    const failures = await sql`select fact, error from report_fold_failures`
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatchObject({ fact: 'enrolment' })
    expect(failures[0]!.error).toMatch(/subsidiary_id/)
  })

  it('the touch log is append-only: no delete, no change but human → machine', async () => {
    await expect(sql`delete from touches where contact_id = ${ids.contact}`).rejects.toThrow(/append-only/)
    await expect(sql`update touches set campaign_id = ${ids.enrolment} where contact_id = ${ids.contact}`).rejects.toThrow(/append-only/)
    await expect(sql`update touches set machine = false where machine`).rejects.toThrow(/append-only/)
  })
})

describe('mailings (issue 15) beside the campaigns', () => {
  it("a mailing's delivered mail, human open and click are its touches; its mail figures and click map are keyed by the mailing", async () => {
    const [row] = await sql<{ id: string }[]>`
      insert into mailings (account_id, subsidiary_id, name, content, status, created_by) values (${ids.account}, ${ids.de}, 'Herbstangebot', '{}', 'sending', 't') returning id`
    const mailing = row!.id
    await sql`insert into messages (account_id, contact_id, mailing_id, message_id, template, status, sent_at)
      values (${ids.account}, ${ids.contact}, ${mailing}, 'mailing-msg-1', ${`mailing:${mailing}`}, 'sent', now())`
    // As the tracking routes store a mailing's open and click: its id and the message's.
    await event('open', { mailingId: mailing, messageId: 'mailing-msg-1' })
    await event('open', { mailingId: mailing, messageId: 'mailing-msg-1' }, true)
    await event('click', { mailingId: mailing, messageId: 'mailing-msg-1', url: 'https://kessler.example/herbst' })
    await folder.drain()
    const touches = await sql<{ kind: string; machine: boolean }[]>`select kind, machine from touches where campaign_id = ${mailing} order by id`
    expect(touches.map((t) => `${t.kind}${t.machine ? ' (machine)' : ''}`)).toEqual(['delivered', 'open', 'open (machine)', 'click'])
    const [figures] = await sql`select sum(sent)::int as sent, sum(unique_opens)::int as opens, sum(machine_opens)::int as machine, sum(unique_clicks)::int as clicks
      from mail_stats_daily where mail_key = ${`mailing:${mailing}`}`
    expect(figures).toEqual({ sent: 1, opens: 1, machine: 1, clicks: 1 })
    const links = await sql`select url, clicks from mail_link_clicks where mail_key = ${`mailing:${mailing}`}`
    expect(links.map((l) => [l.url, l.clicks])).toEqual([['https://kessler.example/herbst', 1]])
    expect(await sql`select * from report_fold_failures where fact <> 'enrolment'`).toHaveLength(0)
  })
})

describe('the rollups the dashboards read', () => {
  it('hold the same figures as the day rows they roll up, kept by the same fold', async () => {
    // A touch months back lands in another month's rollup row than today's.
    await event('fair_scan', { campaignId: ids.campaign }, false, new Date(Date.now() - 100 * 86_400_000))
    await folder.drain()
    const totals = async (table: string, columns: string[]) =>
      (await sql.unsafe(`select ${columns.map((c) => `coalesce(sum(${c}), 0)::int as ${c}`).join(', ')}, count(*)::int as row_count from ${table}`))[0]!
    const campaign = ['leads', 'enrolments', 'delivered', 'opens', 'clicks', 'machine_opens', 'machine_clicks', 'fair_scans', 'visits']
    const day = await totals('campaign_day_stats', campaign)
    expect(day.fair_scans).toBeGreaterThan(0)
    const { row_count: _d, ...dayFigures } = day
    const { row_count: _r, ...monthFigures } = await totals('campaign_month_stats', campaign)
    const { row_count: _a, ...accountFigures } = await totals('account_day_stats', campaign)
    expect(monthFigures).toEqual(dayFigures)
    expect(accountFigures).toEqual(dayFigures)
    expect((await sql`select count(*)::int as n from campaign_month_stats where campaign_id = ${ids.campaign}`)[0]!.n).toBe(2)
    const mail = ['sent', 'opens', 'unique_opens', 'machine_opens', 'clicks', 'unique_clicks', 'machine_clicks', 'hard_bounces', 'soft_bounces', 'complaints', 'unsubscribes']
    const { row_count: _m, ...mailDays } = await totals('mail_stats_daily', mail)
    const { row_count: _n, ...mailMonths } = await totals('mail_stats_monthly', mail)
    expect(mailMonths).toEqual(mailDays)
    expect(mailDays.unique_clicks).toBeGreaterThan(0)
  })
})

describe('the funnel and revenue', () => {
  it('counts each stage once per contact and qualification, credited to the handover\'s campaign', async () => {
    await sql`insert into handovers (account_id, contact_id, qualification, cell, campaign_id, source) values (${ids.account}, ${ids.contact}, 1, 'A1', ${ids.campaign}, 'campaign_step')`
    for (const stage of ['mql', 'mql', 'sal', 'sql', 'opportunity', 'won']) {
      await sql`insert into lifecycle_changes (account_id, contact_id, stage, changed_by) values (${ids.account}, ${ids.contact}, ${stage}, 't')`
    }
    await folder.drain()
    const stages = await sql<{ stage: string; contacts: number }[]>`select stage, sum(contacts)::int as contacts from funnel_day_stats where campaign_id = ${ids.campaign} group by 1 order by 1`
    expect(stages).toEqual([{ stage: 'mql', contacts: 1 }, { stage: 'opportunity', contacts: 1 }, { stage: 'sal', contacts: 1 }, { stage: 'sql', contacts: 1 }, { stage: 'won', contacts: 1 }])
    const [entry] = await sql`select first_touch_at is not null as touched from funnel_entries where contact_id = ${ids.contact}`
    expect(entry!.touched).toBe(true)
  })

  it('won revenue follows the deal through changes and deletion; attribution credits it to the cent under every model', async () => {
    const deal = await upsertOpportunity(sql, { accountId: ids.account, subsidiaryId: ids.de, contactId: ids.contact, name: 'HydroStat', amountNet: 1000.01, productionCost: 400, stage: 'won', source: 'api', sourceId: 'd1' })
    await upsertOpportunity(sql, { accountId: ids.account, subsidiaryId: ids.de, contactId: ids.contact, name: 'HydroStat', amountNet: 999.99, productionCost: 400, stage: 'won', source: 'api', sourceId: 'd1' })
    const revenue = async () => (await sql`select coalesce(sum(revenue_cents), 0)::int as cents, coalesce(sum(won), 0)::int as won from revenue_day_stats`)[0]
    expect(await revenue()).toEqual({ cents: 99_999, won: 1 })
    const refresher = createAttributionRefresher({ sql, intervalMs: 3_600_000, folder })
    await refresher.drain()
    const credited = await sql<{ model: string; cents: number }[]>`select model, sum(revenue_cents)::int as cents from attribution_day_stats group by 1 order by 1`
    expect(credited).toHaveLength(6)
    expect(credited.every((row) => row.cents === 99_999)).toBe(true)
    await sql`delete from opportunities where id = ${deal.row.id}`
    expect(await revenue()).toEqual({ cents: 0, won: 0 })
    expect((await sql`select coalesce(sum(revenue_cents), 0)::int as cents from attribution_day_stats`)[0]!.cents).toBe(0)
    await refresher.stop()
  })
})
