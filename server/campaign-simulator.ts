import { randomUUID } from 'node:crypto'
import { withMailStep } from '../activities/mail-step'
import type { TestWorkflowEnvironment } from '@temporalio/testing'
import type { TimeSkippingServer } from './time-skipping-server'
import { Worker } from '@temporalio/worker'
import type { CampaignActivities } from '../activities'
import type { UpdateContactInput } from '../activities/contacts'
import type { MailContact, MailSubsidiary, TemplateRenderer } from '../templates/renderer'
import type { TemplateStore } from '../templates/template-store'
import { formatDuration, parseDuration } from '../engine/campaign/duration'
import type { CampaignGraph } from '../engine/campaign/graph'
import type { ContactFacts } from '../engine/nodes/contact-facts'
import { findNodeType } from '../engine/nodes'
import { bundleCampaignWorkflows, type CampaignWorkflowBundle } from './campaign-worker'
import { enrolmentStateQuery, trackedEventSignal, type campaignEnrolment, type EnrolmentState } from '../engine/workflows/enrolment'

/** The sample contact a simulation runs for: what conditions read and what the mail is rendered with. */
export interface SimulatedContact {
  id: string
  accountId: string
  facts: ContactFacts
  mail: MailContact
  subsidiary: MailSubsidiary
}

/** One scripted behaviour: "opens mail welcome on day 2" is `{ at: '2d', type: 'open', mail: 'welcome' }`. */
export interface ScriptedEvent {
  at: string
  type: string
  /** The send step whose mail the event concerns (opens, clicks). */
  mail?: string
  properties?: Record<string, string | number | boolean>
}

export interface SimulationRequest {
  campaignId: string
  /** A graph that passed validateForPublish (draft or published). */
  graph: CampaignGraph
  contact: SimulatedContact
  script: ScriptedEvent[]
  /** How much simulated time to run at most (loops never end by themselves). */
  horizon: string
  /** Properties of the event that started the enrolment (e.g. the product bought). */
  triggerProperties?: Record<string, unknown>
  /** The live version's pinned template versions; null or absent (a draft): the newest. */
  templatePins?: Record<string, number> | null
}

export interface TimelineEntry {
  /** Simulated time. */
  at: string
  /** Since the contact entered, e.g. "3 days". */
  offset: string
  kind: 'step' | 'mail' | 'event' | 'webhook' | 'contact_update' | 'outcome'
  nodeId?: string
  label: string
}

export interface SimulationResult {
  outcome: { status: EnrolmentState['status'] | 'still_running'; exitReason?: string }
  timeline: TimelineEntry[]
  mails: { nodeId: string; template: string; subject: string; at: string }[]
  /** Wall-clock time the simulation took. */
  tookMs: number
}

export interface CampaignSimulator {
  simulate(request: SimulationRequest): Promise<SimulationResult>
  stop(): Promise<void>
}

type Recorded = { kind: 'mail' | 'webhook' | 'contact_update'; nodeId: string; visit: number; label: string; template?: string; subject?: string }

/**
 * Runs a campaign for one sample contact with time skipped: the production workflow (`campaignEnrolment`)
 * on Temporal's time-skipping test server, with activities that record instead of acting: nothing is
 * sent, stored or called. Scripted behaviour arrives as the same signals the API sends. Each simulation
 * gets a test server of its own (a JVM, about a second to start): the server's clock only moves forward,
 * so a shared one would start every later simulation in the future, and date steps would misjudge
 * "today". Simulations run one at a time so that only one JVM runs at once.
 */
export function createCampaignSimulator(options: { renderer: TemplateRenderer; templateStore?: TemplateStore; startServer: () => Promise<TimeSkippingServer>; workflowBundle?: CampaignWorkflowBundle }): CampaignSimulator {
  let bundle: Promise<CampaignWorkflowBundle> | null = options.workflowBundle ? Promise.resolve(options.workflowBundle) : null
  let queue: Promise<unknown> = Promise.resolve()

  async function run(request: SimulationRequest): Promise<SimulationResult> {
    const began = Date.now()
    const server = await options.startServer()
    try {
      return await simulateOn(server.env, request, began)
    } finally {
      await server.stop()
    }
  }

  async function simulateOn(env: TestWorkflowEnvironment, request: SimulationRequest, began: number): Promise<SimulationResult> {
    const recorded: Recorded[] = []
    const facts: ContactFacts = structuredClone(request.contact.facts)
    const activities: CampaignActivities = withMailStep({
      sendCampaignEmail: async (input) => {
        const mail = await options.renderer.render({
          templateId: input.template,
          templates: (await options.templateStore?.set(request.contact.accountId, request.templatePins ?? null)) ?? undefined,
          subsidiary: request.contact.subsidiary,
          contact: { ...request.contact.mail, attributes: facts.attributes },
          variables: { event: request.triggerProperties ?? {} },
          unsubscribeUrl: 'https://unsubscribe.invalid/simulation',
        })
        recorded.push({ kind: 'mail', nodeId: input.nodeId, visit: input.visit, label: `mail “${mail.subject}”`, template: input.template, subject: mail.subject })
        return { outcome: 'sent', messageId: `<simulation.${input.nodeId}.${input.visit}>` }
      },
      recordStep: async () => {},
      finishEnrolment: async () => {},
      recordConversion: async () => {},
      loadContactFacts: async () => structuredClone(facts),
      updateContact: async (input: UpdateContactInput) => {
        for (const [name, value] of Object.entries(input.setAttributes)) {
          if (value === null) delete facts.attributes[name]
          else facts.attributes[name] = value
        }
        facts.tags = [...new Set([...facts.tags, ...input.addTags])].filter((tag) => !input.removeTags.includes(tag))
        // The update activity does not know its step; updates happen in path order, so assemble() pairs them.
        recorded.push({ kind: 'contact_update', nodeId: '', visit: 0, label: describeUpdate(input) })
      },
      callWebhook: async (input) => {
        recorded.push({ kind: 'webhook', nodeId: input.nodeId, visit: input.visit, label: `webhook ${input.method} ${input.url} (not called in a simulation)` })
        return { outcome: 'delivered', status: 200 }
      },
      // The handover step: nothing is handed to sales in a simulation; the outcome shows "handed_over".
      requestHandover: async () => ({ handoverId: null }),
    })
    const taskQueue = `simulation-${randomUUID()}`
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, activities, workflowBundle: await (bundle ??= bundleCampaignWorkflows()) })
    const events: TimelineEntry[] = []

    return worker.runUntil(async () => {
      const startedAt = await env.currentTimeMs()
      const handle = await env.client.workflow.start<typeof campaignEnrolment>('campaignEnrolment', {
        taskQueue,
        workflowId: `simulation-${randomUUID()}`,
        args: [
          {
            enrolment: { enrolmentId: randomUUID(), accountId: request.contact.accountId, campaignId: request.campaignId, versionId: 'simulation', contactId: request.contact.id },
            graph: request.graph,
            simulation: true,
          },
        ],
      })
      const script = [...request.script].sort((a, b) => parseDuration(a.at)! - parseDuration(b.at)!)
      for (const scripted of script) {
        const due = startedAt + parseDuration(scripted.at)!
        const now = await env.currentTimeMs()
        if (due > now) await env.sleep(due - now)
        const properties = { ...(scripted.mail ? { campaignId: request.campaignId, nodeId: scripted.mail } : {}), ...scripted.properties }
        let label = `${scripted.type}${scripted.mail ? ` (mail of step ${scripted.mail})` : ''}`
        try {
          await handle.signal(trackedEventSignal, { eventId: randomUUID(), type: scripted.type, properties, occurredAt: new Date(due).toISOString() })
        } catch {
          label += ': the contact had already left'
        }
        events.push({ at: new Date(due).toISOString(), offset: formatOffset(due - startedAt), kind: 'event', label })
      }
      const end = startedAt + parseDuration(request.horizon)!
      const now = await env.currentTimeMs()
      if (end > now) await env.sleep(end - now)

      const description = await handle.describe()
      // A query rather than result(): result() would let time skip on to the workflow's next timer, which
      // may lie years past the horizon (a yearly reminder), only to read what the query reads now.
      const state = await handle.query(enrolmentStateQuery)
      if (description.status.name === 'RUNNING') await handle.terminate('simulation horizon reached')
      return assemble(request, state, description.status.name === 'RUNNING', startedAt, recorded, events, began)
    })
  }

  return {
    simulate: (request) => {
      const result = queue.then(() => run(request))
      queue = result.catch(() => {})
      return result
    },
    stop: async () => {
      await queue
    },
  }
}

function assemble(request: SimulationRequest, state: EnrolmentState, stillRunning: boolean, startedAt: number, recorded: Recorded[], events: TimelineEntry[], began: number): SimulationResult {
  const nodes = new Map(request.graph.nodes.map((node) => [node.id, node]))
  const timeline: TimelineEntry[] = [...events]
  const mails: SimulationResult['mails'] = []
  const updates = recorded.filter((r) => r.kind === 'contact_update')
  for (const entry of state.path) {
    const node = nodes.get(entry.nodeId)
    const type = node && findNodeType(node.type)
    const at = Date.parse(entry.enteredAt)
    const base = { at: entry.enteredAt, offset: formatOffset(at - startedAt), nodeId: entry.nodeId }
    const config = type?.configSchema.safeParse(node!.config)
    const outputLabel = entry.output && config?.success ? type!.outputs(config.data).find((output) => output.id === entry.output)?.label : undefined
    const summary = config?.success ? type!.summary(config.data) : ''
    timeline.push({ ...base, kind: 'step', label: `${type?.label ?? node?.type ?? 'step'}: ${summary}${outputLabel ? ` → ${outputLabel}` : ''}` })
    const effects = recorded.filter((r) => r.kind !== 'contact_update' && r.nodeId === entry.nodeId && r.visit === entry.visit)
    if (node?.type === 'update_contact' && updates.length) effects.push(updates.shift()!)
    for (const effect of effects) {
      timeline.push({ ...base, kind: effect.kind, label: effect.label })
      if (effect.kind === 'mail') mails.push({ nodeId: entry.nodeId, template: effect.template!, subject: effect.subject!, at: entry.enteredAt })
    }
  }
  // Stable sort: at the same instant, a scripted event stays before the step it caused.
  timeline.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
  const outcome = stillRunning ? { status: 'still_running' as const } : { status: state.status, exitReason: state.exitReason }
  timeline.push({ at: '', offset: '', kind: 'outcome', label: stillRunning ? `still in the campaign after ${request.horizon}` : `${state.status}${state.exitReason ? ` (${state.exitReason})` : ''}` })
  return { outcome, timeline, mails, tookMs: Date.now() - began }
}

function describeUpdate(input: UpdateContactInput): string {
  const parts = [
    ...Object.entries(input.setAttributes).map(([name, value]) => (value === null ? `clear ${name}` : `set ${name} = ${value}`)),
    ...input.addTags.map((tag) => `add tag ${tag}`),
    ...input.removeTags.map((tag) => `remove tag ${tag}`),
  ]
  return `contact updated: ${parts.join(', ')}`
}

/** "2 days 3 hours", "45 minutes", "0 minutes". */
export function formatOffset(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
  ]
  const parts: string[] = []
  let rest = Math.max(0, Math.round(ms / 60_000) * 60_000)
  for (const [size, unit] of units) {
    const count = Math.floor(rest / size)
    rest -= count * size
    if (count) parts.push(formatDuration(`${count}${unit}`))
  }
  return parts.slice(0, 2).join(' ') || '0 minutes'
}
