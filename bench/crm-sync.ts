import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createSecretBox } from '../crm/secret-box'
import { DEFAULT_MAPPINGS } from '../crm/mapping'
import { saveCrmConnection } from '../db/crm'
import { loadConfig } from '../server/config'
import { startSystem } from '../server/system'
import { freePort } from '../server/temporal-dev-server'
import { startBottleCrm } from '../test/helpers/bottlecrm'
import { bundleCampaignWorkflows } from '../server/campaign-worker'
import { createBenchDatabase } from './infra'

// CRM sync throughput with a real BottleCRM: N contacts seeded in the CRM, one sync brings them in (records/s
// in) and pushes what the product knows back onto every record (records/s out). Raw baselines in the same
// run: walking BottleCRM's contact list page by page (in) and PATCHing custom fields directly, 4 at a time
// (out). Run: npx tsx bench/crm-sync.ts [contacts=10000] [in-only] (DATABASE_URL and the Temporal CLI as for tests).
const run = promisify(execFile)
const contacts = Number(process.argv[2] ?? 10_000)
// "in-only": stop the run where the outbound streams begin (pushing to BottleCRM takes minutes per thousand).
const inOnly = process.argv[3] === 'in-only'
const PAGE = 200
const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`)

const crm = await startBottleCrm()
log(`BottleCRM at ${crm.url}`)
await run(join(import.meta.dirname, '../tools/bottlecrm/python.sh'), [crm.state, join(import.meta.dirname, '../tools/bottlecrm/seed_contacts.py'), String(contacts)])
log(`${contacts} contacts seeded in the CRM`)

// Raw in: the same list walk without applying anything.
let started = performance.now()
let walked = 0
for (let offset = 0; ; offset += PAGE) {
  const page = await crm.api('GET', `contacts/?limit=${PAGE}&offset=${offset}`)
  walked += page.results.length
  if (page.results.length < PAGE) break
}
const rawIn = walked / ((performance.now() - started) / 1000)
log(`raw in: ${walked} contacts listed, ${rawIn.toFixed(1)}/s`)

const database = await createBenchDatabase(process.env.DATABASE_URL)
const appSecret = randomBytes(32).toString('base64url')
const config = loadConfig({
  PORT: '0', SMTP_SINK_PORT: '0', DATA_DIR: await mkdtemp(join(tmpdir(), 'crm-bench-')), APP_SECRET: appSecret, DATABASE_URL: database.url,
  TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()), CRM_PAGE_SIZE: String(PAGE),
})
const system = await startSystem(config, { log: () => {}, seedExamples: false, workflowBundle: await bundleCampaignWorkflows() })
const accountId = system.demoAccountId!
await saveCrmConnection(system.sql, { account_id: accountId, kind: 'bottlecrm', base_url: crm.url, credentials_encrypted: createSecretBox(appSecret).seal(JSON.stringify({ token: crm.token }), accountId), field_mappings: DEFAULT_MAPPINGS, sync_every: 'off', handover_mode: 'crm_lead', created_by: 'bench' })

const marks: Record<string, number> = {}
const watch = setInterval(async () => {
  const [row] = await system.sql<{ stream: string | null }[]>`select stream from crm_sync_runs order by started_at desc limit 1`
  if (row && !(String(row.stream) in marks)) marks[String(row.stream)] = performance.now()
}, 100)
started = performance.now()
const handle = await system.client.workflow.start('crmSync', { taskQueue: config.temporal.taskQueue, workflowId: `crm-bench-${Date.now()}`, args: [{ accountId, trigger: 'manual' }] })
let runId: string
if (inOnly) {
  while (!('account_out' in marks) && !('out' in marks) && !('null' in marks)) await new Promise((resolve) => setTimeout(resolve, 100))
  await handle.terminate('bench: inbound measured')
  runId = (await system.sql<{ id: string }[]>`select id from crm_sync_runs order by started_at desc limit 1`)[0]!.id
} else runId = ((await handle.result()) as { runId: string }).runId
const finished = performance.now()
clearInterval(watch)
const [result] = await system.sql<{ records_in: number; records_out: number; errors: number }[]>`select records_in, records_out, errors from crm_sync_runs where id = ${runId}`
// In ends where the outbound streams begin (companies, then contacts); out counts both.
const outStarted = marks.account_out ?? marks.out ?? finished
const inSeconds = (outStarted - started) / 1000
const outSeconds = (finished - outStarted) / 1000
log(`product in: ${result!.records_in} contacts in ${inSeconds.toFixed(1)} s = ${(result!.records_in / inSeconds).toFixed(1)}/s`)
log(`product out: ${result!.records_out} records (companies and contacts) in ${outSeconds.toFixed(1)} s = ${(result!.records_out / outSeconds).toFixed(1)}/s (errors ${result!.errors})`)

if (inOnly) {
  log(`ratio in ${(result!.records_in / inSeconds / rawIn).toFixed(3)}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  // The terminated run's last page may still be in its activity: the CRM goes first, then what waits on it.
  await crm.stop()
  await system.stop().catch((error) => log(`stopping the product: ${(error as Error).message}`))
  await database.drop().catch((error) => log(`dropping the bench database: ${(error as Error).message}`))
  process.exit(0)
}

// Raw out: PATCH the same custom fields straight to the CRM, 4 at a time, on a sample of 1,000.
const ids: string[] = (await system.sql<{ crm_id: string }[]>`select crm_id from crm_links limit 1000`).map((r) => r.crm_id)
started = performance.now()
const queue = [...ids]
await Promise.all(Array.from({ length: 4 }, async () => {
  for (let id = queue.shift(); id; id = queue.shift()) await crm.api('PATCH', `contacts/${id}/`, { custom_fields: { kessler_score_cell: 'B3' } })
}))
const rawOut = ids.length / ((performance.now() - started) / 1000)
log(`raw out: ${ids.length} PATCHes, ${rawOut.toFixed(1)}/s`)
log(`ratio in ${(result!.records_in / inSeconds / rawIn).toFixed(3)}, out ${(result!.records_out / outSeconds / rawOut).toFixed(3)}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
await system.stop()
await database.drop()
await crm.stop()
process.exit(0)
