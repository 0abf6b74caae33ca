import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { linearCampaign } from '../helpers/graphs'
import { startTestSystem, type TestSystem } from '../helpers/system'

// A worker process is killed with SIGKILL right after the first mail of a three-mail campaign reaches the
// SMTP server, then a new worker starts. Temporal replays the enrolment on the new worker; the send log
// in Postgres keeps every mail to exactly one delivery. Counted at the SMTP server by Message-ID.
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
let system: TestSystem
const workers: ChildProcess[] = []

beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
})
afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL')
  await system?.stop()
})

function startWorker(): ChildProcess {
  const worker = spawn(process.execPath, ['--import', 'tsx', 'server/worker-main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: system.databaseUrl,
      TEMPORAL_ADDRESS: system.config.temporal.address,
      TEMPORAL_TASK_QUEUE: system.config.temporal.taskQueue,
      SMTP_URL: system.sink!.url,
      APP_SECRET: system.config.appSecret,
      PUBLIC_URL: system.url,
    },
  })
  workers.push(worker)
  return worker
}

const threeMails = linearCampaign({ eventType: 'service_contract' }, [
  { id: 'mail-1', type: 'send_email', config: { template: 'onboarding-welcome' } },
  { id: 'pause-1', type: 'wait', config: { duration: '1s' } },
  { id: 'mail-2', type: 'send_email', config: { template: 'onboarding-care-tips' } },
  { id: 'pause-2', type: 'wait', config: { duration: '1s' } },
  { id: 'mail-3', type: 'send_email', config: { template: 'onboarding-check-in' } },
])

it('delivers each of three mails exactly once although the worker is killed after the first', async () => {
  const created = await system.api('/api/campaigns', { body: { name: 'Service contract welcome series', kind: 'onboarding', graph: threeMails } })
  expect(created.status).toBe(201)
  expect((await system.api(`/api/campaigns/${created.body.id}/publish`, { method: 'POST' })).status).toBe(201)

  const first = startWorker()
  const lucia = 'lucia.fernandez@fernandez-metal.example'
  const event = await system.api('/api/events', { body: { type: 'service_contract', contact: { email: lucia }, properties: { product: 'HydroStat 2000' } } })
  expect(event.status).toBe(202)

  const isLucias = (mail: { to: string[] }) => mail.to.includes(lucia)
  await system.sink!.waitFor(isLucias, 1, 60_000)
  first.kill('SIGKILL')
  await new Promise((resolve) => first.once('exit', resolve))
  startWorker()

  const mails = await system.sink!.waitFor(isLucias, 3, 90_000)
  await expect
    .poll(async () => (await system.sql`select status from enrolments where contact_id = ${event.body.contactId} and campaign_id = ${created.body.id}`)[0]?.status, { timeout: 30_000 })
    .toBe('completed')

  const delivered = system.sink!.mails().filter(isLucias).map((mail) => mail.messageId)
  const perMessageId = Object.fromEntries(delivered.map((id) => [id, delivered.filter((other) => other === id).length]))
  expect(Object.keys(perMessageId).map((id) => id.split('.')[1])).toEqual(['mail-1', 'mail-2', 'mail-3'])
  expect(Object.values(perMessageId)).toEqual([1, 1, 1])
  expect(mails).toHaveLength(3)
  const log = await system.sql`select node_id, status from messages where campaign_id = ${created.body.id} order by node_id`
  expect(log.map((row) => row.node_id)).toEqual(['mail-1', 'mail-2', 'mail-3'])
  expect(log.every((row) => row.status === 'sent' || row.status === 'unknown')).toBe(true)
})
