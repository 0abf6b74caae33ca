import { randomUUID } from 'node:crypto'
import { ScheduleNotFoundError } from '@temporalio/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { triggerScanActivities } from '../../activities/trigger-scan'
import { publishCampaignDraft } from '../../db/campaigns'
import { addDateOffset, localDate } from '../../engine/campaign/calendar'
import { syncCampaignSchedule, syncCampaignScheduleFromDb, triggerScheduleId } from '../../engine/entry-client'
import type { campaignTriggerScan, TriggerScanInputV1 } from '../../engine/workflows/trigger-scan'
import { linearCampaign } from '../helpers/graphs'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { seedContact } from '../helpers/seed-contacts'

// Date-relative and inactivity triggers on the real product: contacts in Postgres, scans as Temporal
// workflows (started directly, and by a Schedule every 2 s), enrolments through engine/enrol.ts.
let system: TestSystem
const schedules: string[] = []
beforeAll(async () => {
  system = await startTestSystem()
})
afterAll(async () => {
  for (const id of schedules) await system.client.schedule.getHandle(id).delete().catch(() => {})
  await system?.stop()
})

const DAY = 86_400_000
const emails = seedContact
const idOf = async (email: string) => (await system.sql<{ id: string }[]>`select id from contacts where email = ${email}`)[0]!.id
const setAttributes = (email: string, attributes: Record<string, string>) =>
  system.sql`update contacts set attributes = attributes || ${system.sql.json(attributes)} where email = ${email}`

/**
 * A live campaign with this trigger. Published through the API it gets its schedule (and a first scan)
 * at once; published in the data layer it gets none, so a test can run each scan itself.
 */
async function liveCampaign(name: string, trigger: Record<string, unknown>, options: { viaApi?: boolean } = {}): Promise<string> {
  const created = await system.api('/api/campaigns', { body: { name, graph: linearCampaign(trigger, []) } })
  expect(created.status).toBe(201)
  if (options.viaApi) {
    expect((await system.api(`/api/campaigns/${created.body.id}/publish`, { body: {} })).status).toBe(201)
  } else {
    const published = await publishCampaignDraft(system.sql, { accountId: system.demoAccountId!, campaignId: created.body.id, publishedBy: 'test', templateIds: new Set(system.renderer.templateIds()) })
    expect(published.ok).toBe(true)
  }
  return created.body.id
}

function scan(campaignId: string, options: Partial<TriggerScanInputV1> = {}) {
  return system.client.workflow.start<typeof campaignTriggerScan>('campaignTriggerScan', {
    taskQueue: system.config.temporal.taskQueue,
    workflowId: `trigger-scan-${campaignId}-${randomUUID()}`,
    args: [{ accountId: system.demoAccountId!, campaignId, ...options }],
  })
}

const enrolled = async (campaignId: string) =>
  (
    await system.sql<{ email: string }[]>`
      select c.email from enrolments e join contacts c on c.id = e.contact_id where e.campaign_id = ${campaignId} order by c.email`
  ).map((row) => row.email)
const occasions = async (campaignId: string) =>
  (await system.sql<{ occasion: string }[]>`select occasion from trigger_occasions where campaign_id = ${campaignId} order by occasion`).map((row) => row.occasion)

describe('date-relative trigger', () => {
  const trigger = { kind: 'date', attribute: 'maintenance_due', offset: '-60d', catchUp: '2d', filter: { model: 'HydroStat 2000' } }
  // Due dates around "sixty days from today", today being each contact's own.
  const dueIn = (days: number, zone = 'Europe/Berlin') => addDateOffset(localDate(new Date(), zone), { days, years: 0 })
  const inRange = [emails.jonas, emails.lukas, emails.elodie, emails.marco].sort()

  beforeAll(async () => {
    for (const email of Object.values(emails)) await setAttributes(email, { model: 'HydroStat 2000' })
    await setAttributes(emails.jonas, { maintenance_due: dueIn(60) }) // today
    await setAttributes(emails.anna, { maintenance_due: dueIn(61) }) // tomorrow
    await setAttributes(emails.lukas, { maintenance_due: dueIn(58) }) // two days late: caught up
    await setAttributes(emails.miriam, { maintenance_due: dueIn(57) }) // three days late: missed
    await setAttributes(emails.claire, { maintenance_due: dueIn(60, 'Europe/Paris'), model: 'HydroStat 3000' }) // other model
    await setAttributes(emails.julien, { maintenance_due: 'next spring' })
    await setAttributes(emails.elodie, { maintenance_due: `${dueIn(60, 'Europe/Paris')}T12:00:00Z` })
    // Marco keeps his clock on Kiritimati (UTC+14): his "today" is often Berlin's tomorrow.
    await system.sql`update contacts set time_zone = 'Pacific/Kiritimati' where email = ${emails.marco}`
    await setAttributes(emails.marco, { maintenance_due: dueIn(60, 'Pacific/Kiritimati') })
  })

  it('enrols exactly the contacts whose date is in range, once, even when the scan runs twice', async () => {
    const campaignId = await liveCampaign('Maintenance due', trigger)
    // Two contacts per page, two pages per run: the scan continues as new twice on the demo's dozen contacts.
    const first = await (await scan(campaignId, { pageSize: 2, pagesPerRun: 2 })).result()
    expect(first).toMatchObject({ enrolled: 4, alreadyEnrolled: 0, done: true })
    expect(first!.pages).toBeGreaterThan(4)
    expect(await enrolled(campaignId)).toEqual(inRange)
    const marcoDue = dueIn(60, 'Pacific/Kiritimati')
    expect(await occasions(campaignId)).toContain(`maintenance_due:${marcoDue}`)

    const second = await (await scan(campaignId)).result()
    expect(second).toMatchObject({ enrolled: 0, alreadyEnrolled: 4 })
    expect(await enrolled(campaignId)).toEqual(inRange)
  })

  it('resumes a scan that was terminated mid-run without enrolling anyone twice', async () => {
    const campaignId = await liveCampaign('Maintenance due (interrupted)', trigger)
    const interrupted = await scan(campaignId, { pageSize: 1 })
    await expect.poll(async () => (await occasions(campaignId)).length, { timeout: 20_000, interval: 50 }).toBeGreaterThan(0)
    await interrupted.terminate('test: the scan dies mid-run')
    const resumed = await (await scan(campaignId, { pageSize: 1 })).result()
    expect(resumed!.enrolled + resumed!.alreadyEnrolled).toBe(4)
    expect(await enrolled(campaignId)).toEqual(inRange)
  })

  it('enrols nobody twice when pages overlap (a crashed page repeated by the activities)', async () => {
    const campaignId = await liveCampaign('Maintenance due (overlapping pages)', trigger)
    const activities = triggerScanActivities({ sql: system.sql, temporal: { client: system.client, taskQueue: system.config.temporal.taskQueue } })
    const plan = (await activities.beginTriggerScan({ accountId: system.demoAccountId!, campaignId }))!
    const all = await activities.findTriggerCandidates({ plan, cursor: null, limit: 100 })
    const head = await activities.findTriggerCandidates({ plan, cursor: null, limit: 4 })
    const firstTry = await activities.enrolTriggerCandidates({ plan, candidates: head.candidates })
    // The whole list again, as a retried page would be: the head of it is enrolled already.
    const again = await activities.enrolTriggerCandidates({ plan, candidates: all.candidates })
    expect(firstTry.enrolled).toBe(head.candidates.length)
    expect(again).toMatchObject({ enrolled: 4 - head.candidates.length, alreadyEnrolled: head.candidates.length })
    expect(await enrolled(campaignId)).toEqual(inRange)
    // Once their enrolments are under way, a later page search leaves them out, and says so.
    await expect.poll(() => activities.findTriggerCandidates({ plan, cursor: null, limit: 100 }), { timeout: 15_000 }).toMatchObject({ candidates: [], alreadyEnrolled: 4 })
  })

  it('runs on a Temporal Schedule while the campaign is live, and the schedule goes when it stops', async () => {
    // Publishing through the API creates the schedule, which scans at once.
    const campaignId = await liveCampaign('Maintenance due (scheduled)', trigger, { viaApi: true })
    schedules.push(triggerScheduleId(campaignId))
    await expect.poll(() => enrolled(campaignId), { timeout: 20_000, interval: 200 }).toEqual(inRange)
    const options = { taskQueue: system.config.temporal.taskQueue, every: '2s' }
    expect(await syncCampaignScheduleFromDb(system.sql, system.client, { accountId: system.demoAccountId!, campaignId }, options)).toBe('updated')
    // Scans keep coming every 2 s; none enrols anyone again.
    const scansSoFar = (await system.client.schedule.getHandle(triggerScheduleId(campaignId)).describe()).info.numActionsTaken
    await expect.poll(async () => (await system.client.schedule.getHandle(triggerScheduleId(campaignId)).describe()).info.numActionsTaken, { timeout: 15_000 }).toBeGreaterThan(scansSoFar)
    expect(await enrolled(campaignId)).toEqual(inRange)
    // Publishing again updates the schedule (and scans at once); still nobody twice.
    expect(await syncCampaignScheduleFromDb(system.sql, system.client, { accountId: system.demoAccountId!, campaignId }, { ...options, every: '1h' })).toBe('updated')
    const described = await system.client.schedule.getHandle(triggerScheduleId(campaignId)).describe()
    expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })])
    expect(await enrolled(campaignId)).toEqual(inRange)

    // Stopping through the API removes the schedule.
    expect((await system.api(`/api/campaigns/${campaignId}/stop`, { method: 'POST' })).status).toBe(200)
    await expect(system.client.schedule.getHandle(triggerScheduleId(campaignId)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError)
    // An event-triggered campaign never gets one.
    const onboarding = (await system.sql<{ id: string }[]>`select id from campaigns where name = 'Onboarding after purchase'`)[0]!.id
    expect(await syncCampaignSchedule(system.client, { accountId: system.demoAccountId!, campaignId: onboarding, status: 'live', graph: linearCampaign({ eventType: 'purchase' }, []) }, options)).toBe('unchanged')
  })
})

describe('inactivity trigger', () => {
  it('enrols contacts without tracked activity for the period, counting from their creation when they have none', async () => {
    await system.sql`update contacts set created_at = now() - interval '60 days' where account_id = ${system.demoAccountId!}`
    const track = async (email: string, type: string, daysAgo: number) =>
      system.sql`
        insert into events (account_id, contact_id, type, occurred_at, dispatched_at)
        values (${system.demoAccountId!}, ${await idOf(email)}, ${type}, ${new Date(Date.now() - daysAgo * DAY)}, now())`
    await track(emails.jonas, 'click', 10) // active
    await track(emails.anna, 'open', 40) // quiet for 40 days
    await track(emails.lukas, 'purchase', 5) // a purchase is not tracked activity here

    const campaignId = await liveCampaign('Win back the quiet ones', { kind: 'inactivity', period: '30d', reEntry: 'never' })
    const result = await (await scan(campaignId, { pageSize: 5 })).result()
    const everyone = (await system.sql<{ email: string }[]>`select email from contacts where account_id = ${system.demoAccountId!} order by email`).map((row) => row.email)
    expect(await enrolled(campaignId)).toEqual(everyone.filter((email) => email !== emails.jonas))
    expect(result).toMatchObject({ enrolled: everyone.length - 1 })
    const annaLast = localDate(new Date(Date.now() - 40 * DAY), 'Europe/Berlin')
    expect(await system.sql`select 1 from trigger_occasions o join contacts c on c.id = o.contact_id where o.campaign_id = ${campaignId} and c.email = ${emails.anna} and o.occasion = ${`inactive-since:${annaLast}`}`).toHaveLength(1)

    // The same silence is one occasion: scanning again enrols nobody.
    expect(await (await scan(campaignId)).result()).toMatchObject({ enrolled: 0 })
    expect(await enrolled(campaignId)).toHaveLength(everyone.length - 1)

    // "No purchase for 30 days": Lukas bought five days ago, everybody else never did.
    const noPurchase = await liveCampaign('No purchase lately', { kind: 'inactivity', eventTypes: ['purchase'], period: '30d' })
    await (await scan(noPurchase)).result()
    expect(await enrolled(noPurchase)).toEqual(everyone.filter((email) => email !== emails.lukas))
  })
})
