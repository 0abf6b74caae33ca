import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startSmtpSink, type SmtpSink } from '../../server/smtp-sink'
import { startTestSystem, type TestSystem } from '../helpers/system'

// A worker process is SIGKILLed in the middle of a 200-recipient mailing (after about a quarter arrived),
// then a new worker takes over. Counted at the SMTP server by Message-ID: no recipient twice and none
// missing. Mails on the wire at the kill are settled with the relay by Message-ID (db/messages.ts): the
// SMTP server here answers for what it accepted (SMTP_RECEIPTS_URL), as a production relay's adapter does.
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const RECIPIENTS = 200
let system: TestSystem
let relay: SmtpSink
const workers: ChildProcess[] = []

beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
  relay = await startSmtpSink({ port: 0, receipts: true })
})
afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL')
  await relay?.stop()
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
      SMTP_URL: relay.url,
      SMTP_RECEIPTS_URL: relay.receiptsUrl!,
      APP_SECRET: system.config.appSecret,
      PUBLIC_URL: system.url,
      // Slow enough that the kill lands mid-mailing, with several mails on the wire at once.
      SMTP_RATE_PER_SECOND: '60',
      SMTP_MAX_CONNECTIONS: '4',
    },
  })
  workers.push(worker)
  return worker
}

it('sends every recipient exactly one mail although the worker is killed mid-mailing', async () => {
  const [fr] = await system.sql<{ id: string; account_id: string }[]>`select id, account_id from subsidiaries where code = 'FR'`
  await system.sql`
    insert into contacts (account_id, subsidiary_id, email, first_name, consent_status)
    select ${fr!.account_id}, ${fr!.id}, 'lecteur' || n || '@lecteurs.example', 'Lecteur ' || n, 'granted' from generate_series(1, ${RECIPIENTS}) n`
  const segment = await system.api('/api/segments', { body: { name: 'Lecteurs', filter: { match: 'all', rules: [{ kind: 'attribute', attribute: 'reader', operator: 'not_exists' }] } } })
  expect(segment.status).toBe(201)
  const created = await system.api('/api/mailings', {
    body: {
      name: 'Lettre aux lecteurs',
      subsidiary: 'FR',
      segmentId: segment.body.id,
      content: { subject: { fr: 'Bonjour {{ contact.firstName }}' }, blocks: [{ kind: 'local', id: 'texte', body: { fr: '<mj-text>Merci de nous lire.</mj-text>' } }] },
    },
  })
  expect(created.status).toBe(201)
  const id = created.body.id as string
  const ofThisMailing = (mail: { messageId: string }) => mail.messageId.startsWith(`<mailing.${id}.`)

  const first = startWorker()
  expect((await system.api(`/api/mailings/${id}/schedule`, { body: { mode: 'now' } })).status).toBe(202)
  await relay.waitFor(ofThisMailing, RECIPIENTS / 4, 90_000)
  first.kill('SIGKILL')
  await new Promise((resolve) => first.once('exit', resolve))
  const atKill = relay.mails().filter(ofThisMailing).length
  expect(atKill).toBeLessThan(RECIPIENTS)
  startWorker()

  await expect.poll(async () => (await system.api(`/api/mailings/${id}/progress`)).body, { timeout: 180_000, interval: 1_000 }).toMatchObject({ status: 'sent', remaining: 0 })
  const total = RECIPIENTS + 3 // the demo's three FR contacts are in the segment too
  const delivered = relay.mails().filter(ofThisMailing).map((mail) => mail.messageId)
  const counts = new Map<string, number>()
  for (const messageId of delivered) counts.set(messageId, (counts.get(messageId) ?? 0) + 1)
  const log = await system.sql<{ status: string; n: number }[]>`select status, count(*)::int as n from messages where mailing_id = ${id} group by status order by status`
  const missing = await system.sql<{ message_id: string; status: string }[]>`select message_id, status, reason, attempts from messages where mailing_id = ${id} and message_id <> all(${[...counts.keys()]}::text[])`
  // No duplicate and no gap: every recipient's Message-ID exactly once, and the send log says sent for each.
  expect([...counts.values()].filter((n) => n > 1)).toEqual([])
  expect(missing).toEqual([])
  expect(counts.size).toBe(total)
  expect(log).toEqual([{ status: 'sent', n: total }])
  // For the record: how many the kill left to be settled with the relay (sent by it, or sent again).
  const [settled] = await system.sql<{ accepted: number; resent: number }[]>`
    select count(*) filter (where smtp_response like 'reconciled%')::int as accepted, count(*) filter (where reason like 'reconciled%')::int as resent
    from messages where mailing_id = ${id}`
  console.log(`mailing crash: ${atKill} in the sink at the kill; settled with the relay: ${settled!.accepted} it had accepted, ${settled!.resent} sent again`)
}, 300_000)
