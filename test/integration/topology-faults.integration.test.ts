import postgres, { type Sql } from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { linearCampaign } from '../helpers/graphs'
import { topologyUnavailable } from '../helpers/temporal-cluster'
import { startTopology, type Topology } from '../helpers/topology'

// Faults of the production topology (real Temporal server on Postgres, app processes with
// RUN_WORKER=false, two worker processes): the event dispatcher running in two app processes at once,
// and the Temporal server restarting in the middle of a campaign. Mail is counted at the SMTP server.
const skip = topologyUnavailable()
let topology: Topology
let sql: Sql

beforeAll(async () => {
  if (skip) return
  topology = await startTopology({ apps: 2, workers: 2 })
  sql = postgres(topology.database.url, { max: 2, onnotice: () => {} })
}, 240_000)
afterAll(async () => {
  await sql?.end()
  await topology?.stop()
}, 120_000)

async function publish(name: string, eventType: string, pause: string): Promise<string> {
  const graph = linearCampaign({ eventType }, [
    { id: 'mail-1', type: 'send_email', config: { template: 'onboarding-welcome' } },
    { id: 'pause-1', type: 'wait', config: { duration: pause } },
    { id: 'mail-2', type: 'send_email', config: { template: 'onboarding-care-tips' } },
    { id: 'pause-2', type: 'wait', config: { duration: pause } },
    { id: 'mail-3', type: 'send_email', config: { template: 'onboarding-check-in' } },
  ])
  const created = await topology.api('/api/campaigns', { body: { name, kind: 'onboarding', graph } })
  expect(created.status).toBe(201)
  expect((await topology.api(`/api/campaigns/${created.body.id}/publish`, { method: 'POST' })).status).toBe(201)
  return created.body.id as string
}

/** Contacts with consent, as a CRM import leaves them. */
async function insertContacts(emails: string[]): Promise<void> {
  const [account] = await sql<{ id: string; subsidiary_id: string }[]>`
    select a.id, s.id as subsidiary_id from accounts a join subsidiaries s on s.account_id = a.id and s.code = 'DE' limit 1`
  await sql`insert into contacts ${sql(emails.map((email) => ({ account_id: account!.id, subsidiary_id: account!.subsidiary_id, email, consent_status: 'granted', consent_source: 'crm import', consent_at: new Date() })))}`
}

/** Message-IDs delivered to these recipients, with how often each arrived. */
function deliveries(domain: string): Map<string, number> {
  const counts = new Map<string, number>()
  for (const mail of topology.sink.mails().filter((mail) => mail.to.some((to) => to.endsWith(domain)))) counts.set(mail.messageId, (counts.get(mail.messageId) ?? 0) + 1)
  return counts
}

const finished = (campaignId: string) => async () =>
  (await sql<{ n: number }[]>`select count(*)::int as n from enrolments where campaign_id = ${campaignId} and status = 'completed'`)[0]!.n

it.skipIf(skip)('dispatches each event once while two app processes run the dispatcher', async () => {
  const campaignId = await publish('Two dispatchers', 'dispatch_twice', '1s')
  const emails = Array.from({ length: 120 }, (_, i) => `kunde-${i}@two-dispatchers.example`)
  await insertContacts(emails)
  // Half of the events through each app, at the same time: both dispatchers are kicked and race for them.
  const [first, second] = topology.apps.map((app) => app.output().match(/API:\s+(\S+)\/api/)![1]!)
  const post = (url: string, batch: string[]) =>
    fetch(`${url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${topology.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: batch.map((email) => ({ type: 'dispatch_twice', contact: { email } })) }),
    })
  const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => post(i % 2 ? second! : first!, emails.slice(i * 20, i * 20 + 20))))
  expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202, 202])

  // 360 mails through two workers: at load 25 on two cores that took 123 s for 112 of the 120 enrolments.
  await expect.poll(finished(campaignId), { timeout: 240_000, interval: 500 }).toBe(emails.length)
  const events = await sql<{ dispatched: boolean; attempts: number }[]>`
    select dispatched_at is not null as dispatched, dispatch_attempts as attempts from events where type = 'dispatch_twice'`
  expect(events).toHaveLength(emails.length)
  expect(events.filter((event) => !event.dispatched || event.attempts !== 1)).toEqual([])
  const enrolments = await sql<{ contacts: number; n: number }[]>`select count(distinct contact_id)::int as contacts, count(*)::int as n from enrolments where campaign_id = ${campaignId}`
  expect(enrolments[0]).toEqual({ contacts: emails.length, n: emails.length })
  const delivered = deliveries('@two-dispatchers.example')
  expect([...delivered.values()].filter((count) => count !== 1)).toEqual([])
  expect(delivered.size).toBe(emails.length * 3)
}, 420_000)

it.skipIf(skip)('continues every enrolment where it was when the Temporal server restarts mid-campaign', async () => {
  const campaignId = await publish('Temporal restart', 'temporal_restart', '4s')
  const emails = Array.from({ length: 40 }, (_, i) => `kunde-${i}@temporal-restart.example`)
  await insertContacts(emails)
  const posted = await topology.api('/api/events', { body: { events: emails.map((email) => ({ type: 'temporal_restart', contact: { email } })) } })
  expect(posted.status).toBe(202)
  // Every first mail is out, and the enrolments wait on their timers: now the server goes away and comes back.
  await topology.sink.waitFor((mail) => mail.to.some((to) => to.endsWith('@temporal-restart.example')), emails.length, 90_000)
  const before = await sql<{ id: string }[]>`select id from enrolments where campaign_id = ${campaignId} order by id`
  const restartBegan = Date.now()
  await topology.temporal.restart()
  const restartSeconds = (Date.now() - restartBegan) / 1000

  await expect.poll(finished(campaignId), { timeout: 150_000, interval: 500 }).toBe(emails.length)
  // The same enrolments went on (none started again), each mail arrived once, and the send log agrees.
  expect(await sql<{ id: string }[]>`select id from enrolments where campaign_id = ${campaignId} order by id`).toEqual(before)
  const delivered = deliveries('@temporal-restart.example')
  expect([...delivered.values()].filter((count) => count !== 1)).toEqual([])
  expect(delivered.size).toBe(emails.length * 3)
  const log = await sql<{ message_id: string }[]>`select message_id from messages where campaign_id = ${campaignId} and status = 'sent'`
  expect(log.map((row) => row.message_id).sort()).toEqual([...delivered.keys()].sort())
  // The restart came mid-campaign: no third mail had gone out before it.
  const thirdMails = topology.sink.mails().filter((mail) => mail.to.some((to) => to.endsWith('@temporal-restart.example')) && mail.messageId.includes('.mail-3.'))
  expect(thirdMails.filter((mail) => mail.receivedAt.getTime() < restartBegan)).toEqual([])
  console.log(`Temporal server restart took ${restartSeconds.toFixed(1)} s`)
}, 300_000)
