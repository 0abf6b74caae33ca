import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import type { Server } from 'node:http'
import express, { json } from 'express'
import type { Sql } from 'postgres'
import { pendingBackgroundWork, type BenchSystem, type Cleanup } from './infra'
import { cpuProfiler } from './cpu-account'
import { cpuMeter, describeCpu, inFlight, now, percentile, perSecond, pollUntil, type CpuByProcess } from './measure'

// Event ingestion: POST /api/events on the product's app (bearer token, validation, the event and its
// contact committed before the 202, the dispatcher kicked) against a bare express endpoint that parses the
// same JSON and answers 202, driven by the same client loop (node's fetch, bounded concurrency, loopback).
// Then the same with batches ({"events": [...]}, 100 and 500 per request, each event with its client id as
// an integration would send them), against what the product's batch path stands on: postgres.js inserting
// the same rows in bulk, one transaction per batch (contacts upserted, events inserted, no HTTP), and a
// bare express endpoint that only parses the batch.

export interface IngestionOptions {
  events: number
  concurrency: number
  /** Distinct contacts the events are about; the first event of each creates it, later ones update it. */
  contacts: number
  /** Events per batch request in the batch part (100 and 500). */
  batchSizes?: number[]
  /**
   * Events posted per side, batch size and round in the batch part (10,000: 20 requests of 500 are too few to
   * time, and the product's timed part should span its report folder's 1 s tick, so that it pays for folding
   * its events as it would under sustained load rather than leaving most of that for after).
   */
  batchEvents?: number
  /** Batch requests in flight (4). */
  batchConcurrency?: number
  /**
   * Rounds each batch size is timed in, the sides taking turns (3): a slow spell of the machine (the report
   * folder's tick, autovacuum, the other benchmarks' leftovers) then falls on every side, not on one.
   */
  batchRounds?: number
  /** A folder for a CPU profile of this process while each batch size's product side is timed (bench/profile-summary.ts). */
  cpuProfile?: string
  log: (message: string) => void
}

export interface BatchIngestionResult {
  batchSize: number
  concurrency: number
  /** Bare express parsing the batches. */
  raw: IngestionFigures
  /** postgres.js bulk-inserting the same rows, one transaction per batch (the goal's baseline). */
  rawPostgres: IngestionFigures
  product: IngestionFigures
  /** Product events/s over bare express events/s, both with batches. */
  ratio: { throughput: number; p50: number; p99: number }
  /** Product events/s over postgres.js bulk insert events/s. */
  ratioPostgres: { throughput: number; p50: number; p99: number }
  /** Batch events/s of the product over its own single-event events/s. */
  overSingle: number
}

export interface IngestionFigures {
  url: string
  requests: number
  ms: number
  eventsPerSecond: number
  p50Ms: number
  p99Ms: number
  errors: number
  /** Requests answered 202, warm-up included. */
  acknowledged: number
  cpuBusy: number
  /** The machine's 1-minute load average when the timed part began and when it ended. */
  load: { before: number; after: number }
  /** Product side only: events its dispatcher handed on while the side was timed (same process, same Postgres). */
  dispatchedMeanwhile?: number
}

export interface IngestionResult {
  concurrency: number
  warmup: number
  raw: IngestionFigures
  product: IngestionFigures
  ratio: { throughput: number; p50: number; p99: number }
  /** The product's events: acknowledged (202), found in Postgres afterwards, and handed on by its dispatcher by then. */
  events: { acknowledged: number; stored: number; dispatched: number }
  /**
   * The dispatcher (events → Temporal) draining what ingestion stored: waited for up to two minutes after the
   * last request; events/s from the first event received to the last one dispatched (Postgres timestamps).
   */
  dispatch: { drained: boolean; dispatched: number; ms: number | null; eventsPerSecond: number | null }
  batch: BatchIngestionResult
  /** Every batch size measured (batch is the first). */
  batches: BatchIngestionResult[]
}

const WARMUP = 200

function event(index: number, contacts: number, run: string) {
  return {
    type: 'visit',
    contact: { email: `ingest-${run}-${index % contacts}@bench.example`, firstName: 'Ingrid', lastName: 'Ingest', company: 'Ingest GmbH', subsidiary: 'DE' },
    properties: { page: `/products/hydrostat-2000?visit=${index}`, referrer: 'newsletter' },
  }
}

type BatchEvent = { id: string } & ReturnType<typeof event>
/** Hands one batch over; answers null when it was taken, else what went wrong. */
type BatchSender = (events: BatchEvent[]) => Promise<string | null>

const postBatch = (url: string, headers: Record<string, string>): BatchSender => async (events) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ events }) })
  const text = await response.text()
  return response.status === 202 ? null : `${response.status} ${text.slice(0, 200)}`
}

/**
 * The raw tool under the product's batch path: postgres.js, one transaction per batch, the batch's contacts
 * upserted in one multi-row statement and its events inserted in another (no HTTP, no validation, no checks).
 */
const bulkInsertBatch = (sql: Sql, accountId: string, subsidiaryId: string): BatchSender => async (events) => {
  try {
    await sql.begin(async (sql) => {
      const byEmail = new Map(events.map((e) => [e.contact.email.toLowerCase(), e.contact]))
      const contacts = [...byEmail.values()].map((c) => ({ account_id: accountId, subsidiary_id: subsidiaryId, email: c.email, first_name: c.firstName, last_name: c.lastName, company: c.company }))
      const ids = await sql<{ id: string; key: string }[]>`
        insert into contacts ${sql(contacts)}
        on conflict (account_id, lower(email)) do update set first_name = excluded.first_name, last_name = excluded.last_name, company = excluded.company, updated_at = now()
        returning id, lower(email) as key`
      const idOf = new Map(ids.map((row) => [row.key, row.id]))
      const rows = events.map((e) => ({ account_id: accountId, contact_id: idOf.get(e.contact.email.toLowerCase())!, type: e.type, properties: sql.json(e.properties), source: 'api', client_id: `raw-${e.id}`, dispatched_at: new Date() }))
      // Marked dispatched: the product's dispatcher must not spend the product's measurement on them.
      await sql`insert into events ${sql(rows)}`
    })
    return null
  } catch (error) {
    return String(error)
  }
}

/** `count` events in batches of `size`: events/s counts events, latencies are per request. */
async function driveBatches(sender: BatchSender, count: number, offset: number, size: number, concurrency: number, options: IngestionOptions, run: string, latencies: number[] | null) {
  let errors = 0
  let firstError: string | undefined
  const began = now()
  await inFlight(Math.ceil(count / size), concurrency, async (b) => {
    const events = Array.from({ length: Math.min(size, count - b * size) }, (_, i) => {
      const index = offset + b * size + i
      return { id: `bench-${run}-${size}-${index}`, ...event(index, options.contacts, run) }
    })
    const sent = now()
    const failed = await sender(events)
    latencies?.push(now() - sent)
    if (failed) {
      errors += events.length
      firstError ??= failed
    }
  })
  return { ms: now() - began, errors, firstError }
}

/** One side's timed part in one round of a batch size. */
interface BatchRound {
  ms: number
  count: number
  errors: number
  firstError?: string
  acknowledged: number
  latencies: number[]
  cpuBusy: number
  cpu: CpuByProcess
  load: { before: number; after: number }
  dispatchedMeanwhile?: number
}

async function timeBatchRound(
  sender: BatchSender,
  options: IngestionOptions,
  run: string,
  size: number,
  concurrency: number,
  settle: () => Promise<void>,
  round: { offset: number; count: number },
  dispatchedSoFar?: () => Promise<number>,
  profileName?: string,
): Promise<BatchRound> {
  const warmup = await driveBatches(sender, WARMUP, round.offset, size, concurrency, options, run, null)
  // Both sides start with the dispatcher and the report folder idle: what they still had to do from an
  // earlier part or side (thousands of events, at a few hundred per second) would take the measured side's
  // CPU and Postgres.
  await settle()
  const latencies: number[] = []
  const meter = cpuMeter()
  const before = loadavg()[0]!
  const dispatchedBefore = await dispatchedSoFar?.()
  const profiler = cpuProfiler(profileName && options.cpuProfile)
  await profiler.start()
  await profiler.resume()
  const { ms, errors, firstError } = await driveBatches(sender, round.count, round.offset + WARMUP, size, concurrency, options, run, latencies)
  const cpuBusy = meter.busy()
  const cpu = meter.byProcess()
  await profiler.pause(profileName ?? '')
  profiler.stop()
  const dispatchedMeanwhile = dispatchedBefore === undefined ? undefined : (await dispatchedSoFar!()) - dispatchedBefore
  return { ms, count: round.count, errors, firstError, acknowledged: WARMUP - warmup.errors + round.count - errors, latencies, cpuBusy, cpu, load: { before, after: loadavg()[0]! }, dispatchedMeanwhile }
}

/** A side's figures over all its rounds: its events over its summed timed time, latencies and CPU pooled. */
function batchFigures(label: string, url: string, rounds: BatchRound[], options: IngestionOptions): IngestionFigures {
  const sum = (of: (r: BatchRound) => number) => rounds.reduce((total, r) => total + of(r), 0)
  const ms = sum((r) => r.ms)
  const count = sum((r) => r.count)
  const errors = sum((r) => r.errors)
  const latencies = rounds.flatMap((r) => r.latencies)
  const cpu = { temporalMs: sum((r) => r.cpu.temporalMs), postgresMs: sum((r) => r.cpu.postgresMs), nodeMs: sum((r) => r.cpu.nodeMs), otherMs: sum((r) => r.cpu.otherMs) }
  const dispatched = rounds.every((r) => r.dispatchedMeanwhile === undefined) ? undefined : sum((r) => r.dispatchedMeanwhile ?? 0)
  options.log(`ingestion: ${label}: ${describeCpu(cpu, count / 100, '100 events')} (Node: this process, the app and the load together)`)
  const firstError = rounds.find((r) => r.firstError)?.firstError
  if (firstError) options.log(`ingestion: ${label}: ${errors} event(s) not acknowledged, the first failed batch with ${firstError}`)
  const figures = {
    url,
    requests: latencies.length,
    acknowledged: sum((r) => r.acknowledged),
    ms,
    eventsPerSecond: perSecond(count, ms),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
    cpuBusy: Math.round((sum((r) => r.cpuBusy * r.ms) / ms) * 100) / 100,
    load: { before: rounds[0]!.load.before, after: rounds.at(-1)!.load.after },
    dispatchedMeanwhile: dispatched,
  }
  const perRound = rounds.map((r) => perSecond(r.count, r.ms).toFixed(0)).join(', ')
  const meanwhile = dispatched === undefined ? '' : `, its dispatcher handed on ${dispatched} events meanwhile`
  options.log(`ingestion: ${label}: ${figures.eventsPerSecond.toFixed(0)} events/s (rounds: ${perRound}), p50 ${figures.p50Ms.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms per batch${meanwhile} (load ${figures.load.before.toFixed(1)} → ${figures.load.after.toFixed(1)})`)
  return figures
}

async function drive(url: string, headers: Record<string, string>, count: number, offset: number, options: IngestionOptions, run: string, latencies: number[] | null): Promise<{ ms: number; errors: number; firstError?: string }> {
  let errors = 0
  let firstError: string | undefined
  const began = now()
  await inFlight(count, options.concurrency, async (i) => {
    const sent = now()
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(event(offset + i, options.contacts, run)) })
    const text = await response.text()
    latencies?.push(now() - sent)
    if (response.status !== 202) {
      errors++
      firstError ??= `${response.status} ${text.slice(0, 200)}`
    }
  })
  return { ms: now() - began, errors, firstError }
}

async function measure(label: string, url: string, headers: Record<string, string>, options: IngestionOptions, run: string): Promise<IngestionFigures> {
  options.log(`ingestion: ${label}: ${WARMUP} warm-up requests, then ${options.events}, ${options.concurrency} in flight`)
  const warmup = await drive(url, headers, WARMUP, 0, options, run, null)
  const latencies: number[] = []
  const cpu = cpuMeter()
  const load = loadavg()[0]!
  const { ms, errors, firstError } = await drive(url, headers, options.events, WARMUP, options, run, latencies)
  if (firstError) options.log(`ingestion: ${label}: ${errors} request(s) failed, the first with ${firstError}`)
  const figures = {
    url,
    requests: options.events,
    acknowledged: WARMUP - warmup.errors + options.events - errors,
    ms,
    eventsPerSecond: perSecond(options.events, ms),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
    cpuBusy: cpu.busy(),
    load: { before: load, after: loadavg()[0]! },
  }
  options.log(`ingestion: ${label}: ${figures.eventsPerSecond.toFixed(0)} events/s, p50 ${figures.p50Ms.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms`)
  return figures
}

export async function runIngestion(bench: BenchSystem, options: IngestionOptions & { cleanup: Cleanup }): Promise<IngestionResult> {
  const bare = express()
  bare.disable('x-powered-by')
  bare.post('/events', json({ limit: '1mb' }), (req, res) => {
    if (typeof req.body?.type !== 'string') return void res.status(400).json({ error: 'type' })
    res.status(202).json({ eventId: randomUUID(), contactId: randomUUID() })
  })
  bare.post('/batch', json({ limit: '1mb' }), (req, res) => {
    const events = req.body?.events
    if (!Array.isArray(events)) return void res.status(400).json({ error: 'events' })
    const accepted = events.flatMap((e: { type?: unknown }, index) => (typeof e?.type === 'string' ? [{ index, eventId: randomUUID(), contactId: randomUUID() }] : []))
    res.status(202).json({ accepted, rejected: [] })
  })
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = bare.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)))
  })
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  options.cleanup.add('bare express endpoint', close)
  const run = randomUUID().slice(0, 8)
  try {
    const port = (server.address() as { port: number }).port
    const raw = await measure('bare express', `http://127.0.0.1:${port}/events`, {}, options, run)
    const product = await measure('product POST /api/events', `${bench.baseUrl}/api/events`, { authorization: `Bearer ${bench.token}` }, options, run)
    const batchConcurrency = options.batchConcurrency ?? 4
    const { sql } = bench.system
    const [home] = await sql<{ id: string; subsidiary_id: string }[]>`
      select a.id, s.id as subsidiary_id from accounts a join subsidiaries s on s.account_id = a.id and s.code = 'DE' where a.id = ${bench.system.demoAccountId!}`
    // What the dispatcher still has to hand on, what the report folder still has to fold and autovacuum at
    // work: the raw side's rows go through the product's event trigger too, so without the wait the product
    // side's timed part folded the raw side's 10,000 events as well as its own.
    const settle = async () => {
      const waited = await pollUntil({
        read: () => pendingBackgroundWork(sql),
        done: (p) => p.events === 0 && p.deltas === 0 && p.vacuums === 0,
        describe: (p) => `ingestion: waiting for the dispatcher to hand on ${p.events} earlier events, the folder to fold ${p.deltas} report deltas and ${p.vacuums} autovacuum workers`,
        log: options.log,
        intervalMs: 250,
        maxPolls: 480,
        reportMs: 10_000,
      })
      if (!waited.finished) options.log(`ingestion: ${waited.value.events} events still to hand on, ${waited.value.deltas} deltas to fold, ${waited.value.vacuums} autovacuum workers; measuring anyway`)
    }
    const dispatchedSoFar = async () =>
      (await sql<{ n: number }[]>`select count(*)::int as n from events where dispatched_at is not null and (client_id is null or client_id not like 'raw-%')`)[0]!.n
    const batches: BatchIngestionResult[] = []
    const rounds = options.batchRounds ?? 3
    const perRound = options.batchEvents ?? 10_000
    for (const size of options.batchSizes ?? [100, 500]) {
      const productUrl = `${bench.baseUrl}/api/events`
      const expressUrl = `http://127.0.0.1:${port}/batch`
      const sides = [
        { label: 'bare express, batches', url: expressUrl, sender: postBatch(expressUrl, {}), rounds: [] as BatchRound[] },
        { label: 'postgres.js bulk insert, batches', url: 'postgres.js', sender: bulkInsertBatch(sql, home!.id, home!.subsidiary_id), rounds: [] as BatchRound[] },
        // The product's dispatcher stays on (it is the product): what it hands on while the side is timed is counted and shown.
        { label: 'product POST /api/events, batches', url: productUrl, sender: postBatch(productUrl, { authorization: `Bearer ${bench.token}` }), rounds: [] as BatchRound[], product: true },
      ]
      options.log(`ingestion: batches of ${size}: ${rounds} rounds of ${WARMUP} warm-up events and ${perRound} timed per side, ${batchConcurrency} batches in flight, the sides taking turns`)
      for (let r = 0; r < rounds; r++) {
        // Offsets beyond the single-event part's and the earlier rounds', so every batch event has an id of its own.
        const round = { offset: WARMUP + options.events + r * (WARMUP + perRound), count: perRound }
        for (const side of sides) {
          side.rounds.push(await timeBatchRound(side.sender, options, run, size, batchConcurrency, settle, round, side.product ? dispatchedSoFar : undefined, side.product ? `ingestion-batches-${size}-round${r + 1}` : undefined))
        }
        options.log(`ingestion: batches of ${size}, round ${r + 1} of ${rounds}: ${sides.map((side) => `${side.label.split(',')[0]} ${perSecond(perRound, side.rounds.at(-1)!.ms).toFixed(0)}`).join(', ')} events/s`)
      }
      const [rawBatch, rawPostgres, productBatch] = sides.map((side) => batchFigures(side.label, side.url, side.rounds, options)) as [IngestionFigures, IngestionFigures, IngestionFigures]
      const ratioOf = (base: IngestionFigures) => ({ throughput: productBatch.eventsPerSecond / base.eventsPerSecond, p50: productBatch.p50Ms / base.p50Ms, p99: productBatch.p99Ms / base.p99Ms })
      batches.push({ batchSize: size, concurrency: batchConcurrency, raw: rawBatch, rawPostgres, product: productBatch, ratio: ratioOf(rawBatch), ratioPostgres: ratioOf(rawPostgres), overSingle: productBatch.eventsPerSecond / product.eventsPerSecond })
    }
    const acknowledged = product.acknowledged + batches.reduce((sum, b) => sum + b.product.acknowledged, 0)
    const count = async () => {
      const [row] = await sql<{ stored: number; dispatched: number; first: Date | null; last: Date | null }[]>`
        select count(*)::int as stored, (count(*) filter (where dispatched_at is not null))::int as dispatched,
               min(received_at) as first, max(dispatched_at) as last
        from events where type = 'visit' and properties->>'referrer' = 'newsletter' and (client_id is null or client_id not like 'raw-%')`
      return row!
    }
    const counts = await count()
    if (counts.stored !== acknowledged) options.log(`ingestion: ${acknowledged} events acknowledged, but ${counts.stored} stored`)
    options.log(`ingestion: ${counts.dispatched} of ${counts.stored} events dispatched so far; waiting up to 2 minutes for the dispatcher to drain`)
    const drained = await pollUntil({
      read: count,
      done: (row) => row.dispatched >= row.stored,
      describe: (row) => `ingestion: ${row.dispatched} of ${row.stored} events dispatched`,
      log: options.log,
      intervalMs: 500,
      maxPolls: 240,
      reportMs: 5_000,
    })
    const dispatchMs = drained.value.first && drained.value.last ? drained.value.last.getTime() - drained.value.first.getTime() : null
    return {
      concurrency: options.concurrency,
      warmup: WARMUP,
      raw,
      product,
      ratio: { throughput: product.eventsPerSecond / raw.eventsPerSecond, p50: product.p50Ms / raw.p50Ms, p99: product.p99Ms / raw.p99Ms },
      events: { acknowledged, stored: counts.stored, dispatched: counts.dispatched },
      dispatch: {
        drained: drained.finished,
        dispatched: drained.value.dispatched,
        ms: dispatchMs,
        eventsPerSecond: drained.finished && dispatchMs ? perSecond(drained.value.dispatched, dispatchMs) : null,
      },
      batch: batches[0]!,
      batches,
    }
  } finally {
    server.closeAllConnections()
    await close()
  }
}
