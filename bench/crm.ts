import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { DEFAULT_MAPPINGS } from '../crm/mapping'
import { createSecretBox } from '../crm/secret-box'
import { saveCrmConnection } from '../db/crm'
import { bundleCampaignWorkflows } from '../server/campaign-worker'
import { loadConfig } from '../server/config'
import { startSystem } from '../server/system'
import { freePort } from '../server/temporal-dev-server'
import { startBottleCrm } from '../test/helpers/bottlecrm'
import { createBenchDatabase, type Cleanup } from './infra'
import { loadAverage, now } from './measure'

// CRM sync throughput against a real BottleCRM (`npm run bench -- --only crm --crm-contacts N`): N contacts
// seeded in the CRM, one sync brings them in (records/s in) and pushes what the product knows back onto
// every record (records/s out). Raw baselines in the same run, against the same CRM: walking BottleCRM's
// contact list page by page (in), and PATCHing the same custom fields directly, as many in flight as the
// sync pushes (out, on a sample). The load average is taken beside each figure.

export interface CrmBenchResult {
  contacts: number
  pageSize: number
  in: { records: number; seconds: number; perSecond: number; raw: { records: number; seconds: number; perSecond: number }; ratio: number; load: [number, number, number] }
  out: { records: number; seconds: number; perSecond: number; errors: number; raw: { records: number; seconds: number; perSecond: number }; ratio: number; load: [number, number, number] } | null
}

const run = promisify(execFile)
const TOOLS = join(import.meta.dirname, '../tools/bottlecrm')
/** What the outbound sync keeps in flight (activities/crm-sync.ts PUSH_CONCURRENCY); the raw PATCHes match it. */
const OUT_IN_FLIGHT = 4

export async function runCrm(options: { contacts: number; pageSize: number; direction: 'in' | 'both'; rawOutSample: number; log: (message: string) => void; cleanup: Cleanup }): Promise<CrmBenchResult> {
  const { log, cleanup } = options
  const crm = await startBottleCrm()
  cleanup.add('BottleCRM', crm.stop)
  log(`BottleCRM at ${crm.url}; seeding ${options.contacts} contacts`)
  await run(join(TOOLS, 'python.sh'), [crm.state, join(TOOLS, 'seed_contacts.py'), String(options.contacts)], { maxBuffer: 1 << 20 })

  // Raw in: the same list walk the adapter makes, without applying anything.
  let started = now()
  let walked = 0
  for (let offset = 0; ; offset += options.pageSize) {
    const page = await crm.api('GET', `contacts/?limit=${options.pageSize}&offset=${offset}`)
    walked += page.results.length
    if (page.results.length < options.pageSize) break
  }
  const rawIn = { records: walked, seconds: (now() - started) / 1000, perSecond: 0 }
  rawIn.perSecond = rawIn.records / rawIn.seconds
  log(`raw in: ${walked} contacts listed in ${rawIn.seconds.toFixed(1)} s = ${rawIn.perSecond.toFixed(1)}/s`)

  const database = await createBenchDatabase(process.env.DATABASE_URL)
  cleanup.add('CRM benchmark database', database.drop)
  const appSecret = randomBytes(32).toString('base64url')
  const config = loadConfig({
    PORT: '0', SMTP_SINK_PORT: '0', INBOUND_SMTP_PORT: '0', DATA_DIR: await mkdtemp(join(tmpdir(), 'crm-bench-')), APP_SECRET: appSecret, DATABASE_URL: database.url,
    TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()), CRM_PAGE_SIZE: String(options.pageSize),
  })
  const system = await startSystem(config, { log: () => {}, seedExamples: false, workflowBundle: await bundleCampaignWorkflows() })
  cleanup.add('product (CRM benchmark)', () => system.stop())
  const accountId = system.demoAccountId!
  await saveCrmConnection(system.sql, {
    account_id: accountId, kind: 'bottlecrm', base_url: crm.url, credentials_encrypted: createSecretBox(appSecret).seal(JSON.stringify({ token: crm.token }), accountId),
    field_mappings: DEFAULT_MAPPINGS, sync_every: 'off', handover_mode: 'crm_lead', created_by: 'bench',
  })

  // Where the run's streams begin, watched on its row: "in" ends where the outbound streams start.
  const marks: Record<string, number> = {}
  let lastProgress = now()
  let inLoad: [number, number, number] | null = null
  const watch = setInterval(() => {
    void system.sql<{ stream: string | null; records_in: number; records_out: number }[]>`select stream, records_in, records_out from crm_sync_runs order by started_at desc limit 1`.then(([row]) => {
      if (row && !(String(row.stream) in marks)) {
        marks[String(row.stream)] = now()
        currentStream = String(row.stream)
        // The inbound figure's load is the one while it ran, not at the end of the whole run.
        if (!inLoad && ['account_out', 'out', 'null'].includes(String(row.stream))) inLoad = loadAverage()
      }
      // A minute's progress with the load: a long run interrupted still leaves figures behind.
      if (row && now() - lastProgress > 60_000) {
        lastProgress = now()
        log(`sync progress: stream ${row.stream}, ${row.records_in} in, ${row.records_out} out after ${((now() - started) / 1000).toFixed(0)} s; load ${loadAverage().join(', ')}`)
      }
    }, () => {})
  }, 100)
  // HTTP requests the product makes to the CRM, by stream (the product runs in this process): requests per record.
  const requests: Record<string, number> = {}
  const plainFetch = globalThis.fetch
  let currentStream = 'account'
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (url.startsWith(crm.url)) {
      const key = `${currentStream} ${init?.method ?? 'GET'}`
      requests[key] = (requests[key] ?? 0) + 1
    }
    return plainFetch(input, init)
  }) as typeof fetch
  cleanup.add('fetch counter', async () => void (globalThis.fetch = plainFetch))
  started = now()
  const handle = await system.client.workflow.start('crmSync', { taskQueue: config.temporal.taskQueue, workflowId: `crm-bench-${Date.now()}`, args: [{ accountId, trigger: 'manual' }] })
  const outBegan = () => marks.account_out ?? marks.out ?? marks.null
  let runId: string
  if (options.direction === 'in') {
    while (!outBegan()) await new Promise((resolve) => setTimeout(resolve, 100))
    await handle.terminate('bench: inbound measured')
    runId = (await system.sql<{ id: string }[]>`select id from crm_sync_runs order by started_at desc limit 1`)[0]!.id
  } else runId = ((await handle.result()) as { runId: string }).runId
  const finished = now()
  clearInterval(watch)
  globalThis.fetch = plainFetch
  log(`HTTP requests to the CRM by stream and method (a 100 ms watch attributes them, so edges blur): ${Object.entries(requests).map(([key, n]) => `${key} ${n}`).join('; ')}`)
  const [counts] = await system.sql<{ records_in: number; records_out: number; errors: number }[]>`select records_in, records_out, errors from crm_sync_runs where id = ${runId}`
  const outStarted = outBegan() ?? finished
  const inSeconds = (outStarted - started) / 1000
  const inbound = { records: counts!.records_in, seconds: inSeconds, perSecond: counts!.records_in / inSeconds, raw: rawIn, ratio: counts!.records_in / inSeconds / rawIn.perSecond, load: inLoad ?? loadAverage() }
  log(`product in: ${inbound.records} in ${inSeconds.toFixed(1)} s = ${inbound.perSecond.toFixed(1)}/s; ratio ${inbound.ratio.toFixed(3)}; load ${inbound.load.join(', ')}`)
  // Where the database's time went: a table read whole once per record is what makes the rate fall with size.
  const scans = await system.sql<{ relname: string; seq_scan: number; seq_tup_read: number; idx_scan: number }[]>`
    select relname, seq_scan::int, seq_tup_read::int, coalesce(idx_scan, 0)::int as idx_scan from pg_stat_user_tables
    where relname in ('contacts', 'crm_links', 'attribute_sources', 'events', 'consent_records', 'duplicate_suggestions') order by seq_tup_read desc`
  log(`table scans during the run: ${scans.map((t) => `${t.relname} seq ${t.seq_scan} (${t.seq_tup_read} rows) idx ${t.idx_scan}`).join('; ')}`)
  if (options.direction === 'in') return { contacts: options.contacts, pageSize: options.pageSize, in: inbound, out: null }

  const outSeconds = (finished - outStarted) / 1000
  const outLoad = loadAverage()
  // Raw out: the PATCH the sync makes, straight to the CRM, as many in flight as the sync, on a sample: the
  // account link and the seven custom fields (scores, score cell, personas, lifecycle, campaigns, content clicked).
  const sample = await system.sql<{ crm_id: string; account: string | null }[]>`
    select l.crm_id, la.crm_id as account from crm_links l join contacts c on c.id = l.contact_id
      left join crm_links la on la.account_id = l.account_id and la.object_type = 'account' and la.company_id = c.company_id
    where l.object_type = 'contact' limit ${options.rawOutSample}`
  const custom = { kessler_profile_grade: 'B', kessler_activity_level: '3', kessler_score_cell: 'B3', kessler_personas: 'Peter Produzent 85%', kessler_lifecycle: 'lead', kessler_campaigns: 'Cross-sell (active)', kessler_content_clicked: 'https://kessler.example/hydraulik' }
  started = now()
  const queue = [...sample]
  await Promise.all(Array.from({ length: OUT_IN_FLIGHT }, async () => {
    for (let row = queue.shift(); row; row = queue.shift()) await crm.api('PATCH', `contacts/${row.crm_id}/`, { ...(row.account ? { account: row.account } : {}), custom_fields: custom })
  }))
  const withAccount = sample.filter((row) => row.account).length
  log(`raw out: ${sample.length} PATCHes (${withAccount} with the account link, 7 custom fields each)`)
  const rawOut = { records: sample.length, seconds: (now() - started) / 1000, perSecond: 0 }
  rawOut.perSecond = rawOut.records / rawOut.seconds
  const outbound = { records: counts!.records_out, seconds: outSeconds, perSecond: counts!.records_out / outSeconds, errors: counts!.errors, raw: rawOut, ratio: counts!.records_out / outSeconds / rawOut.perSecond, load: outLoad }
  const outRequests = Object.entries(requests).filter(([key]) => key.startsWith('out ')).reduce((sum, [, n]) => sum + n, 0)
  log(`outbound HTTP requests per record pushed: ${(outRequests / Math.max(1, outbound.records)).toFixed(2)} (${outRequests} for ${outbound.records})`)
  log(`product out: ${outbound.records} in ${outSeconds.toFixed(1)} s = ${outbound.perSecond.toFixed(1)}/s (errors ${outbound.errors}); raw ${rawOut.perSecond.toFixed(1)}/s; ratio ${outbound.ratio.toFixed(3)}; load ${outLoad.join(', ')}`)
  return { contacts: options.contacts, pageSize: options.pageSize, in: inbound, out: outbound }
}
