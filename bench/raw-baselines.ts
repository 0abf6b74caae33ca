import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Client, Connection } from '@temporalio/client'
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker'
import nodemailer from 'nodemailer'
import { SMTP_POOL_CONNECTIONS } from '../server/mail-transport'
import type { Cleanup, BenchSystem } from './infra'
import { cpuMeter, describeCpu, inFlight, now, perSecond, pollUntil, type CpuByProcess } from './measure'

// The raw tools under the enrolment benchmark, measured in the same run on the same servers: the Temporal
// client and a worker running a workflow that does nothing, and nodemailer sending to the product's SMTP sink.

export interface RawBaselineOptions {
  /** Empty workflows started. */
  contacts: number
  concurrency: number
  rawMails: number
  timeoutMs: number
  log: (message: string) => void
}

export interface RawTemporalResult {
  workflows: number
  concurrency: number
  startMs: number
  startsPerSecond: number
  /** Until visibility counted every workflow completed (polled every 250 ms). */
  completeMs: number | null
  completionsPerSecond: number | null
  /** Share of the machine's CPU time used from the first start to the last completion. */
  cpuBusy: number
  /** The machine's CPU time over the same span, by process (Temporal server, Postgres, Node). */
  cpuByProcess: CpuByProcess
}

export interface RawMailResult {
  mails: number
  concurrency: number
  ms: number
  mailsPerSecond: number
  bytesPerMail: number
  cpuBusy: number
}

const EMPTY_WORKFLOW = fileURLToPath(new URL('./empty-workflow.ts', import.meta.url))

/** Bundles bench/empty-workflow.ts on its own (webpack, a few seconds). */
export async function bundleEmptyWorkflow(): Promise<{ code: string }> {
  const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) }
  const { code } = await bundleWorkflowCode({ workflowsPath: EMPTY_WORKFLOW, logger: quiet })
  return { code }
}

/** N empty workflows started with the Temporal client, `concurrency` in flight, while a worker completes them. */
export async function runRawTemporal(options: RawBaselineOptions & { temporalAddress: string; emptyBundle: { code: string }; cleanup: Cleanup }): Promise<RawTemporalResult> {
  const { log, contacts: count, concurrency } = options
  const taskQueue = `bench-empty-${randomUUID()}`
  const connection = await Connection.connect({ address: options.temporalAddress })
  const client = new Client({ connection })
  const workerConnection = await NativeConnection.connect({ address: options.temporalAddress })
  const worker = await Worker.create({ connection: workerConnection, taskQueue, workflowBundle: options.emptyBundle })
  const running = worker.run()
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    worker.shutdown()
    await running
    await workerConnection.close()
    await connection.close()
  }
  options.cleanup.add('empty-workflow worker', stop)
  try {
    log(`raw Temporal: starting ${count} empty workflows, ${concurrency} in flight, worker running`)
    const cpu = cpuMeter()
    const began = now()
    let started = 0
    await inFlight(count, concurrency, async (i) => {
      await client.workflow.start('benchEmptyWorkflow', { taskQueue, workflowId: `${taskQueue}-${i}`, args: [] })
      if (++started % Math.max(1, Math.floor(count / 5)) === 0) log(`raw Temporal: ${started}/${count} started`)
    })
    const startMs = now() - began
    const query = `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Completed"`
    const polled = await pollUntil({
      read: async () => (await client.workflow.count(query)).count,
      done: (completed) => completed >= count,
      describe: (completed) => `raw Temporal: ${completed}/${count} completed`,
      log,
      intervalMs: 250,
      maxPolls: Math.ceil(options.timeoutMs / 250),
    })
    const completeMs = polled.finished ? now() - began : null
    const result = {
      cpuBusy: cpu.busy(),
      cpuByProcess: cpu.byProcess(),
      workflows: count,
      concurrency,
      startMs,
      startsPerSecond: perSecond(count, startMs),
      completeMs,
      completionsPerSecond: completeMs === null ? null : perSecond(count, completeMs),
    }
    log(`raw Temporal: ${result.startsPerSecond.toFixed(0)} starts/s, ${result.completionsPerSecond?.toFixed(0) ?? '–'} completions/s; ${describeCpu(result.cpuByProcess, count, 'workflow, to done')}`)
    return result
  } finally {
    await stop()
  }
}

/** One product-rendered mail sent `rawMails` times by pooled nodemailer (as many connections as the product's transport), to the product's SMTP sink. */
export async function runRawMail(bench: BenchSystem, options: RawBaselineOptions): Promise<RawMailResult> {
  const { log, rawMails: count, concurrency } = options
  const sink = bench.system.sink
  if (!sink) throw new Error('the raw mail baseline needs the built-in SMTP sink')
  const mail = await bench.system.renderer.render({
    templateId: 'onboarding-welcome',
    subsidiary: { code: 'DE', locale: 'de', name: 'Kessler Hydraulik GmbH' },
    contact: { email: 'raw@bench.example', firstName: 'Jonas', lastName: 'Becker', salutation: 'mr', company: 'Becker Maschinenbau GmbH', attributes: {} },
    variables: { event: { product: 'HydroStat 2000' } },
    trackLink: (url) => `${bench.baseUrl}/t/c/${'x'.repeat(200)}?u=${encodeURIComponent(url).length}`,
    openPixelUrl: `${bench.baseUrl}/t/o/${'x'.repeat(180)}`,
    unsubscribeUrl: `${bench.baseUrl}/u/${'x'.repeat(140)}`,
  })
  const transport = nodemailer.createTransport({ url: sink.url, pool: true, maxConnections: SMTP_POOL_CONNECTIONS, maxMessages: Infinity })
  try {
    log(`raw nodemailer: ${count} mails to the SMTP sink, ${concurrency} in flight`)
    const cpu = cpuMeter()
    const began = now()
    await inFlight(count, concurrency, async (i) => {
      await transport.sendMail({
        from: '"Kessler Hydraulik" <news@kessler-hydraulik.example>',
        to: `raw-${i}@bench.example`,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: `<raw-${i}@bench.example>`,
        headers: { 'List-Unsubscribe': `<${bench.baseUrl}/u/${'x'.repeat(140)}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      })
    })
    const ms = now() - began
    log(`raw nodemailer: ${perSecond(count, ms).toFixed(0)} mails/s`)
    return { mails: count, concurrency, ms, mailsPerSecond: perSecond(count, ms), bytesPerMail: mail.html.length + mail.text.length, cpuBusy: cpu.busy() }
  } finally {
    transport.close()
  }
}
