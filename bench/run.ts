import { execFileSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, platform, release, totalmem } from 'node:os'
import { dirname, resolve } from 'node:path'
import { bundleCampaignWorkflows, installWorkerRuntime, type CampaignWorkflowBundle } from '../server/campaign-worker'
import { findTemporalCli, startTemporalDevServer } from '../server/temporal-dev-server'
import { createTemplateRenderer } from '../templates/renderer'
import { runDesigner } from './designer'
import { runEnrolment } from './enrolment'
import { runHandover } from './handover'
import { runHistory } from './history'
import { freePort } from '../server/temporal-dev-server'
import { Cleanup, createBenchDatabase, startBenchSystem, waitForBackgroundWork, type BenchSystem } from './infra'
import { runIngestion } from './ingestion'
import { runMailing } from './mailing'
import { createLog, loadAverage, now } from './measure'
import { parseOptions, USAGE, type Benchmark, type BenchOptions } from './options'
import { bundleEmptyWorkflow } from './raw-baselines'
import { formatReport, type Results } from './report'
import { runRendering } from './rendering'
import { runSending } from './sending'
import { runBranching } from './branching'
import { runReporting } from './reporting'
import { runCrm } from './crm'

// `npm run bench`: each benchmark against real components it starts itself (a Temporal dev server on a free
// port, a throwaway Postgres database or in-memory PGlite, the product with its SMTP sink), the product's
// figure beside the raw tool's measured in the same run. Prints a table and writes JSON (--out).
// Speed is measured here, never by timed assertions in tests.

async function main(): Promise<number> {
  let parsed: BenchOptions | 'help'
  try {
    parsed = parseOptions(process.argv.slice(2))
  } catch (error) {
    console.error((error as Error).message)
    return 2
  }
  if (parsed === 'help') {
    console.log(USAGE)
    return 0
  }
  const options = parsed
  // The SDK logs every worker state change at INFO; warnings are enough here too. Its metrics tell the
  // branching benchmark how long the in-process worker held each workflow task (bench/worker-metrics.ts);
  // served only then, so the other benchmarks' workers record none. Before any connection or worker.
  const workerMetricsAddress = options.benchmarks.includes('branching') && !options.workerProcesses ? `127.0.0.1:${await freePort()}` : undefined
  installWorkerRuntime('WARN', { metricsAddress: workerMetricsAddress })
  const began = now()
  const log = createLog(began)
  const cleanup = new Cleanup()
  let interrupted = false
  // The first Ctrl-C stops the servers (the running benchmark then fails fast), skips the rest and reports
  // what was measured; a second one leaves at once.
  const interrupt = (signal: string) => {
    if (interrupted) process.exit(130)
    interrupted = true
    log(`${signal}: stopping what the benchmark started…`)
    void cleanup.run(log)
  }
  process.on('SIGINT', () => interrupt('SIGINT'))
  process.on('SIGTERM', () => interrupt('SIGTERM'))
  // A promise the product (which runs in this process) leaves unhandled would end the process and orphan the
  // servers; it is reported as a failure instead, and the run goes on to clean up.
  const unhandled: string[] = []
  process.on('unhandledRejection', (reason) => {
    const message = reason instanceof Error ? reason.message : String(reason)
    unhandled.push(message)
    log(`unhandled promise rejection (the product's or the benchmark's): ${message}`)
    if (reason instanceof Error && reason.stack) console.error(reason.stack)
  })

  const startedAt = new Date()
  const load: Record<string, [number, number, number]> = { start: loadAverage() }
  log(`benchmarks: ${options.benchmarks.join(', ')}; load average ${load.start!.join(', ')} on ${cpus().length} CPU(s)`)
  if (load.start![0] > cpus().length / 2) log('warning: the machine is busy (load average above half its CPUs); the figures will be skewed')

  const results: Results = { failures: [] }
  const wants = (benchmark: Benchmark) => options.benchmarks.includes(benchmark)
  const attempt = async <T>(benchmark: Benchmark, run: () => Promise<T>): Promise<T | undefined> => {
    if (interrupted) return undefined
    load[benchmark] = loadAverage()
    log(`── ${benchmark} (load average ${load[benchmark]!.join(', ')})`)
    try {
      return await run()
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      log(`${benchmark} failed: ${message}`)
      if (error instanceof Error && error.stack) console.error(error.stack)
      results.failures.push({ benchmark, error: message })
      return undefined
    }
  }

  let postgres = 'not used'
  const infrastructure: { temporal?: string } = {}
  try {
    // Bundled before anything is measured: webpack would take the CPU from the first benchmark.
    let workflowBundle: CampaignWorkflowBundle | undefined
    let emptyBundle: { code: string } | undefined
    if (wants('history') || wants('enrolment') || wants('ingestion') || wants('handover') || wants('designer') || wants('sending') || wants('branching') || wants('mailing')) {
      log('bundling the workflow code (product, and the empty workflow of the raw baseline)')
      ;[workflowBundle, emptyBundle] = await Promise.all([bundleCampaignWorkflows(), wants('enrolment') ? bundleEmptyWorkflow() : Promise.resolve(undefined)])
    }

    if (wants('rendering')) {
      results.rendering = await attempt('rendering', () =>
        runRendering({ template: options.template, recipients: options.recipients, mjmlRecipients: options.mjmlRecipients, log }),
      )
    }
    if (wants('history')) {
      results.history = await attempt('history', () =>
        runHistory({ workflowBundle: workflowBundle!, templateIds: new Set(createTemplateRenderer().templateIds()), horizon: options.horizon, log }),
      )
    }

    if (wants('reporting')) {
      results.reporting = await attempt('reporting', () =>
        runReporting({ contacts: options.reportContacts, touches: options.reportTouches, deals: options.reportDeals, campaigns: 50, requests: options.reportRequests, ingestEvents: 3000, log, cleanup }),
      )
    }

    if (wants('crm')) {
      results.crm = await attempt('crm', () =>
        runCrm({ contacts: options.crmContacts, pageSize: options.crmPageSize, direction: options.crmDirection, rawOutSample: options.crmRawOutSample, log, cleanup }),
      )
    }

    if (wants('enrolment') || wants('ingestion') || wants('handover') || wants('designer') || wants('sending') || wants('branching') || wants('mailing')) {
      let bench: BenchSystem | undefined
      let temporalAddress = ''
      const first = (['enrolment', 'ingestion', 'handover', 'designer', 'sending', 'branching', 'mailing'] as const).find(wants)!
      const started = await attempt(first, async () => {
        const port = await freePort()
        const cli = findTemporalCli(process.env.TEMPORAL_CLI)
        infrastructure.temporal = cli ? execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim() : undefined
        log(`starting a Temporal dev server on 127.0.0.1:${port} (in memory, headless)`)
        const temporal = await startTemporalDevServer({ cli: process.env.TEMPORAL_CLI, port })
        cleanup.add('Temporal dev server', temporal.stop)
        temporalAddress = temporal.address
        const database = await createBenchDatabase(process.env.DATABASE_URL)
        cleanup.add('benchmark database', database.drop)
        postgres = database.kind === 'postgres' ? `server from DATABASE_URL (throwaway database ${new URL(database.url).pathname.slice(1)})` : 'embedded PGlite (in memory)'
        const workers = options.workerProcesses ? `${options.workerProcesses} worker processes` : 'worker'
        log(`Postgres: ${postgres}; starting the product (migrations, SMTP sink, dispatcher, app, ${workers}, demo data)`)
        if (database.kind === 'pglite') log('note: PGlite serves one connection at a time; for figures that mean something about Postgres, set DATABASE_URL')
        bench = await startBenchSystem({ databaseUrl: database.url, temporalAddress, workflowBundle: workflowBundle!, cleanup, workerProcesses: options.workerProcesses, cpuProfileDir: options.cpuProfile })
        log(`product up at ${bench.baseUrl}, task queue ${bench.taskQueue}`)
        return true
      })
      // Each benchmark starts once the product has caught up with what the ones before it left (nothing, for the first).
      const measured = async <T>(benchmark: Benchmark, run: () => Promise<T>): Promise<T | undefined> => {
        if (bench) await waitForBackgroundWork(bench, log)
        return attempt(benchmark, run)
      }
      if (started && bench) {
        if (wants('enrolment')) {
          const system = bench
          results.enrolment = await measured('enrolment', () =>
            runEnrolment(system, {
              contacts: options.contacts,
              paths: options.enrolPaths,
              firstStep: options.enrolFirstStep,
              concurrency: options.concurrency,
              rawMails: options.rawMails,
              timeoutMs: options.timeoutMs,
              log,
              temporalAddress,
              emptyBundle: emptyBundle!,
              cleanup,
            }),
          )
        }
        if (wants('ingestion')) {
          const system = bench
          results.ingestion = await measured('ingestion', () =>
            runIngestion(system, { events: options.events, batchEvents: options.batchEvents, batchRounds: options.batchRounds, concurrency: options.eventConcurrency, contacts: 500, cpuProfile: options.cpuProfile, log, cleanup }),
          )
        }
        if (wants('designer')) {
          const system = bench
          results.designer = await measured('designer', () => runDesigner(system, { nodes: options.designerNodes, log }))
        }
        if (wants('sending')) {
          const system = bench
          results.sending = await measured('sending', () => runSending(system, { mails: options.sendMails, concurrency: options.sendConcurrency, cpuProfile: options.cpuProfile, log }))
        }
        if (wants('branching')) {
          const system = bench
          results.branching = await measured('branching', () => runBranching(system, { contacts: options.branchContacts, concurrency: options.branchConcurrency, cpuProfile: options.cpuProfile, log, workerMetricsUrl: workerMetricsAddress && `http://${workerMetricsAddress}/metrics` }))
        }
        if (wants('handover')) {
          const system = bench
          results.handover = await measured('handover', () => runHandover(system, { contacts: options.handoverContacts, concurrency: options.handoverConcurrency, log }))
        }
        if (wants('mailing')) {
          const system = bench
          results.mailing = await measured('mailing', () => runMailing(system, { recipients: options.mailingRecipients, cpuProfile: options.cpuProfile, log }))
        }
      }
    }
  } finally {
    log('stopping servers and dropping the benchmark database')
    await cleanup.run(log)
  }

  for (const message of unhandled) results.failures.push({ benchmark: 'unhandled promise rejection', error: message })
  load.end = loadAverage()
  const finishedAt = new Date()
  const cpuList = cpus()
  const machine = {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()} ${release()}`,
    node: process.version,
    temporal: infrastructure.temporal ?? null,
    postgres,
    loadAverage: load,
  }
  console.log(`\n${formatReport(results, { load: { before: load.start!, after: load.end }, postgres, workerProcesses: options.workerProcesses })}`)
  const out = resolve(options.out)
  await mkdir(dirname(out), { recursive: true })
  const { failures, ...figures } = results
  await writeFile(out, `${JSON.stringify({ startedAt, finishedAt, seconds: Math.round((now() - began) / 1000), argv: process.argv.slice(2), options, machine, ...figures, failures }, null, 2)}\n`)
  log(`results written to ${out}`)
  return interrupted ? 130 : results.failures.length ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
