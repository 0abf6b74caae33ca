import nodemailer from 'nodemailer'
import type { Sql } from 'postgres'
import { createActivities } from '../activities'
import { createMailTransport, SMTP_POOL_CONNECTIONS } from '../server/mail-transport'
import { benchCampaignGraph } from './enrolment'
import type { BenchSystem } from './infra'
import { cpuAccount, cpuProfiler } from './cpu-account'
import { cpuMeter, inFlight, loadAverage, now, perSecond } from './measure'

// Sending: the product's send activity (activities/send-campaign-email.ts: send log, consent, frequency
// cap, per-recipient rendering, signed links, SMTP through the product's transport) called `concurrency` at
// a time, as a worker runs it, against raw pooled nodemailer (pool: true, the same number of connections)
// sending one mail the product sent (as the sink received it), into the same SMTP sink, in the same run.

export interface SendingOptions {
  mails: number
  concurrency: number
  /** A folder for each side's CPU profile (bench/cpu-account.ts). */
  cpuProfile?: string
  log: (message: string) => void
}

export interface SendingSide {
  mails: number
  ms: number
  mailsPerSecond: number
  cpuBusy: number
  /** This process's and its Postgres backends' CPU per mail (ms), summed over the rounds. */
  nodeMsPerMail: number
  postgresMsPerMail: number
  /** Statements the side sent to Postgres per mail (each one round trip for the send that waits on it; a micro-batched one is shared). */
  statementsPerMail: number
  /** The same per statement, most frequent first. */
  statements: { statement: string; perMail: number }[]
}

export interface SendingResult {
  mails: number
  concurrency: number
  connections: number
  /** The machine's load average when the benchmark began and when it ended. */
  load: [number, number, number]
  loadAtEnd: [number, number, number]
  product: SendingSide
  raw: SendingSide
  ratio: number
}

const TEMPLATE = 'onboarding-welcome'

export async function runSending(bench: BenchSystem, options: SendingOptions): Promise<SendingResult> {
  const { log, mails: count, concurrency } = options
  const load = loadAverage()
  const sink = bench.system.sink
  if (!sink) throw new Error('the sending benchmark needs the built-in SMTP sink')
  const enrolments = await prepareEnrolments(bench, count + WARM_UP)

  // What raw nodemailer sends is one mail the product sent in its warm-up, as the sink received it (real
  // signed links, pixel and unsubscribe URL): placeholder links made the raw mail lighter to build and parse.
  let mail = { subject: '', html: '', text: '', unsubscribe: '' }
  const raw = nodemailer.createTransport({ url: sink.url, pool: true, maxConnections: SMTP_POOL_CONNECTIONS, maxMessages: Infinity })
  const rawSend = (i: number) =>
    raw.sendMail({
      from: '"Kessler Hydraulik" <news@kessler-hydraulik.example>',
      to: `raw-${i}@bench.example`,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      messageId: `<raw-send-${i}@bench.example>`,
      headers: { 'List-Unsubscribe': mail.unsubscribe, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    })

  const mailer = createMailTransport(sink.url)
  const activities = createActivities({
    sql: bench.system.sql,
    mailer,
    renderer: bench.system.renderer,
    templateStore: bench.system.templateStore,
    tokens: bench.system.tokens,
    publicUrl: bench.baseUrl,
    mailDomain: 'bench.example',
  })
  const productSend = async (i: number) => {
    const outcome = await activities.sendCampaignEmail({ ...enrolments[i]!, nodeId: 'mail', visit: 1, template: TEMPLATE })
    if (outcome.outcome !== 'sent') throw new Error(`enrolment ${enrolments[i]!.enrolmentId}: ${JSON.stringify(outcome)}`)
  }

  try {
    log(`sending: warming up both paths (${WARM_UP} mails each)`)
    await inFlight(WARM_UP, concurrency, (i) => productSend(count + i))
    const sent = sink.mails().find((received) => received.messageId.includes(enrolments[count]!.enrolmentId))
    if (!sent) throw new Error('the product\'s warm-up mail did not reach the sink')
    mail = { subject: sent.subject, html: sent.html, text: sent.text, unsubscribe: sent.headers['list-unsubscribe'] ?? '' }
    log(`sending: the raw side sends the product's mail as received: ${mail.html.length + mail.text.length} characters of HTML and text`)
    await inFlight(WARM_UP, concurrency, (i) => rawSend(count + i).then(() => {}))
    // The shared machine's load swings within seconds: the two paths take turns in rounds, and each side's
    // figure is its mails over its own time summed across the rounds.
    const sides = { raw: { ms: 0, cpu: 0, nodeMs: 0, postgresMs: 0 }, product: { ms: 0, cpu: 0, nodeMs: 0, postgresMs: 0 } }
    const statements = { raw: new Map<string, number>(), product: new Map<string, number>() }
    const profiler = cpuProfiler(options.cpuProfile)
    await profiler.start()
    const perRound = Math.ceil(count / ROUNDS)
    for (let round = 0; round < ROUNDS; round++) {
      const from = round * perRound
      const size = Math.min(perRound, count - from)
      for (const [label, send] of [['raw', rawSend], ['product', productSend]] as const) {
        const cpu = cpuMeter()
        const account = await cpuAccount(bench.system.sql)
        await profiler.resume()
        const counting = countStatements(bench.system.sql, statements[label])
        const began = now()
        await inFlight(size, concurrency, (i) => send(from + i).then(() => {}))
        sides[label].ms += now() - began
        counting.stop()
        await profiler.pause(`sending-${label}-${round + 1}`)
        sides[label].cpu += cpu.busy() / ROUNDS
        const spent = await account.stop()
        sides[label].nodeMs += spent.nodeMs
        sides[label].postgresMs += spent.postgresMs
        if (spent.postgresMs > size * 3) log(`sending: ${label} round ${round + 1}: Postgres ${(spent.postgresMs / size).toFixed(2)} ms per mail, most in ${spent.busiest.map((b) => `${b.ms} ms ${b.backend} (${b.query})`).join('; ')}`)
      }
      log(`sending: CPU per mail so far: raw ${(sides.raw.nodeMs / (from + size)).toFixed(2)} ms node + ${(sides.raw.postgresMs / (from + size)).toFixed(2)} ms postgres, product ${(sides.product.nodeMs / (from + size)).toFixed(2)} + ${(sides.product.postgresMs / (from + size)).toFixed(2)}`)
      log(`sending: round ${round + 1}/${ROUNDS}: raw ${perSecond(from + size, sides.raw.ms).toFixed(0)} mails/s, product ${perSecond(from + size, sides.product.ms).toFixed(0)} mails/s so far (load ${loadAverage().join(', ')})`)
    }
    profiler.stop()
    const side = (label: 'raw' | 'product'): SendingSide => ({
      mails: count,
      ms: sides[label].ms,
      mailsPerSecond: perSecond(count, sides[label].ms),
      cpuBusy: Math.round(sides[label].cpu * 100) / 100,
      nodeMsPerMail: Math.round((sides[label].nodeMs / count) * 100) / 100,
      postgresMsPerMail: Math.round((sides[label].postgresMs / count) * 100) / 100,
      statementsPerMail: Math.round(([...statements[label].values()].reduce((a, b) => a + b, 0) / count) * 100) / 100,
      statements: [...statements[label]]
        .sort((a, b) => b[1] - a[1])
        .map(([statement, n]) => ({ statement, perMail: Math.round((n / count) * 100) / 100 })),
    })
    const rawSide = side('raw')
    const productSide = side('product')
    log(`sending: statements per mail: raw ${rawSide.statementsPerMail}, product ${productSide.statementsPerMail}`)
    for (const { statement, perMail } of productSide.statements) log(`sending:   ${perMail.toFixed(2)}  ${statement}`)
    return { mails: count, concurrency, connections: SMTP_POOL_CONNECTIONS, load, loadAtEnd: loadAverage(), product: productSide, raw: rawSide, ratio: productSide.mailsPerSecond / rawSide.mailsPerSecond }
  } finally {
    raw.close()
    mailer.close()
  }
}

const WARM_UP = 100

/**
 * Counts the statements the product's pool sends until `stop()`, by their text (whitespace folded, cut
 * short). postgres.js calls `options.debug` once for every statement it sends, reading it from the pool's
 * own options object, so setting it here counts without wrapping the activities' `sql`.
 */
function countStatements(sql: Sql, into: Map<string, number>): { stop(): void } {
  const options = sql.options as { debug: boolean | ((connection: number, query: string) => void) }
  const before = options.debug
  // Counted by the text as sent and folded once at the end: folding each statement's whitespace as it
  // went cost the product's side 0.1 ms of this process's CPU per mail (profile), which the raw side,
  // sending no statements, never paid.
  const raw = new Map<string, number>()
  options.debug = (_connection, query) => void raw.set(query, (raw.get(query) ?? 0) + 1)
  return {
    stop: () => {
      options.debug = before
      for (const [query, n] of raw) {
        const statement = query.replace(/\s+/g, ' ').trim().slice(0, 90)
        into.set(statement, (into.get(statement) ?? 0) + n)
      }
    },
  }
}
const ROUNDS = 4

/** Contacts with consent, each enrolled (rows only: the activity is called directly) in a published one-mail campaign. */
async function prepareEnrolments(bench: BenchSystem, count: number) {
  const { sql } = bench.system
  const accountId = bench.system.demoAccountId!
  const created = await bench.api('/api/campaigns', { body: { name: 'Bench sending', kind: 'custom', graph: benchCampaignGraph(TEMPLATE) } })
  if (created.status !== 201) throw new Error(`creating the sending campaign: ${created.status} ${JSON.stringify(created.body)}`)
  const published = await bench.api(`/api/campaigns/${created.body.id}/publish`, { method: 'POST' })
  if (published.status !== 201) throw new Error(`publishing the sending campaign: ${published.status} ${JSON.stringify(published.body)}`)
  const campaignId = created.body.id as string
  const [campaign] = await sql<{ version_id: string }[]>`select live_version_id as version_id from campaigns where id = ${campaignId}`
  const subsidiaries = (await sql<{ id: string }[]>`select id from subsidiaries where account_id = ${accountId} order by code`).map((row) => row.id)
  const rows = await sql<{ enrolment_id: string; contact_id: string }[]>`
    with contact as (
      insert into contacts (account_id, subsidiary_id, email, first_name, last_name, salutation, company, consent_status, consent_source, consent_at)
      select ${accountId}, (${subsidiaries}::uuid[])[1 + i % ${subsidiaries.length}], 'send-' || i || '@bench.example',
             'Vorname' || i, 'Nachname' || i, (array['mr', 'ms', 'none'])[1 + i % 3], 'Firma ' || i || ' GmbH', 'granted', 'benchmark', now()
      from generate_series(1, ${count}::int) as i
      returning id)
    insert into enrolments (account_id, campaign_id, version_id, contact_id, workflow_id)
    select ${accountId}, ${campaignId}, ${campaign!.version_id}, id, 'bench-send-' || id from contact
    returning id as enrolment_id, contact_id`
  return rows.map((row) => ({ enrolmentId: row.enrolment_id, contactId: row.contact_id, accountId, campaignId, versionId: campaign!.version_id }))
}
