import type { DesignerResult } from './designer'
import type { EnrolmentResult } from './enrolment'
import { handoverRows, type HandoverResult } from './handover'
import { mailingRows, type MailingBenchResult } from './mailing'
import type { HistoryResult } from './history'
import type { IngestionFigures, IngestionResult } from './ingestion'
import { formatNumber, type CpuByProcess } from './measure'
import type { RenderingResult } from './rendering'
import type { SendingResult } from './sending'
import type { BranchingResult } from './branching'
import type { ReportingResult } from './reporting'
import type { CrmBenchResult } from './crm'

// The printed summary: one line per figure, the product's beside the raw tool's from the same run.

export interface Results {
  rendering?: RenderingResult
  history?: HistoryResult
  enrolment?: EnrolmentResult
  ingestion?: IngestionResult
  designer?: DesignerResult
  handover?: HandoverResult
  sending?: SendingResult
  branching?: BranchingResult
  mailing?: MailingBenchResult
  reporting?: ReportingResult
  crm?: CrmBenchResult
  failures: { benchmark: string; error: string }[]
}

interface Row {
  benchmark: string
  measure: string
  product: string
  raw: string
  ratio: string
  /** Machine CPU busy while the product's and the raw figure were measured. */
  cpu: string
}

const times = (value: number | null | undefined) => (value === null || value === undefined || Number.isNaN(value) ? '–' : `${formatNumber(value)}×`)
const ratioOf = (product: number | null | undefined, raw: number | null | undefined) => (product == null || raw == null || raw === 0 ? null : product / raw)
const pct = (share: number | null | undefined) => (share === null || share === undefined || Number.isNaN(share) ? '–' : `${Math.round(share * 100)}%`)
const cpuPair = (product: number | null | undefined, raw: number | null | undefined) => `${pct(product)} / ${pct(raw)}`
/** CPU time per item by process, "Temporal server / Postgres / Node" in ms (results from before the split have none). */
const cpuSplit = (spent: CpuByProcess | undefined, items: number) =>
  spent ? [spent.temporalMs, spent.postgresMs, spent.nodeMs].map((ms) => formatNumber(ms / items)).join(' / ') : '–'
const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? '' : ` (${formatNumber(ms / 1000)} s)`)

function rows(results: Results): Row[] {
  const out: Row[] = []
  const { rendering, enrolment, ingestion, designer } = results
  if (designer) {
    const ms = (value: number) => `${formatNumber(value)} ms`
    out.push({
      benchmark: `designer, ${designer.nodes} steps`,
      measure: 'load ms vs empty canvas',
      product: ms(designer.product.loadMs),
      raw: ms(designer.raw.loadMs),
      ratio: times(designer.ratio.loadMs),
      cpu: '– / –',
    })
    out.push({
      benchmark: `designer, ${designer.nodes} steps`,
      measure: 'pan frame p50 / p95 ms vs empty canvas',
      product: `${formatNumber(designer.product.pan.p50)} / ${formatNumber(designer.product.pan.p95)}`,
      raw: `${formatNumber(designer.raw.pan.p50)} / ${formatNumber(designer.raw.pan.p95)}`,
      ratio: times(designer.ratio.p95),
      cpu: '– / –',
    })
  }
  if (rendering) {
    out.push({
      benchmark: `rendering "${rendering.template}"`,
      measure: 'personalised mails/s vs mjml2html per recipient',
      product: `${formatNumber(rendering.product.mailsPerSecond)} (${rendering.product.recipients})`,
      raw: `${formatNumber(rendering.raw.mailsPerSecond)} (${rendering.raw.recipients})`,
      ratio: times(rendering.ratio),
      cpu: cpuPair(rendering.product.cpuBusy, rendering.raw.cpuBusy),
    })
  }
  if (enrolment) {
    const { rawTemporal, rawMail } = enrolment
    for (const product of enrolment.product) {
      const label = `enrolment, ${product.path} (${formatNumber(product.contacts)}${enrolment.firstStep === 'wait' ? ', wait first' : ''})`
      out.push({
        benchmark: label,
        measure: 'enrolments/s vs empty-workflow starts/s',
        product: `${formatNumber(product.enrolmentsPerSecond)}${seconds(product.enrolledMs)}`,
        raw: `${formatNumber(rawTemporal.startsPerSecond)}${seconds(rawTemporal.startMs)}`,
        ratio: times(ratioOf(product.enrolmentsPerSecond, rawTemporal.startsPerSecond)),
        cpu: cpuPair(product.cpuBusy, rawTemporal.cpuBusy),
      })
      out.push({
        benchmark: label,
        measure: 'at first wait/s vs empty-workflow completions/s',
        product: `${formatNumber(product.reachedWaitPerSecond)}${seconds(product.reachedWaitMs)}`,
        raw: `${formatNumber(rawTemporal.completionsPerSecond)}${seconds(rawTemporal.completeMs)}`,
        ratio: times(ratioOf(product.reachedWaitPerSecond, rawTemporal.completionsPerSecond)),
        cpu: cpuPair(product.cpuBusy, rawTemporal.cpuBusy),
      })
      out.push({
        benchmark: label,
        measure: 'CPU ms per enrolment (to its wait) vs per empty workflow (to done): Temporal server / Postgres / Node (ratio: Temporal server)',
        product: cpuSplit(product.cpuByProcess, product.contacts),
        raw: cpuSplit(rawTemporal.cpuByProcess, rawTemporal.workflows),
        ratio: times(ratioOf(product.cpuByProcess?.temporalMs, rawTemporal.cpuByProcess?.temporalMs)),
        cpu: cpuPair(product.cpuBusy, rawTemporal.cpuBusy),
      })
      out.push({
        benchmark: label,
        measure: 'campaign mails/s vs nodemailer → sink',
        product: `${formatNumber(product.mails.mailsPerSecond)} (${formatNumber(product.mails.sent)})`,
        raw: `${formatNumber(rawMail.mailsPerSecond)} (${formatNumber(rawMail.mails)})`,
        ratio: times(ratioOf(product.mails.mailsPerSecond, rawMail.mailsPerSecond)),
        cpu: cpuPair(product.cpuBusy, rawMail.cpuBusy),
      })
    }
  }
  if (ingestion) {
    const label = `ingestion (${ingestion.concurrency} in flight)`
    out.push({
      benchmark: label,
      measure: 'POST /api/events/s vs bare express',
      product: formatNumber(ingestion.product.eventsPerSecond),
      raw: formatNumber(ingestion.raw.eventsPerSecond),
      ratio: times(ingestion.ratio.throughput),
      cpu: cpuPair(ingestion.product.cpuBusy, ingestion.raw.cpuBusy),
    })
    const cpu = cpuPair(ingestion.product.cpuBusy, ingestion.raw.cpuBusy)
    out.push({ benchmark: label, measure: 'latency p50 ms (ratio: × slower)', product: formatNumber(ingestion.product.p50Ms), raw: formatNumber(ingestion.raw.p50Ms), ratio: times(ingestion.ratio.p50), cpu })
    out.push({ benchmark: label, measure: 'latency p99 ms (ratio: × slower)', product: formatNumber(ingestion.product.p99Ms), raw: formatNumber(ingestion.raw.p99Ms), ratio: times(ingestion.ratio.p99), cpu })
    for (const batch of ingestion.batches ?? [ingestion.batch]) {
      const batchLabel = `ingestion (batches of ${batch.batchSize}, ${batch.concurrency} in flight)`
      const batchCpu = cpuPair(batch.product.cpuBusy, batch.raw.cpuBusy)
      if (batch.rawPostgres) {
        const pgCpu = cpuPair(batch.product.cpuBusy, batch.rawPostgres.cpuBusy)
        out.push({ benchmark: batchLabel, measure: 'events/s in batches vs postgres.js bulk insert (goal ≥ 10,000/s)', product: formatNumber(batch.product.eventsPerSecond), raw: formatNumber(batch.rawPostgres.eventsPerSecond), ratio: times(batch.ratioPostgres.throughput), cpu: pgCpu })
      }
      out.push({ benchmark: batchLabel, measure: 'events/s in batches vs bare express', product: formatNumber(batch.product.eventsPerSecond), raw: formatNumber(batch.raw.eventsPerSecond), ratio: times(batch.ratio.throughput), cpu: batchCpu })
      out.push({ benchmark: batchLabel, measure: 'batch latency p50 ms (ratio: × slower)', product: formatNumber(batch.product.p50Ms), raw: formatNumber(batch.raw.p50Ms), ratio: times(batch.ratio.p50), cpu: batchCpu })
      if (batch.rawPostgres?.load && batch.product.load) {
        const load = (f: IngestionFigures) => `${f.load.before.toFixed(1)}→${f.load.after.toFixed(1)}`
        out.push({ benchmark: batchLabel, measure: 'load average while timed (1 min, start→end)', product: load(batch.product), raw: load(batch.rawPostgres), ratio: '', cpu: '' })
      }
      if (batch.product.dispatchedMeanwhile !== undefined) {
        out.push({ benchmark: batchLabel, measure: 'product: events its dispatcher handed on meanwhile (no raw: marked dispatched)', product: formatNumber(batch.product.dispatchedMeanwhile), raw: '', ratio: '', cpu: '' })
      }
      out.push({ benchmark: batchLabel, measure: 'product: batch events/s over single events/s', product: `${batch.overSingle.toFixed(2)}×`, raw: '', ratio: '', cpu: '' })
    }
    out.push({
      benchmark: label,
      measure: 'dispatcher: events handed on/s (no raw)',
      product: ingestion.dispatch.drained ? `${formatNumber(ingestion.dispatch.eventsPerSecond)}${seconds(ingestion.dispatch.ms)}` : `${formatNumber(ingestion.dispatch.dispatched)} of ${formatNumber(ingestion.events.stored)} in 2 min`,
      raw: '',
      ratio: '',
      cpu: '',
    })
  }
  if (results.handover) out.push(...handoverRows(results.handover))
  if (results.branching) {
    const { branching: b } = results
    const label = `behaviour → branch (${b.contacts} clicks, ${b.concurrency} in flight, load ${b.load.join(', ')})`
    out.push({
      benchmark: label,
      measure: 'click → next mail in sink p50 / p99 ms vs nodemailer → sink',
      product: `${formatNumber(b.product.p50Ms)} / ${formatNumber(b.product.p99Ms)}`,
      raw: `${formatNumber(b.raw.p50Ms)} / ${formatNumber(b.raw.p99Ms)}`,
      ratio: times(ratioOf(b.product.p99Ms, b.raw.p99Ms)),
      cpu: '– / –',
    })
    if (b.machine) {
      out.push({ benchmark: label, measure: 'CPU ms per click while clicking: Temporal server / Postgres / Node (cpu: machine busy)', product: cpuSplit(b.machine.byProcess, b.contacts), raw: '', ratio: '', cpu: pct(b.machine.busy) })
    }
    out.push({ benchmark: label, measure: 'click stored → dispatcher round done p50 / p99 ms (no raw; the route signals first)', product: `${formatNumber(b.eventToSignal.p50Ms)} / ${formatNumber(b.eventToSignal.p99Ms)}`, raw: '', ratio: '', cpu: '' })
    if (b.stages) {
      const stage = (name: string, figures: { p50Ms: number; p99Ms: number }) =>
        out.push({ benchmark: label, measure: `stage ${name} p50 / p99 ms`, product: `${formatNumber(figures.p50Ms)} / ${formatNumber(figures.p99Ms)}`, raw: '', ratio: '', cpu: '' })
      stage('click → event stored', b.stages.clickToStored)
      stage('stored → "clicked" step entered (signal, workflow task, the mail step\'s send begun)', b.stages.storedToStep)
      stage('step → message row (inside the mail step\'s send)', b.stages.stepToMessage)
      stage('message row → sending (consent, cap, render)', b.stages.messageToSending)
      stage('sending → in the sink (SMTP)', b.stages.sendingToSink)
    }
    if (b.temporal) {
      const split = (name: string, figures: { p50Ms: number; p99Ms: number }) =>
        out.push({ benchmark: label, measure: `  stored → step: ${name} p50 / p99 ms`, product: `${formatNumber(figures.p50Ms)} / ${formatNumber(figures.p99Ms)}`, raw: '', ratio: '', cpu: '' })
      split('event stored → route\'s signal in the history', b.temporal.storedToSignalled)
      split('signal → workflow task started', b.temporal.signalledToTaskStarted)
      if (b.temporal.taskStartedToStep?.count) split('workflow task started → step recorded by its send (a local activity)', b.temporal.taskStartedToStep)
      split('workflow task started → completed (the mail sent in it)', b.temporal.taskStartedToCompleted)
      if (b.workerTasks) out.push({ benchmark: label, measure: `    of which the worker held it (mean of its ${b.workerTasks.tasks} tasks; their wait for its poll: ${formatNumber(b.workerTasks.scheduleToStartMeanMs)} ms)`, product: `${formatNumber(b.workerTasks.executionMeanMs)} (mean)`, raw: '', ratio: '', cpu: '' })
      if (b.temporal.taskCompletedToActivityStarted.count) split('task completed → mail step\'s activity started (enrolments from before session 13)', b.temporal.taskCompletedToActivityStarted)
      if (b.temporal.activityStartedToStep.count) split('activity started → step recorded', b.temporal.activityStartedToStep)
      out.push({ benchmark: label, measure: 'signals of the click per enrolment p50 / max (the route\'s, and repeats)', product: `${formatNumber(b.temporal.signalsPerClick.p50Ms)} / ${formatNumber(b.temporal.signalsPerClick.maxMs)}`, raw: '', ratio: '', cpu: '' })
    }
  }
  if (results.sending) {
    const { sending } = results
    out.push({
      benchmark: `sending (${sending.concurrency} in flight, ${sending.connections} SMTP connections, load ${sending.load[0]} → ${sending.loadAtEnd[0]})`,
      measure: 'send activity mails/s vs raw pooled nodemailer',
      product: `${formatNumber(sending.product.mailsPerSecond)} (${formatNumber(sending.mails)})`,
      raw: `${formatNumber(sending.raw.mailsPerSecond)} (${formatNumber(sending.mails)})`,
      ratio: times(sending.ratio),
      cpu: cpuPair(sending.product.cpuBusy, sending.raw.cpuBusy),
    })
  }
  if (results.mailing) out.push(...mailingRows(results.mailing))
  if (results.reporting) out.push(...reportingRows(results.reporting))
  if (results.crm) out.push(...crmRows(results.crm))
  return out
}

/** Columns in `right` are right-aligned (figures), the others left-aligned. */
function table(header: string[], body: string[][], right: ReadonlySet<number>): string {
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((row) => row[i]!.length)))
  const line = (cells: string[]) => cells.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')
}

export function formatReport(results: Results, machine: { load: { before: number[]; after: number[] }; postgres: string; workerProcesses?: number }): string {
  const parts: string[] = []
  const main = rows(results)
  if (main.length) {
    parts.push(
      table(['benchmark', 'measure', 'product', 'raw', 'product ÷ raw', 'CPU busy (product / raw)'], main.map((r) => [r.benchmark, r.measure, r.product, r.raw, r.ratio, r.cpu]), new Set([2, 3, 4, 5])),
    )
  }
  if (results.history) {
    const history = results.history
    parts.push(
      `history per enrolment (time-skipping server, horizon ${history.horizon}; continue-as-new after ${formatNumber(history.historyEventsPerRunLimit)} events):\n` +
        table(
          ['example', 'scenario', 'events', 'runs', 'max/run', 'continue-as-new', 'mails', 'outcome'],
          history.results.map((r) => [r.example, r.scenario, String(r.totalEvents), String(r.runs.length), String(r.maxEventsPerRun), r.continuedAsNew ? 'yes' : 'no', String(r.mails), `${r.outcome}, day ${formatNumber(r.simulatedDays)}`]),
          new Set([2, 3, 4, 6]),
        ),
    )
  }
  for (const failure of results.failures) parts.push(`${failure.benchmark} FAILED: ${failure.error}`)
  if (machine.workerProcesses) parts.push(`Workers: ${machine.workerProcesses} processes of their own (server/worker-main.ts), the app without one`)
  parts.push(`Postgres: ${machine.postgres}; load average before ${machine.load.before.join(', ')}, after ${machine.load.after.join(', ')}`)
  return parts.join('\n\n')
}

/** Dashboards against the 300 ms goal (ratio: p95 / 300 ms); ingestion with the aggregation against without it. */
function reportingRows(r: ReportingResult): Row[] {
  const label = `reporting (${formatNumber(r.scale.contacts)} contacts, ${formatNumber(r.scale.touches)} touches, ${formatNumber(r.scale.deals)} deals)`
  return [
    ...r.endpoints.map((e) => ({ benchmark: label, measure: `GET ${e.path.split('?')[0]}${e.path.includes('?') ? '?…' : ''} p50 / p95 ms (ratio: p95 / 300 ms goal)`, product: `${formatNumber(e.p50Ms)} / ${formatNumber(e.p95Ms)}`, raw: '300', ratio: times(e.p95Ms / 300), cpu: '' })),
    { benchmark: label, measure: 'events/s with aggregation vs without (ratio: share kept)', product: formatNumber(r.ingestion.withAggregation), raw: formatNumber(r.ingestion.withoutAggregation), ratio: times(r.ingestion.withAggregation / r.ingestion.withoutAggregation), cpu: '' },
    { benchmark: label, measure: 'deltas folded into touches and aggregates, events/s (one folder)', product: formatNumber(r.ingestion.foldedPerSecond), raw: '', ratio: '', cpu: '' },
    { benchmark: label, measure: 're-attribution after a model change, deals/s (six models)', product: formatNumber(r.recompute.dealsPerSecond), raw: '', ratio: '', cpu: '' },
  ]
}

/** CRM sync against BottleCRM's own REST API, each direction with the load average when it was measured. */
function crmRows(r: CrmBenchResult): Row[] {
  const label = (direction: string, load: number[]) => `crm sync ${direction} (${formatNumber(r.contacts)} contacts, page ${r.pageSize}, load ${load.join(', ')})`
  const rows: Row[] = [{
    benchmark: label('in', r.in.load),
    measure: 'records/s applied vs BottleCRM list walk/s',
    product: `${formatNumber(r.in.perSecond)} (${formatNumber(r.in.records)})`,
    raw: `${formatNumber(r.in.raw.perSecond)} (${formatNumber(r.in.raw.records)})`,
    ratio: times(r.in.ratio),
    cpu: '– / –',
  }]
  if (r.out) {
    rows.push({
      benchmark: label('out', r.out.load),
      measure: 'records/s pushed vs direct PATCH/s (same in flight)',
      product: `${formatNumber(r.out.perSecond)} (${formatNumber(r.out.records)}, ${r.out.errors} errors)`,
      raw: `${formatNumber(r.out.raw.perSecond)} (${formatNumber(r.out.raw.records)})`,
      ratio: times(r.out.ratio),
      cpu: '– / –',
    })
  }
  return rows
}
