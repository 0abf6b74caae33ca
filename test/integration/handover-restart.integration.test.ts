import { NativeConnection, type Worker } from '@temporalio/worker'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createActivities } from '../../activities'
import { deriveSecret } from '../../tracking/tokens'
import { createCampaignWorker } from '../../server/campaign-worker'
import type { ReceivedMail } from '../../server/smtp-sink'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { workflowBundle } from '../helpers/workflow-bundle'

// Exactly one handover across worker restarts: the qualifying events arrive while no worker runs, are
// dispatched again (as after an app crash), and the worker that picks the handover up is stopped and
// replaced between the report and the SLA reminder. The durable timer still fires, once.
let system: TestSystem
const workers: { worker: Worker; running: Promise<void>; connection: NativeConnection }[] = []
beforeAll(async () => {
  system = await startTestSystem()
  const model = await system.api('/api/scoring/model', { method: 'PUT', body: { handover: { sla: '4s' } } })
  expect(model.status).toBe(202)
  await stopWorker(system.worker!)
})
afterAll(async () => {
  for (const { worker } of workers) if (worker.getState() === 'RUNNING') worker.shutdown()
  await Promise.all(workers.map((w) => w.running.catch(() => {})))
  await Promise.all(workers.map((w) => w.connection.close()))
  await system?.stop()
})

async function stopWorker(worker: Worker) {
  worker.shutdown()
  await vi.waitFor(() => expect(worker.getState()).toBe('STOPPED'), { timeout: 30_000, interval: 100 })
}

async function startWorker(): Promise<Worker> {
  const connection = await NativeConnection.connect({ address: system.config.temporal.address! })
  const worker = await createCampaignWorker({
    connection,
    namespace: system.config.temporal.namespace,
    taskQueue: system.config.temporal.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({
      sql: system.sql,
      mailer: nodemailer.createTransport(system.sink!.url),
      renderer: system.renderer,
      tokens: system.tokens,
      publicUrl: system.url,
      mailDomain: system.config.mailDomain,
      webhookSecret: deriveSecret(system.config.appSecret!, 'webhook'),
      temporal: { client: system.client, taskQueue: system.config.temporal.taskQueue },
    }),
  })
  workers.push({ worker, running: worker.run(), connection })
  return worker
}

const PETER = { position: 'Produktionsleiter', industry: 'Werkzeugmaschinen', employees: 60, interests: ['hydraulics'], postal_code: '10115', country: 'DE' }
const handoverMails = (id: string) => (mail: ReceivedMail) => mail.headers['x-kessler-handover'] === id

describe('a worker restart does not hand a lead over twice', () => {
  it('hands over once and reminds once after the worker was replaced', async () => {
    const email = 'karl.kraft@kraft-werkzeugmaschinen.example'
    const types = ['form_submitted', 'download', 'visit', 'visit', 'click', 'click', 'click', 'click']
    const post = (type: string, i: number) =>
      system.api('/api/events', { body: { type, contact: { email, subsidiary: 'DE', attributes: PETER }, properties: type === 'visit' ? { path: `/preise/${i}` } : {} } })
    // The first creates the contact; the rest arrive at once.
    const posted = [await post(types[0]!, 0), ...(await Promise.all(types.slice(1).map((type, i) => post(type, i + 1))))]
    expect(posted.every((r) => r.status === 202)).toBe(true)
    const contactId = posted[0]!.body.contactId as string
    await expect.poll(async () => (await system.sql`select count(*)::int as n from handovers where contact_id = ${contactId} and workflow_started_at is not null`)[0]!.n, { timeout: 20_000 }).toBe(1)
    // As after a crash of the app: every event is dispatched (and scored) again. First the running
    // dispatcher finishes this contact's events: its marks and this reset, both multi-row updates of the
    // same rows in their own order, deadlocked each other once in CI (session 11).
    await expect.poll(async () => (await system.sql`select count(*)::int as n from events where contact_id = ${contactId} and dispatched_at is null`)[0]!.n, { timeout: 20_000 }).toBe(0)
    await system.sql`update events set dispatched_at = null, dispatch_claimed_until = null where contact_id = ${contactId}`
    await system.dispatcher.dispatchPending()
    const [handover] = await system.sql<{ id: string }[]>`select id from handovers where contact_id = ${contactId}`

    const first = await startWorker()
    // 10115 (Berlin) lies in 00000–49999: Stefan Krüger.
    await system.sink!.waitFor((mail) => handoverMails(handover!.id)(mail) && mail.to.includes('stefan.krueger@kessler-hydraulik.example'), 1, 30_000)
    await system.sink!.waitFor(handoverMails(handover!.id), 2, 30_000)
    await stopWorker(first)
    await startWorker()
    await system.sink!.waitFor((mail) => handoverMails(handover!.id)(mail) && mail.subject.startsWith('Reminder'), 1, 30_000)

    expect(await system.sql`select count(*)::int as n from handovers where contact_id = ${contactId}`).toEqual([{ n: 1 }])
    const subjects = system.sink!.mails().filter(handoverMails(handover!.id)).map((mail) => `${mail.to[0]} ${mail.subject.split(':')[0]}`)
    expect(subjects.sort()).toEqual([
      'petra.lang@kessler-hydraulik.example Lead handover',
      'stefan.krueger@kessler-hydraulik.example Lead handover',
      'stefan.krueger@kessler-hydraulik.example Reminder',
    ])
  })
})
