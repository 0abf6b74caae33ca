import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBottleCrm, type BottleCrm } from '../helpers/bottlecrm'
import { startCrmFaultProxy, type CrmFaultProxy } from '../helpers/crm-fault-proxy'
import { connectCrm, syncNow as syncCrmNow } from '../helpers/crm-sync'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { startProductProcess, WORKER_COMMAND, type ProductProcess } from '../helpers/product-process'
import { artifact, launchChromium } from '../helpers/browser'

// The sync under faults, against a real BottleCRM (tools/bottlecrm) behind a small fault-injecting proxy
// (test/helpers/crm-fault-proxy.ts): the CRM answering 429 and 503, a worker process killed with SIGKILL
// while an inbound walk is between pages, and a repeat sync with nothing changed. Pages of 20 records, so
// a few dozen contacts make several pages. The sync runs on separate worker processes (server/worker-main.ts).
let system: TestSystem
let crm: BottleCrm
let proxy: CrmFaultProxy
let adminToken: string
const workers: ProductProcess[] = []

function startWorker(): ProductProcess {
  const worker = startProductProcess(`worker ${workers.length + 1}`, WORKER_COMMAND, {
    DATABASE_URL: system.databaseUrl,
    TEMPORAL_ADDRESS: system.config.temporal.address!,
    TEMPORAL_TASK_QUEUE: system.config.temporal.taskQueue,
    SMTP_URL: system.sink!.url,
    APP_SECRET: system.config.appSecret!,
    PUBLIC_URL: system.url,
    CRM_PAGE_SIZE: '20',
  })
  workers.push(worker)
  return worker
}

beforeAll(async () => {
  ;[crm, system] = await Promise.all([startBottleCrm(), startTestSystem({ runWorker: false })])
  proxy = await startCrmFaultProxy(crm.url)
  adminToken = await system.token({ sub: 'hq-admin', role: 'admin', subs: '*' })
  await startWorker().waitForOutput(/worker: polling/, 180_000)
  await connectCrm(system, adminToken, { url: proxy.url, token: crm.token })
}, 600_000)
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill('SIGKILL')))
  await proxy?.stop()
  await system?.stop()
  await crm?.stop()
})

const syncNow = () => syncCrmNow(system, adminToken)

async function makeCrmContacts(prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    await Promise.all(Array.from({ length: Math.min(10, count - i) }, (_, j) => crm.api('POST', 'contacts/', { first_name: 'Fault', last_name: `${prefix} ${i + j}`, email: `${prefix}-${String(i + j).padStart(3, '0')}@sync-faults.example`, organization: 'Fault GmbH', country: 'DE' })))
  }
}

/** Contacts, distinct e-mails, CRM links and "new in the CRM" events of one prefix: all equal when nothing was lost or doubled. */
async function arrived(prefix: string) {
  const [counts] = await system.sql<{ contacts: number; emails: number; links: number; created: number }[]>`
    select count(*)::int as contacts, count(distinct lower(email))::int as emails,
      (select count(*)::int from crm_links l join contacts c on c.id = l.contact_id where l.object_type = 'contact' and c.email like ${`${prefix}-%`}) as links,
      (select count(*)::int from events e join contacts c on c.id = e.contact_id where e.type = 'crm.contact_created' and c.email like ${`${prefix}-%`}) as created
    from contacts where email like ${`${prefix}-%`}`
  return counts
}

describe('the CRM answers 429 and 503', () => {
  it('retries with backoff (after Retry-After when sent), loses nothing and the run says how often it was turned away', async () => {
    await makeCrmContacts('limited', 45)
    // Three pages of contacts; the first three requests of the run are refused: twice "slow down", once "unavailable".
    proxy.failNext([{ status: 429, retryAfterSeconds: 2 }, { status: 429, retryAfterSeconds: 2 }, { status: 503 }])
    const seen = proxy.log.length
    const started = await system.api('/api/crm/sync', { method: 'POST', token: adminToken })
    expect(started.status).toBe(202)
    // While the CRM asks us to wait, the run says so (the sync waits the 2 s it asked for).
    await expect.poll(async () => (await system.api('/api/crm/runs')).body.runs[0]?.status, { timeout: 30_000, interval: 50 }).toBe('rate_limited')
    const { runId } = await system.client.workflow.getHandle(started.body.workflowId).result()
    const run = (await system.api('/api/crm/runs')).body.runs.find((r: { id: string }) => r.id === runId)
    expect(run).toMatchObject({ status: 'done', errors: 0, retries: 3, rateLimited: 2, recordsIn: 45, lastError: expect.stringMatching(/503/) })
    // The refused request was asked again, the same page each time: nothing skipped.
    const refused = proxy.log.slice(seen, seen + 4)
    expect(refused.map((r) => r.status)).toEqual([429, 429, 503, 200])
    expect(new Set(refused.map((r) => r.path)).size).toBe(1)
    expect(await arrived('limited')).toEqual({ contacts: 45, emails: 45, links: 45, created: 45 })
  }, 300_000)
})

describe('a sync with nothing changed', () => {
  it('brings nothing in and pushes nothing out', async () => {
    // The first run's "new in the CRM" events are scored by the dispatcher afterwards, and a changed score is
    // something the CRM should get (CI caught it going out here). Let the scores settle and go out once; then
    // nothing has changed on either side, and the next run must move nothing.
    await expect.poll(async () => (await system.sql<{ n: number }[]>`select count(*)::int as n from events where dispatched_at is null`)[0]!.n, { timeout: 60_000, interval: 200 }).toBe(0)
    await syncNow()
    const run = await syncNow()
    expect(run).toMatchObject({ status: 'done', errors: 0, retries: 0, recordsIn: 0, recordsOut: 0, conflicts: 0 })
    expect(await arrived('limited')).toEqual({ contacts: 45, emails: 45, links: 45, created: 45 })
  }, 300_000)
})

describe('a worker killed while an inbound sync is between pages', () => {
  it('a new worker goes on at the page it was on: nothing lost, nothing doubled', async () => {
    await makeCrmContacts('crash', 60)
    // Pages of 20 overlapping by 10: the walk asks offset 0, 10, 20, ... Hold the request for offset 40.
    const held = proxy.hold(/^\/api\/contacts\/\?limit=20&offset=40$/)
    const workflowId = `crm-sync-crash-${Date.now()}`
    const handle = await system.client.workflow.start('crmSync', {
      taskQueue: system.config.temporal.taskQueue,
      workflowId,
      args: [{ accountId: system.demoAccountId!, trigger: 'manual', maxRetryInterval: '1s', heartbeatTimeout: '10s' }],
    })
    await held
    // The page before is committed and the run's position is the held page: the worker is between pages.
    await expect.poll(async () => (await system.sql<{ page: { offset?: number } | null }[]>`select page from crm_sync_runs order by started_at desc limit 1`)[0]?.page?.offset, { timeout: 60_000, interval: 50 }).toBe(40)
    const [before] = await system.sql<{ id: string; pages: number; records_in: number }[]>`select id, pages, records_in from crm_sync_runs order by started_at desc limit 1`
    await workers[0]!.kill('SIGKILL')
    const killedAt = proxy.log.length
    proxy.release()
    startWorker()
    const { runId } = await handle.result()
    expect(runId).toBe(before!.id)

    // The new worker's first contacts request is the page the run was on; no earlier page was walked again.
    const after = proxy.log.slice(killedAt).filter((r) => r.path.startsWith('/api/contacts/?'))
    expect(after[0]!.path).toBe('/api/contacts/?limit=20&offset=40')
    expect(after.map((r) => Number(/offset=(\d+)/.exec(r.path)![1])).filter((offset) => offset < 40)).toEqual([])
    const run = (await system.api('/api/crm/runs')).body.runs.find((r: { id: string }) => r.id === runId)
    expect(run).toMatchObject({ status: 'done', errors: 0 })
    expect(run.pages).toBeGreaterThan(before!.pages)
    expect(await arrived('crash')).toEqual({ contacts: 60, emails: 60, links: 60, created: 60 })
    expect(await arrived('limited')).toEqual({ contacts: 45, emails: 45, links: 45, created: 45 })
  }, 600_000)
})

describe('the CRM connection form', () => {
  it('an admin sees the connection and the runs with their retries, is told plainly when the token is wrong, and saves a good one sealed', async () => {
    const browser = await launchChromium()
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      await page.goto(`${system.baseUrl}/?view=crm&lang=en#token=${adminToken}`)
      const address = page.getByLabel('CRM address')
      await expect.poll(() => address.inputValue(), { timeout: 30_000 }).toBe(proxy.url)
      await expect.poll(() => page.getByText('A token is stored (encrypted)').count()).toBe(1)
      // The run the CRM rate-limited says so in its row.
      await expect.poll(() => page.getByText('3 retries, 2 rate-limited').count(), { timeout: 10_000 }).toBe(1)
      await page.screenshot({ path: artifact('crm-connection-runs.png'), fullPage: true })

      const [before] = await system.sql<{ credentials_encrypted: string; base_url: string }[]>`select credentials_encrypted, base_url from crm_connections`
      await address.fill(crm.url)
      await page.getByLabel('API token').fill('bcrm_pat_this-is-not-the-token')
      await page.getByRole('button', { name: 'Save and check' }).click()
      const alert = page.getByRole('alert')
      await expect.poll(() => alert.innerText(), { timeout: 30_000 }).toMatch(/does not accept this API token \(it answered 40[13]\)/)
      await page.screenshot({ path: artifact('crm-connection-wrong-token.png'), fullPage: true })
      // Refused: what was stored stays as it was.
      expect((await system.sql`select credentials_encrypted, base_url from crm_connections`)[0]).toEqual(before)

      await page.getByLabel('API token').fill(crm.token)
      await page.getByRole('button', { name: 'Save and check' }).click()
      await expect.poll(() => alert.count(), { timeout: 30_000 }).toBe(0)
      await expect.poll(async () => (await system.sql<{ base_url: string }[]>`select base_url from crm_connections`)[0]!.base_url, { timeout: 30_000 }).toBe(crm.url)
      const [saved] = await system.sql<{ credentials_encrypted: string }[]>`select credentials_encrypted from crm_connections`
      expect(saved!.credentials_encrypted).not.toBe(before!.credentials_encrypted)
      expect(saved!.credentials_encrypted).toMatch(/^v1\./)
      expect(saved!.credentials_encrypted).not.toContain(crm.token.slice(9))
      // The token field is emptied once the CRM accepted it: the secret does not stay in the page.
      await expect.poll(() => page.getByLabel('API token').inputValue()).toBe('')
      expect(await page.content()).not.toContain(crm.token)
      expect(await page.getByText('A token is stored (encrypted)').count()).toBe(1)
      await page.screenshot({ path: artifact('crm-connection-saved.png'), fullPage: true })
    } finally {
      await browser.close()
    }
  }, 300_000)
})
