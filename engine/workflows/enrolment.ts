import { condition, defineQuery, defineSignal, proxyActivities, proxyLocalActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow'
import type { CampaignActivities } from '../../activities'
import type { CampaignGraph } from '../campaign/graph'
import { findNodeType, type EnrolmentRef, type StepContext, type TrackedEvent } from '../nodes'

/** Input of one contact's run through one published campaign version. Versioned: add V2 rather than change V1. */
export interface EnrolmentInputV1 {
  enrolment: EnrolmentRef
  /** The published version's graph, normalised at publish: the enrolment keeps it even when a newer version goes live. */
  graph: CampaignGraph
  triggerEventId?: string
}

export interface EnrolmentPathEntry {
  nodeId: string
  visit: number
  enteredAt: string
  output?: string
}

export interface EnrolmentState {
  status: 'active' | 'completed' | 'exited'
  currentNodeId: string | null
  exitReason?: string
  path: EnrolmentPathEntry[]
}

export const trackedEventSignal = defineSignal<[TrackedEvent]>('trackedEvent')
export const enrolmentStateQuery = defineQuery<EnrolmentState>('enrolmentState')

const activities = proxyActivities<CampaignActivities>({
  startToCloseTimeout: '2 minutes',
  // The send activity heartbeats while the SMTP transaction runs, so a worker that dies mid-send is
  // noticed within seconds rather than after the start-to-close timeout.
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
})
const { recordStep } = proxyLocalActivities<CampaignActivities>({ startToCloseTimeout: '30 seconds' })

// A published graph has no loop without a wait, so this only stops a defect from spinning forever.
const MAX_STEPS_PER_RUN = 10_000

/** One contact in one campaign: walks the published graph node by node. Side effects: mails, step records (activities). */
export async function campaignEnrolment(input: EnrolmentInputV1): Promise<EnrolmentState> {
  const { enrolment, graph } = input
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]))
  const edges = new Map(graph.edges.map((edge) => [`${edge.source}/${edge.sourceHandle}`, edge.target]))
  const visits = new Map<string, number>()
  const state: EnrolmentState = { status: 'active', currentNodeId: null, path: [] }

  // Behaviour arrives as signals at any time; it is kept so a wait that starts later still sees a click
  // on the mail before it. The API may deliver an event twice (its outbox retries), hence the id check.
  const events: TrackedEvent[] = []
  const seenEventIds = new Set<string>()
  let attributionStart = 0
  setHandler(trackedEventSignal, (event) => {
    if (seenEventIds.has(event.eventId)) return
    seenEventIds.add(event.eventId)
    events.push(event)
  })
  setHandler(enrolmentStateQuery, () => state)

  const context = (nodeId: string, visit: number): StepContext => ({
    enrolment,
    nodeId,
    visit,
    activities,
    now: () => Date.now(),
    sleep: (ms) => sleep(ms),
    startMailAttribution: () => {
      attributionStart = events.length
    },
    waitForEvent: async (matches, timeoutMs) => {
      let found: TrackedEvent | null = null
      await condition(() => (found = events.slice(attributionStart).find(matches) ?? null) !== null, timeoutMs)
      return found
    },
  })

  let node = graph.nodes.find((candidate) => findNodeType(candidate.type)?.hasInput === false)
  for (let steps = 0; node && steps < MAX_STEPS_PER_RUN; steps++) {
    const type = findNodeType(node.type)
    if (!type?.step) throw new Error(`node ${node.id} has type ${node.type}, which has no workflow step`)
    const visit = (visits.get(node.id) ?? 0) + 1
    visits.set(node.id, visit)
    const entry: EnrolmentPathEntry = { nodeId: node.id, visit, enteredAt: new Date().toISOString() }
    state.currentNodeId = node.id
    state.path.push(entry)
    await recordStep({ enrolmentId: enrolment.enrolmentId, accountId: enrolment.accountId, nodeId: node.id, visit })

    const result = await type.step(node.config, context(node.id, visit))
    if ('end' in result) {
      state.status = 'completed'
      break
    }
    if ('exit' in result) {
      state.status = 'exited'
      state.exitReason = result.exit
      break
    }
    entry.output = result.next
    const target = edges.get(`${node.id}/${result.next}`)
    node = target === undefined ? undefined : nodes.get(target)
    // Publish refuses unconnected outputs; a graph from before that rule simply ends here.
    if (!node) state.status = 'completed'
  }
  if (state.status === 'active') {
    state.status = 'exited'
    state.exitReason = 'step_limit'
  }
  state.currentNodeId = null
  await activities.finishEnrolment({
    enrolmentId: enrolment.enrolmentId,
    accountId: enrolment.accountId,
    status: state.status,
    reason: state.exitReason ?? null,
    workflowRunId: workflowInfo().runId,
  })
  return state
}
