import { randomUUID } from 'node:crypto'
import { withMailStep } from '../activities/mail-step'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import proto from '@temporalio/proto'
import type { TestWorkflowEnvironment } from '@temporalio/testing'
import { Worker } from '@temporalio/worker'
import type { CampaignActivities } from '../activities'
import { parseDuration } from '../engine/campaign/duration'
import type { CampaignGraph } from '../engine/campaign/graph'
import { validateForPublish } from '../engine/campaign/validate'
import { onboardingGraph } from '../engine/examples/onboarding'
import type { ContactFacts } from '../engine/nodes/contact-facts'
import type { CampaignWorkflowBundle } from '../server/campaign-worker'
import { trackedEventSignal, type campaignEnrolment, type EnrolmentInputV1 } from '../engine/workflows/enrolment'
import { startTimeSkippingServer } from '../server/time-skipping-server'
import { now } from './measure'

// History per enrolment: one enrolment per example campaign (engine/examples/*.ts) and behaviour
// scenario, run by the production workflow on Temporal's time-skipping test server with activities that
// record instead of acting; then the history of every run of the workflow id is fetched and counted.

export interface HistoryOptions {
  workflowBundle: CampaignWorkflowBundle
  templateIds: ReadonlySet<string>
  /** Simulated time an enrolment may run at most (loops never end by themselves). */
  horizon: string
  log: (message: string) => void
}

export type Scenario = 'no_behaviour' | 'engaged'

const SCENARIOS: Record<Scenario, string> = {
  no_behaviour: 'opens and clicks nothing: every wait for behaviour times out',
  engaged: 'opens every mail and does whatever the campaign waits for (clicks with the tags it asks for) as soon as a mail is sent',
}

export interface HistoryRun {
  runId: string
  events: number
  continuedAsNew: boolean
}

export interface HistoryScenarioResult {
  example: string
  scenario: Scenario
  outcome: string
  /** Simulated time from entry to the last event. */
  simulatedDays: number
  mails: number
  runs: HistoryRun[]
  totalEvents: number
  maxEventsPerRun: number
  continuedAsNew: boolean
  eventTypes: Record<string, number>
  wallMs: number
}

export interface HistoryResult {
  horizon: string
  historyEventsPerRunLimit: number
  examples: string[]
  scenarios: Record<Scenario, string>
  results: HistoryScenarioResult[]
  /** Per example, the scenario with the most events: its longest path among those tried. */
  longest: HistoryScenarioResult[]
  invalid: { example: string; issues: string[] }[]
  /** Examples whose mail templates do not exist yet: validated as if they did (the simulation renders nothing). */
  missingTemplates: { example: string; templates: string[] }[]
}

const EXAMPLES_DIR = fileURLToPath(new URL('../engine/examples/', import.meta.url))
// engine/workflows/enrolment.ts continues as new after this many events (HISTORY_EVENTS_PER_RUN); not exported.
const HISTORY_EVENTS_PER_RUN = 2_000
const EVENT_TYPE_NAMES = proto.temporal.api.enums.v1.EventType as unknown as Record<number, string>

/**
 * Onboarding, and every example engine/examples/index.ts lists (exampleCampaigns), with their shipped
 * durations. Examples that start from a saved thing (a segment) get a made-up id: nothing here scans.
 */
async function loadExamples(): Promise<{ name: string; graph: CampaignGraph }[]> {
  const examples = [{ name: 'onboarding', graph: onboardingGraph() }]
  const index = join(EXAMPLES_DIR, 'index.ts')
  if (!existsSync(index)) return examples
  const module = (await import(pathToFileURL(index).href)) as { exampleCampaigns?: (deps: Record<string, string>) => { name?: string; kind: string; graph: CampaignGraph }[] }
  if (typeof module.exampleCampaigns !== 'function') return examples
  const ids = new Proxy({} as Record<string, string>, { get: (_, key) => (typeof key === 'string' && key.endsWith('Id') ? randomUUID() : undefined) })
  for (const example of module.exampleCampaigns(ids)) examples.push({ name: `${example.kind}: ${example.name ?? ''}`, graph: example.graph })
  return examples
}

export async function runHistory(options: HistoryOptions): Promise<HistoryResult> {
  const { log } = options
  const horizonMs = parseDuration(options.horizon)
  if (horizonMs === null) throw new Error(`--horizon ${options.horizon} is not a duration`)
  const examples = await loadExamples()
  log(`history: ${examples.length} example campaign(s): ${examples.map((e) => e.name).join(', ')}; starting the time-skipping test server`)
  const server = await startTimeSkippingServer()
  const env = server.env
  const results: HistoryScenarioResult[] = []
  const invalid: HistoryResult['invalid'] = []
  const missingTemplates: HistoryResult['missingTemplates'] = []
  try {
    for (const example of examples) {
      // Mail templates may not be written yet when an example is new; the history does not depend on them.
      const templates = example.graph.nodes.flatMap((node) => (node.type === 'send_email' ? [String((node.config as { template?: unknown }).template)] : []))
      const missing = [...new Set(templates.filter((id) => !options.templateIds.has(id)))]
      if (missing.length) {
        missingTemplates.push({ example: example.name, templates: missing })
        log(`history: ${example.name}: templates ${missing.join(', ')} do not exist yet; counted without them (no mail is rendered here)`)
      }
      const checked = validateForPublish(example.graph, { templateIds: new Set([...options.templateIds, ...missing]) })
      if (!checked.ok) {
        invalid.push({ example: example.name, issues: checked.issues.map((issue) => issue.message) })
        log(`history: ${example.name} does not publish (${checked.issues[0]?.message}); skipped`)
        continue
      }
      for (const scenario of Object.keys(SCENARIOS) as Scenario[]) {
        const result = await runScenario(env, example.name, checked.graph, scenario, horizonMs, options)
        log(`history: ${example.name}, ${scenario}: ${result.totalEvents} events in ${result.runs.length} run(s), ${result.mails} mail(s), ${result.outcome} after ${result.simulatedDays.toFixed(1)} simulated days`)
        results.push(result)
      }
    }
  } finally {
    await server.stop()
  }
  const longest = [...new Set(results.map((r) => r.example))].map((example) =>
    results.filter((r) => r.example === example).reduce((a, b) => (b.totalEvents > a.totalEvents ? b : a)),
  )
  return { horizon: options.horizon, historyEventsPerRunLimit: HISTORY_EVENTS_PER_RUN, examples: examples.map((e) => e.name), scenarios: SCENARIOS, results, longest, invalid, missingTemplates }
}

const DAY_MS = 86_400_000
const OFFSET = /^\s*([+-]?)(\d+)\s*([dwy])\s*$/
const offsetDays = (text: unknown) => {
  const match = typeof text === 'string' ? OFFSET.exec(text) : null
  return match ? (match[1] === '-' ? -1 : 1) * Number(match[2]) * { d: 1, w: 7, y: 365 }[match[3] as 'd' | 'w' | 'y'] : 0
}

/**
 * A contact that takes the long way: every attribute a condition compares with "equals" has that value,
 * every date a wait_until reads (with its offset) falls 60, 120, … days after entry, so date waits wait.
 */
function sampleFacts(graph: CampaignGraph, entryMs: number): ContactFacts {
  const attributes: Record<string, unknown> = {}
  let dates = 0
  for (const node of graph.nodes) {
    const config = node.config as { mode?: string; attribute?: unknown; offset?: unknown; rules?: unknown[]; branches?: { rules?: unknown[] }[] }
    if (node.type === 'wait_until' && config.mode === 'date' && typeof config.attribute === 'string') {
      attributes[config.attribute] = new Date(entryMs + (60 * ++dates - offsetDays(config.offset)) * DAY_MS).toISOString().slice(0, 10)
    }
    for (const rule of [...(config.rules ?? []), ...(config.branches ?? []).flatMap((branch) => branch.rules ?? [])]) {
      const r = rule as { kind?: string; attribute?: string; operator?: string; value?: unknown }
      if (r.kind === 'attribute' && r.attribute && r.operator === 'equals' && !(r.attribute in attributes)) attributes[r.attribute] = r.value
    }
  }
  return { attributes, tags: [], consent: 'granted', subsidiary: 'DE', timeZone: 'Europe/Berlin' }
}

/** The behaviour every wait_for_event of the graph waits for (type and required properties), and opens. */
function awaitedBehaviour(graph: CampaignGraph): { type: string; properties: Record<string, unknown> }[] {
  const wanted = new Map<string, { type: string; properties: Record<string, unknown> }>([['open', { type: 'open', properties: {} }]])
  for (const node of graph.nodes) {
    if (node.type !== 'wait_for_event') continue
    const config = node.config as { eventType: string; filter?: Record<string, unknown> }
    const behaviour = { type: config.eventType, properties: { ...config.filter } }
    wanted.set(JSON.stringify(behaviour), behaviour)
  }
  return [...wanted.values()]
}

async function runScenario(env: TestWorkflowEnvironment, example: string, graph: CampaignGraph, scenario: Scenario, horizonMs: number, options: HistoryOptions): Promise<HistoryScenarioResult> {
  const began = now()
  const taskQueue = `history-${randomUUID()}`
  const workflowId = `history-${randomUUID()}`
  const entryMs = await env.currentTimeMs()
  const facts = sampleFacts(graph, entryMs)
  const behaviour = awaitedBehaviour(graph)
  let mails = 0
  const activities: CampaignActivities = withMailStep({
    sendCampaignEmail: async (input) => {
      mails++
      if (scenario === 'engaged') {
        // Sent while the send is in flight: the step has started attributing behaviour to this mail.
        for (const { type, properties } of behaviour) {
          const event = { eventId: randomUUID(), type, properties: { ...properties, campaignId: input.campaignId, nodeId: input.nodeId }, occurredAt: new Date().toISOString() }
          await env.client.workflow.getHandle(workflowId).signal(trackedEventSignal, event)
        }
      }
      return { outcome: 'sent', messageId: `<history.${input.nodeId}.${input.visit}@bench.example>` }
    },
    recordStep: async () => {},
    finishEnrolment: async () => {},
    recordConversion: async () => {},
    requestHandover: async () => ({ handoverId: null }),
    loadContactFacts: async () => structuredClone(facts),
    updateContact: async (input) => {
      for (const [name, value] of Object.entries(input.setAttributes)) {
        if (value === null) delete facts.attributes[name]
        else facts.attributes[name] = value
      }
      facts.tags = [...new Set([...facts.tags, ...input.addTags])].filter((tag) => !input.removeTags.includes(tag))
    },
    callWebhook: async () => ({ outcome: 'delivered', status: 200 }),
  })
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, activities, workflowBundle: options.workflowBundle })
  const input: EnrolmentInputV1 = {
    enrolment: { enrolmentId: randomUUID(), accountId: 'bench-account', campaignId: 'bench-campaign', versionId: 'bench-version', contactId: 'bench-contact' },
    graph,
    // The time-skipping server has no custom search attributes.
    simulation: true,
  }
  const { outcome, runs, lastEventMs, eventTypes } = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start<typeof campaignEnrolment>('campaignEnrolment', { taskQueue, workflowId, args: [input] })
    await env.sleep(horizonMs)
    const description = await handle.describe()
    let outcome: string
    if (description.status.name === 'RUNNING') {
      await handle.terminate('benchmark horizon reached')
      outcome = `still running at the ${options.horizon} horizon`
    } else if (description.status.name === 'COMPLETED') {
      const state = await handle.result()
      outcome = `${state.status}${state.exitReason ? ` (${state.exitReason})` : ''}`
    } else outcome = description.status.name.toLowerCase()
    return { outcome, ...(await histories(env, workflowId, handle.firstExecutionRunId)) }
  })
  const totalEvents = runs.reduce((sum, run) => sum + run.events, 0)
  return {
    example,
    scenario,
    outcome,
    simulatedDays: (lastEventMs - entryMs) / 86_400_000,
    mails,
    runs,
    totalEvents,
    maxEventsPerRun: Math.max(...runs.map((run) => run.events)),
    continuedAsNew: runs.some((run) => run.continuedAsNew),
    eventTypes,
    wallMs: now() - began,
  }
}

/** The history of each run of the workflow id, following continue-as-new from the first run. */
async function histories(env: TestWorkflowEnvironment, workflowId: string, firstRunId: string) {
  const runs: HistoryRun[] = []
  const eventTypes: Record<string, number> = {}
  let lastEventMs = 0
  let runId: string | null = firstRunId
  // A chain can only be as long as the number of runs the horizon allows; 1,000 is far beyond any of them.
  for (let i = 0; runId && i < 1_000; i++) {
    const history: proto.temporal.api.history.v1.IHistory = await env.client.workflow.getHandle(workflowId, runId).fetchHistory()
    const events: proto.temporal.api.history.v1.IHistoryEvent[] = history.events ?? []
    for (const event of events) {
      const name = (EVENT_TYPE_NAMES[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '')
      eventTypes[name] = (eventTypes[name] ?? 0) + 1
    }
    const last: proto.temporal.api.history.v1.IHistoryEvent | undefined = events.at(-1)
    const seconds = last?.eventTime?.seconds
    if (seconds !== undefined && seconds !== null) lastEventMs = Math.max(lastEventMs, Number(seconds) * 1000)
    const next: string | null = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? null
    runs.push({ runId, events: events.length, continuedAsNew: next !== null })
    runId = next
  }
  return { runs, eventTypes, lastEventMs }
}
