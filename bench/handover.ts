import { randomUUID } from 'node:crypto'
import nodemailer from 'nodemailer'
import type { BenchSystem } from './infra'
import { formatNumber, inFlight, now, percentile, pollUntil } from './measure'

// Event → handover mail: for each contact, the events that bring it to 47 activity points are posted and
// dispatched first; then the clock starts, the qualifying click (→ 50 points, cell A1) is posted, and
// stops when the rep's dossier mail is in the SMTP sink. That spans the API, Postgres, the dispatcher,
// scoring, the handover workflow (routing, nurture exit) and SMTP. The raw baseline, in the same run: a
// nodemailer send of a mail of the same size to the same sink, until it arrives there.

export interface HandoverOptions {
  contacts: number
  concurrency: number
  log: (message: string) => void
}

export interface HandoverResult {
  contacts: number
  concurrency: number
  product: { p50Ms: number; p99Ms: number; maxMs: number; handedOver: number }
  raw: { p50Ms: number; p99Ms: number; mails: number }
  ratio: { p50: number; p99: number }
}

const PETER = { position: 'Production Manager', industry: 'Machine tools', employees: 240, interests: ['hydraulic components'], postal_code: '70173', country: 'DE' }
const REP = 'sabine.vogel@kessler-hydraulik.example'
// 10 + 8 + 2 × 10 + 3 × 3 = 47 points: one click short of level 1.
const WARM = [['form_submitted', {}], ['download', {}], ['visit', { path: '/de/preise' }], ['visit', { path: '/de/preise/hydrostat' }], ['click', {}], ['click', {}], ['click', {}]] as const

export async function runHandover(bench: BenchSystem, options: HandoverOptions): Promise<HandoverResult> {
  const { system } = bench
  const sink = system.sink!
  const run = randomUUID().slice(0, 8)
  const model = await bench.api('/api/scoring/model', { method: 'PUT', body: { handover: { sla: '30d' } } })
  if (model.status !== 202) throw new Error(`scoring model refused: ${JSON.stringify(model.body)}`)
  const post = async (email: string, type: string, properties: Record<string, unknown>, attributes?: Record<string, unknown>) => {
    const response = await bench.api('/api/events', { body: { type, contact: { email, subsidiary: 'DE', ...(attributes && { attributes }) }, properties } })
    if (response.status !== 202) throw new Error(`event refused: ${response.status} ${JSON.stringify(response.body)}`)
    return response.body as { contactId: string }
  }

  const latencies: number[] = []
  let done = 0
  await inFlight(options.contacts, options.concurrency, async (index) => {
    const email = `lead-${run}-${index}@bench.example`
    const { contactId } = await post(email, WARM[0][0], WARM[0][1], PETER)
    for (const [type, properties] of WARM.slice(1)) await post(email, type, properties)
    const warmed = await pollUntil({
      read: async () => (await system.sql<{ n: number }[]>`select count(*)::int as n from events where contact_id = ${contactId} and dispatched_at is null`)[0]!.n,
      done: (n) => n === 0,
      describe: (n) => `${email}: ${n} events not dispatched yet`,
      log: options.log,
      intervalMs: 20,
      maxPolls: 3_000,
    })
    if (!warmed.finished) throw new Error(`${email}: warm-up events not dispatched within a minute`)
    const began = now()
    await post(email, 'click', {})
    await sink.waitFor((mail) => mail.to.includes(REP) && mail.subject.startsWith('Lead handover') && mail.text.includes(email), 1, 60_000)
    latencies.push(now() - began)
    if (++done % 25 === 0) options.log(`handover: ${done} of ${options.contacts} leads handed over`)
  })

  // The raw tool underneath: nodemailer → the same sink, one mail in flight per lane as above.
  const mailer = nodemailer.createTransport(sink.url)
  const raw: number[] = []
  const body = 'x'.repeat(2_000)
  await inFlight(options.contacts, options.concurrency, async (index) => {
    const subject = `raw ${run} ${index}`
    const began = now()
    await mailer.sendMail({ from: 'bench@kessler-hydraulik.example', to: REP, subject, text: body })
    await sink.waitFor((mail) => mail.subject === subject, 1, 60_000)
    raw.push(now() - began)
  })
  mailer.close()

  const product = { p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: Math.max(...latencies), handedOver: latencies.length }
  const rawFigures = { p50Ms: percentile(raw, 50), p99Ms: percentile(raw, 99), mails: raw.length }
  options.log(`handover: event → rep's mail p50 ${formatNumber(product.p50Ms)} ms, p99 ${formatNumber(product.p99Ms)} ms; raw nodemailer → sink p50 ${formatNumber(rawFigures.p50Ms)} ms`)
  return {
    contacts: options.contacts,
    concurrency: options.concurrency,
    product,
    raw: rawFigures,
    ratio: { p50: product.p50Ms / rawFigures.p50Ms, p99: product.p99Ms / rawFigures.p99Ms },
  }
}

/** The report's rows for this benchmark. */
export function handoverRows(result: HandoverResult): { benchmark: string; measure: string; product: string; raw: string; ratio: string; cpu: string }[] {
  const label = `handover (${result.contacts} leads, ${result.concurrency} in flight)`
  const times = (value: number) => (Number.isFinite(value) ? `${formatNumber(value)}×` : '–')
  return [
    { benchmark: label, measure: 'event → handover mail p50 ms vs nodemailer → sink', product: formatNumber(result.product.p50Ms), raw: formatNumber(result.raw.p50Ms), ratio: times(result.ratio.p50), cpu: '' },
    { benchmark: label, measure: 'event → handover mail p99 ms vs nodemailer → sink', product: formatNumber(result.product.p99Ms), raw: formatNumber(result.raw.p99Ms), ratio: times(result.ratio.p99), cpu: '' },
  ]
}
