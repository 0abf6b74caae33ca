import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import nodemailer from 'nodemailer'
import type { Client } from '@temporalio/client'
import { SMTP_POOL_CONNECTIONS } from '../server/mail-transport'
import type { ReceivedMail } from '../server/smtp-sink'
import type { BenchSystem } from './infra'
import { cpuProfiler } from './cpu-account'
import { workflowTaskFigures, type WorkflowTaskFigures } from './worker-metrics'
import { cpuMeter, describeCpu, inFlight, loadAverage, now, percentile, pollUntil, type CpuByProcess } from './measure'

// Behaviour → branch: contacts wait in a "clicked within 1 day?" step after their first mail; each one's
// tracked link is clicked (as a browser would) and the time until the "clicked" branch's mail is in the
// SMTP sink is measured: tracking route → event stored → Temporal signal from the route (the dispatcher's
// round dispatches the event beside the path, without signalling it again) → workflow task, which sends
// the mail step's mail in a local activity → SMTP. Raw: pooled,
// warmed-up nodemailer sending the same mails → sink arrival at the same concurrency, the last leg alone.

export interface BranchingOptions {
  contacts: number
  concurrency: number
  log: (message: string) => void
  /** The in-process worker's SDK metrics (bench/worker-metrics.ts); absent when workers run in their own processes. */
  workerMetricsUrl?: string
  /** A folder for a CPU profile of this process (app, in-process worker, SMTP sink, clicking client) during the clicks. */
  cpuProfile?: string
}

export interface LatencySummary {
  count: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

export interface BranchingResult {
  contacts: number
  concurrency: number
  load: [number, number, number]
  /** Click until the branch's mail arrived at the SMTP sink. */
  product: LatencySummary
  /** Click (event stored) until the dispatcher's round marked it dispatched (scored; signalled only where the route's signal did not reach), from Postgres' clock. */
  eventToSignal: LatencySummary
  /** nodemailer send until arrival at the sink. */
  raw: LatencySummary
  /**
   * Where the time goes, per click, from each stage's own timestamp (wall clock of this machine; Postgres
   * runs on it too): the tracking route storing the event; the signal (sent by the route right after the
   * commit), the workflow task and, in it, the mail step's send (enterMailStep, a local activity since
   * session 13), which records the "clicked" step first; the send's message row; its 'sending' mark
   * (consent, cap, render done); arrival at the sink. 'sent' is recorded after the relay's answer, so after
   * the arrival; the dispatcher's round (storedToDispatched) runs beside this path, no longer on it.
   */
  stages: Record<'clickToStored' | 'storedToStep' | 'stepToMessage' | 'messageToSending' | 'sendingToSink' | 'storedToDispatched', LatencySummary>
  /**
   * storedToStep split by every click's enrolment history (Temporal's clock, the same machine's): event
   * stored → the route's signal in the history → the workflow task that handles it started → the step
   * recorded by the send's local activity in it (taskStartedToStep) → that task completed, after the
   * mail's SMTP transaction. Enrolments from before session 13 sent in an activity task scheduled by that
   * workflow task: completed → that activity started → the step recorded by it.
   * `signalsPerClick`: the click's signals in the history (the route's, and the round's if it repeated it).
   */
  temporal: Record<'storedToSignalled' | 'signalledToTaskStarted' | 'taskStartedToStep' | 'taskStartedToCompleted' | 'taskCompletedToActivityStarted' | 'activityStartedToStep' | 'signalsPerClick', LatencySummary>
  /**
   * The one Node thread that runs the app, the dispatcher, the worker's activities and the SMTP sink,
   * while the clicks were measured: how busy it was (0–1) and how long callbacks waited for it.
   */
  eventLoop: { utilisation: number; delayP50Ms: number; delayP99Ms: number }
  /** The whole machine while the clicks were measured: how busy (0–1), and the CPU time by process. */
  machine: { busy: number; byProcess: CpuByProcess }
  /** The in-process worker's workflow tasks during the clicks, from the SDK's metrics (null with worker processes). */
  workerTasks: WorkflowTaskFigures | null
  /** One click as Temporal recorded it: each history event from the click's first signal to the send's start, ms after the signal. */
  clickHistory: { event: string; afterSignalMs: number }[]
}

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'

function branchGraph() {
  const node = (id: string, type: string, config: Record<string, unknown>, y: number) => ({ id, type, config, position: { x: 0, y } })
  return {
    nodes: [
      node('entry', 'trigger', { eventType: 'bench_branch', filter: {} }, 0),
      node('first', 'send_email', { template: 'onboarding-welcome' }, 120),
      node('wait-click', 'wait_for_event', { eventType: 'click', filter: {}, timeout: '1d' }, 240),
      node('clicked', 'send_email', { template: 'onboarding-care-tips' }, 360),
      node('end', 'end', {}, 480),
      node('end-silent', 'end', {}, 480),
    ],
    edges: [
      { id: 'e1', source: 'entry', sourceHandle: 'next', target: 'first' },
      { id: 'e2', source: 'first', sourceHandle: 'next', target: 'wait-click' },
      { id: 'e3', source: 'wait-click', sourceHandle: 'event', target: 'clicked' },
      { id: 'e4', source: 'wait-click', sourceHandle: 'timeout', target: 'end-silent' },
      { id: 'e5', source: 'clicked', sourceHandle: 'next', target: 'end' },
    ],
  }
}

/**
 * What Temporal did from the click's signal until the send (the send activity's start, or for today's
 * enrolments the commands of the workflow task that sent it in a local activity), from one enrolment's
 * history (server timestamps): how many workflow tasks and activity tasks lie on the path, and how long each took.
 */
export async function historyOfClick(client: Client, workflowId: string): Promise<{ event: string; afterSignalMs: number }[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory()
  const events = history.events ?? []
  const signalled = events.findIndex((event) => event.workflowExecutionSignaledEventAttributes)
  if (signalled < 0) return []
  const at = (event: (typeof events)[number]) => Number(event.eventTime?.seconds ?? 0) * 1000 + Math.round((event.eventTime?.nanos ?? 0) / 1e6)
  const start = at(events[signalled]!)
  const steps: { event: string; afterSignalMs: number }[] = []
  let completed = false
  let localActivity = false
  for (const event of events.slice(signalled)) {
    if (completed && event.workflowTaskScheduledEventAttributes && localActivity) break
    completed ||= Boolean(event.workflowTaskCompletedEventAttributes)
    const kind = Object.keys(event).find((key) => key.endsWith('EventAttributes') && (event as Record<string, unknown>)[key]) ?? 'unknown'
    const activity = event.activityTaskScheduledEventAttributes?.activityType?.name
    const marker = event.markerRecordedEventAttributes?.markerName
    localActivity ||= marker === 'core_local_activity'
    steps.push({ event: kind.replace(/EventAttributes$/, '') + (activity ? ` ${activity}` : marker ? ` ${marker}` : ''), afterSignalMs: at(event) - start })
    if (event.activityTaskStartedEventAttributes || event.activityTaskCompletedEventAttributes) break
  }
  return steps
}

/** One click's way through Temporal, as server timestamps (ms since the epoch) from its enrolment's history. */
interface ClickInTemporal {
  signalled: number
  taskStarted?: number
  taskCompleted?: number
  activityStarted?: number
  signals: number
}

async function clickInTemporal(client: Client, workflowId: string): Promise<ClickInTemporal | null> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? []
  const at = (event: (typeof events)[number]) => Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6
  const first = events.findIndex((event) => event.workflowExecutionSignaledEventAttributes)
  if (first < 0) return null
  const after = events.slice(first)
  const started = after.find((event) => event.workflowTaskStartedEventAttributes)
  const completed = after.find((event) => event.workflowTaskCompletedEventAttributes)
  const activity = after.find((event) => event.activityTaskStartedEventAttributes)
  return {
    signalled: at(events[first]!),
    taskStarted: started && at(started),
    taskCompleted: completed && at(completed),
    activityStarted: activity && at(activity),
    signals: after.filter((event) => event.workflowExecutionSignaledEventAttributes).length,
  }
}

const summary = (values: number[]): LatencySummary => ({ count: values.length, p50Ms: percentile(values, 50), p99Ms: percentile(values, 99), maxMs: Math.max(...values) })

export async function runBranching(bench: BenchSystem, options: BranchingOptions): Promise<BranchingResult> {
  const { log, contacts: count, concurrency } = options
  const load = loadAverage()
  const { sql } = bench.system
  const sink = bench.system.sink
  if (!sink) throw new Error('the branching benchmark needs the built-in SMTP sink')
  const created = await bench.api('/api/campaigns', { body: { name: 'Bench behaviour branch', kind: 'custom', graph: branchGraph() } })
  if (created.status !== 201) throw new Error(`creating the branching campaign: ${created.status} ${JSON.stringify(created.body)}`)
  const published = await bench.api(`/api/campaigns/${created.body.id}/publish`, { method: 'POST' })
  if (published.status !== 201) throw new Error(`publishing the branching campaign: ${published.status} ${JSON.stringify(published.body)}`)
  const campaignId = created.body.id as string

  const accountId = bench.system.demoAccountId!
  const [subsidiary] = await sql<{ id: string }[]>`select id from subsidiaries where account_id = ${accountId} and code = 'DE'`
  const emails = Array.from({ length: count }, (_, i) => `branch-${i}@bench.example`)
  await sql`insert into contacts ${sql(emails.map((email) => ({ account_id: accountId, subsidiary_id: subsidiary!.id, email, first_name: 'Klick', consent_status: 'granted', consent_source: 'benchmark', consent_at: new Date() })))}`
  for (let from = 0; from < count; from += 500) {
    const posted = await bench.api('/api/events', { body: { events: emails.slice(from, from + 500).map((email) => ({ type: 'bench_branch', contact: { email } })) } })
    if (posted.status !== 202) throw new Error(`enrolling through events: ${posted.status} ${JSON.stringify(posted.body)}`)
  }
  const isFirst = (mail: ReceivedMail) => mail.to[0]!.startsWith('branch-') && mail.messageId.includes('.first.')
  log(`branching: ${count} contacts enrolled; waiting for their first mail and the click step`)
  const waiting = await pollUntil({
    read: async () => (await sql<{ n: number }[]>`
      select count(*)::int as n from enrolment_steps s join enrolments e on e.id = s.enrolment_id
      where e.campaign_id = ${campaignId} and s.node_id = 'wait-click'`)[0]!.n,
    done: (n) => n >= count && sink.mails().filter(isFirst).length >= count,
    describe: (n) => `branching: ${n}/${count} waiting for a click`,
    log,
    intervalMs: 250,
    maxPolls: 2_400,
  })
  if (!waiting.finished) throw new Error(`only ${waiting.value} of ${count} enrolments reached the click step in 10 minutes`)

  const firstMails = new Map(sink.mails().filter(isFirst).map((mail) => [mail.to[0]!, mail]))
  const latencies: number[] = []
  const clickedAt = new Map<string, number>()
  const arrivedAt = new Map<string, number>()
  log(`branching: clicking ${count} tracked links, ${concurrency} at a time`)
  const loopDelay = monitorEventLoopDelay({ resolution: 5 })
  loopDelay.enable()
  const loopBefore = performance.eventLoopUtilization()
  const cpu = cpuMeter()
  const tasks = options.workerMetricsUrl ? await workflowTaskFigures(options.workerMetricsUrl, bench.taskQueue) : null
  const profiler = cpuProfiler(options.cpuProfile)
  await profiler.start()
  await profiler.resume()
  await inFlight(count, concurrency, async (i) => {
    const email = emails[i]!
    const token = firstMails.get(email)!.html.match(/\/t\/c\/([A-Za-z0-9._~-]+)/)?.[1]
    if (!token) throw new Error(`no tracked link in ${email}'s first mail`)
    const arrived = sink.waitFor((mail) => mail.to[0] === email && mail.messageId.includes('.clicked.'), 1, 60_000)
    const began = now()
    clickedAt.set(email, Date.now())
    const response = await fetch(`${bench.baseUrl}/t/c/${token}`, { redirect: 'manual', headers: { 'user-agent': BROWSER } })
    if (response.status !== 302) throw new Error(`the tracked link answered ${response.status}`)
    await arrived
    arrivedAt.set(email, Date.now())
    latencies.push(now() - began)
  })
  const machine = { busy: cpu.busy(), byProcess: cpu.byProcess() }
  await profiler.pause('branching-clicks')
  profiler.stop()
  const workerTasks = (await tasks?.stop()) ?? null
  if (workerTasks) log(`branching: the worker's ${workerTasks.tasks} workflow tasks during the clicks: held by the worker ${workerTasks.executionMeanMs.toFixed(0)} ms, waited for its poll ${workerTasks.scheduleToStartMeanMs.toFixed(0)} ms (means, the SDK's metrics)`)
  log(`branching: machine ${(machine.busy * 100).toFixed(0)} % busy during the clicks; ${describeCpu(machine.byProcess, count, 'click')}`)
  const eventLoop = { utilisation: performance.eventLoopUtilization(loopBefore).utilization, delayP50Ms: loopDelay.percentile(50) / 1e6, delayP99Ms: loopDelay.percentile(99) / 1e6 }
  loopDelay.disable()
  log(`branching: event loop ${(eventLoop.utilisation * 100).toFixed(0)} % busy during the clicks, callbacks waited p50 ${eventLoop.delayP50Ms.toFixed(1)} / p99 ${eventLoop.delayP99Ms.toFixed(1)} ms`)
  const stageRows = await sql<{ email: string; workflow_id: string; received: Date; dispatched: Date | null; step: Date | null; message: Date | null; sending: Date | null }[]>`
    select c.email, n.workflow_id, e.received_at as received, e.dispatched_at as dispatched, s.entered_at as step,
           m.created_at as message, m.sending_at as sending
    from events e join contacts c on c.id = e.contact_id
    join enrolments n on n.contact_id = c.id and n.campaign_id = ${campaignId}
    left join enrolment_steps s on s.enrolment_id = n.id and s.node_id = 'clicked'
    left join messages m on m.enrolment_id = n.id and m.node_id = 'clicked'
    where e.type = 'click' and c.email like 'branch-%@bench.example'`
  const gap = (from: Date | number | null | undefined, to: Date | number | null | undefined) =>
    from == null || to == null ? [] : [Number(to) - Number(from)]
  const stages: BranchingResult['stages'] = {
    clickToStored: summary(stageRows.flatMap((r) => gap(clickedAt.get(r.email), r.received))),
    storedToStep: summary(stageRows.flatMap((r) => gap(r.received, r.step))),
    stepToMessage: summary(stageRows.flatMap((r) => gap(r.step, r.message))),
    messageToSending: summary(stageRows.flatMap((r) => gap(r.message, r.sending))),
    sendingToSink: summary(stageRows.flatMap((r) => gap(r.sending, arrivedAt.get(r.email)))),
    storedToDispatched: summary(stageRows.flatMap((r) => gap(r.received, r.dispatched))),
  }
  for (const [stage, figures] of Object.entries(stages)) log(`branching: stage ${stage}: p50 ${figures.p50Ms.toFixed(0)} ms, p99 ${figures.p99Ms.toFixed(0)} ms`)
  const paths: { row: (typeof stageRows)[number]; click: ClickInTemporal }[] = []
  await inFlight(stageRows.length, 8, async (i) => {
    const click = await clickInTemporal(bench.system.client, stageRows[i]!.workflow_id)
    if (click) paths.push({ row: stageRows[i]!, click })
  })
  const temporal: BranchingResult['temporal'] = {
    storedToSignalled: summary(paths.flatMap(({ row, click }) => gap(row.received, click.signalled))),
    signalledToTaskStarted: summary(paths.flatMap(({ click }) => gap(click.signalled, click.taskStarted))),
    taskStartedToStep: summary(paths.flatMap(({ row, click }) => (click.activityStarted === undefined ? gap(click.taskStarted, row.step) : []))),
    taskStartedToCompleted: summary(paths.flatMap(({ click }) => gap(click.taskStarted, click.taskCompleted))),
    taskCompletedToActivityStarted: summary(paths.flatMap(({ click }) => gap(click.taskCompleted, click.activityStarted))),
    activityStartedToStep: summary(paths.flatMap(({ row, click }) => gap(click.activityStarted, row.step))),
    signalsPerClick: summary(paths.map(({ click }) => click.signals)),
  }
  for (const [stage, figures] of Object.entries(temporal)) log(`branching: temporal ${stage}: p50 ${figures.p50Ms.toFixed(0)}, p99 ${figures.p99Ms.toFixed(0)}, max ${figures.maxMs.toFixed(0)}`)
  const [sampled] = await sql<{ workflow_id: string }[]>`
    select n.workflow_id from enrolments n join contacts c on c.id = n.contact_id
    where n.campaign_id = ${campaignId} and c.email = ${emails[Math.floor(count / 2)]!}`
  const clickHistory = sampled ? await historyOfClick(bench.system.client, sampled.workflow_id) : []
  for (const step of clickHistory) log(`branching: history of one click: +${step.afterSignalMs} ms ${step.event}`)
  const signalled = await sql<{ ms: number }[]>`
    select extract(epoch from (e.dispatched_at - e.received_at)) * 1000 as ms
    from events e join contacts c on c.id = e.contact_id
    where e.type = 'click' and c.email like 'branch-%@bench.example' and e.dispatched_at is not null`

  log(`branching: raw nodemailer → sink latency, ${count} mails, ${concurrency} at a time`)
  // Fair in both directions: the raw side sends the very mails the product's branch sent (the care tips,
  // not the shorter welcome mail), and its pool is warm before timing starts, as the product's is by the
  // first mails (a cold pool's connection set-up was most of the raw p99 at 100 mails).
  const clickedMails = sink.mails().filter((mail) => mail.to[0]!.startsWith('branch-') && mail.messageId.includes('.clicked.'))
  const transport = nodemailer.createTransport({ url: sink.url, pool: true, maxConnections: SMTP_POOL_CONNECTIONS, maxMessages: Infinity })
  const raw: number[] = []
  try {
    const rawMail = (i: number, messageId: string) => {
      const mail = clickedMails[i % clickedMails.length]!
      return { from: 'news@kessler-hydraulik.example', to: `raw-branch-${i}@bench.example`, subject: mail.subject, html: mail.html, text: mail.text, messageId }
    }
    await inFlight(SMTP_POOL_CONNECTIONS, SMTP_POOL_CONNECTIONS, async (i) => {
      const messageId = `<raw-branch-warm-${i}@bench.example>`
      const arrived = sink.waitFor((mail) => mail.messageId === messageId, 1, 60_000)
      await transport.sendMail(rawMail(i, messageId))
      await arrived
    })
    await inFlight(count, concurrency, async (i) => {
      const messageId = `<raw-branch-${i}@bench.example>`
      const arrived = sink.waitFor((mail) => mail.messageId === messageId, 1, 60_000)
      const began = now()
      await transport.sendMail(rawMail(i, messageId))
      await arrived
      raw.push(now() - began)
    })
  } finally {
    transport.close()
  }
  const result = { contacts: count, concurrency, load, product: summary(latencies), eventToSignal: summary(signalled.map((row) => Number(row.ms))), raw: summary(raw), stages, temporal, eventLoop, machine, workerTasks, clickHistory }
  log(`branching: click → next mail p50 ${result.product.p50Ms.toFixed(0)} ms, p99 ${result.product.p99Ms.toFixed(0)} ms; event → signal p50 ${result.eventToSignal.p50Ms.toFixed(0)} ms, p99 ${result.eventToSignal.p99Ms.toFixed(0)} ms`)
  return result
}
