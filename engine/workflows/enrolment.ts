import {
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow'
import type { StepActivities as CampaignActivities, RecordStepInput } from '../nodes/step-activities'
import type { CampaignGraph } from '../campaign/graph'
import { findNodeType, type EnrolmentRef, type StepContext, type StepResult, type TrackedEvent } from '../nodes'
import { eventReachesGoal, type GoalConfig } from '../nodes/goal'
import { NEXT } from '../nodes/node-type'
import { triggerNode } from '../nodes/trigger'
import { ENROLMENT_STEP } from '../search-attributes'
import { ENDING_EVENTS } from '../events/catalogue'

/** Input of one contact's run through one published campaign version. Versioned: add V2 rather than change V1. */
export interface EnrolmentInputV1 {
  enrolment: EnrolmentRef
  /** The published version's graph, normalised at publish: the enrolment keeps it even when a newer version goes live. */
  graph: CampaignGraph
  triggerEventId?: string
  /** Where a run that continued as new stands (absent on the first run). */
  carryOver?: EnrolmentCarryOver
  /** History events per run before continuing as new (default 2,000; tests use less). */
  historyEventsPerRun?: number
  /** A simulation runs on the time-skipping test server, which has no custom search attributes. */
  simulation?: boolean
  /**
   * EnrolmentStep as the start set it (engine/client.ts): the step after the trigger, which the first run
   * then upserts neither at the trigger nor at that step (behind patched(DECIDED_AS_RUN_STARTS)).
   */
  stepShownAtStart?: string
  /** The entry transaction recorded the trigger's step (migration 040): the first run does not record it again. */
  triggerStepRecorded?: boolean
}

export interface EnrolmentCarryOver {
  nodeId: string
  visits: Record<string, number>
  /** Behaviour since the latest mail: what a following wait may still react to. */
  events: TrackedEvent[]
  recentEventIds: string[]
  path: EnrolmentPathEntry[]
  runs: number
}

export interface EnrolmentPathEntry {
  nodeId: string
  visit: number
  enteredAt: string
  output?: string
}

export interface EnrolmentState {
  status: 'active' | 'completed' | 'exited' | 'converted'
  currentNodeId: string | null
  exitReason?: string
  /** The most recent steps (older ones are in Postgres, enrolment_steps). */
  path: EnrolmentPathEntry[]
}

interface Leaving {
  status: 'exited' | 'converted'
  reason: string
  goal?: { nodeId: string; event: TrackedEvent }
}

// exit: the contact leaves with the reason given (e.g. handed_over when sales takes the lead).
export type CampaignControl = { action: 'resume' } | { action: 'stop' } | { action: 'exit'; reason: string }

export const trackedEventSignal = defineSignal<[TrackedEvent]>('trackedEvent')
export const campaignControlSignal = defineSignal<[CampaignControl]>('campaignControl')
export const enrolmentStateQuery = defineQuery<EnrolmentState>('enrolmentState')

// A step's side effect is retried until it succeeds (a relay away for hours only delays its mails).
const STEP_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' }
const activities = proxyActivities<CampaignActivities>({
  startToCloseTimeout: '2 minutes',
  // An activity that waits on a slow call heartbeats, so a worker that dies meanwhile is noticed within
  // seconds rather than after the start-to-close timeout.
  heartbeatTimeout: '10 seconds',
  retry: STEP_RETRY,
})
const localActivities = proxyLocalActivities<CampaignActivities>({ startToCloseTimeout: '30 seconds' })
const { recordStep } = localActivities
// A mail step's send in the workflow task that reaches the step (MAIL_SENT_IN_TASK below), retried as the
// activity was. A local activity cannot heartbeat: a worker that dies mid-send is noticed when the workflow
// task times out (10 s), and the next worker's send settles the interrupted one by its Message-ID, as the
// activity's retry did (activities/send-campaign-email.ts).
const sendingLocalActivities = proxyLocalActivities<CampaignActivities>({ startToCloseTimeout: '2 minutes', retry: STEP_RETRY })

// Activities run to the end even when the contact leaves meanwhile: a mail half-sent is worse than
// one sent a moment after an unsubscribe, and the send log must record how it ended.
const shielded = (proxy: object) =>
  new Proxy(proxy, {
    get: (target, name: string) => (input: never) =>
      CancellationScope.nonCancellable(() => (target[name as keyof typeof target] as (input: never) => Promise<unknown>)(input)),
  }) as CampaignActivities
const shieldedActivities = shielded(activities)
const shieldedLocalActivities = shielded(localActivities)
const SENDS: ReadonlySet<string> = new Set<keyof CampaignActivities>(['enterMailStep', 'sendCampaignEmail'])
/** The step activities with the mail steps' sends as local activities, every other one as before. */
const sendingInTask = (() => {
  const sending = shielded(sendingLocalActivities)
  return new Proxy(shieldedActivities, { get: (target, name: string) => (SENDS.has(name) ? sending : target)[name as keyof CampaignActivities] })
})()

// A published graph has no loop without a wait, so this only stops a defect from spinning forever.
const MAX_STEPS_PER_RUN = 10_000
// Loyalty loops and yearly reminders run for years: a new run every so many events keeps each history small.
const HISTORY_EVENTS_PER_RUN = 2_000
const PATH_KEPT = 50
const RECENT_EVENT_IDS_KEPT = 500
// A resume signal may be missed (sent while the worker was away, before this wait began): look again now and then.
const PAUSE_RECHECK_MS = 6 * 3_600_000
// Session 9: a step whose node type records its own entry (a mail step: in the send's activity task) no
// longer gets the workflow's recordStep local activity first. Histories from before replay the old way:
// they ask this patch when they first reach such a step.
const STEP_RECORDS_OWN_ENTRY = 'step-records-own-entry'
// Session 11: every run asks its one patch as it starts, never after a local activity. A patch asked
// later (as STEP_RECORDS_OWN_ENTRY was, at the first mail step, right after the trigger's recordStep)
// breaks replay when the worker handed in the workflow task before that local activity's result reached
// the workflow (20 enrolments started at once and queried as they start show it): the marker then sits in
// the next task, and on replay the SDK hands the workflow the recorded result before it has read that
// task's markers, so patched() answers false and the history no longer replays (TMPRL1100 "Non-deprecated
// patch marker encountered ... no corresponding change command"; 17 of 20 runs in enrolment-replay). Such
// an enrolment is stuck at its next replay, e.g. after a worker restart.
// A run with this patch also follows what came with it:
// - mail steps record their own entry (STEP_RECORDS_OWN_ENTRY, no longer asked);
// - a first run whose start showed the step after the trigger (input.stepShownAtStart, engine/client.ts)
//   upserts EnrolmentStep neither at the trigger nor at that step: every upsert is a history event and a
//   visibility write the server makes while the starts behind this one wait;
// - when the entry recorded the trigger's step (input.triggerStepRecorded, migration 040), the first run
//   does not record it again, so its first workflow task runs no local activity.
const DECIDED_AS_RUN_STARTS = 'decided-as-run-starts'
// Session 12: everything DECIDED_AS_RUN_STARTS stands for, and the enrolment's end recorded by a local
// activity in the workflow task that ends it, not by an activity task and one more workflow task. The
// Temporal server's CPU bounds enrolment and branching on a shared machine (docs/benchmarks.md, session
// 12): in the branching benchmark this took the workflow tasks per click from 2.9 to 1.9 and the server's
// CPU per click from 34-36 to 22-26 ms. Asked first, as a run starts; a run that has it does not ask
// DECIDED_AS_RUN_STARTS (one marker per run).
const FINISHED_IN_LAST_TASK = 'finished-in-last-task'
// Session 13: everything FINISHED_IN_LAST_TASK stands for, and a mail step's send (enterMailStep,
// sendCampaignEmail) as a local activity in the workflow task that reaches the step, not as an activity
// task and one more workflow task for its result. A first mail and the wait after it are then decided in
// the run's first workflow task, a click's next mail in the task of the click's signal. Asked first, as a
// run starts; a run that has it asks no other patch (one marker per run).
const MAIL_SENT_IN_TASK = 'mail-sent-in-task'
// Which events end every enrolment, and with which reason, is the event catalogue's to say.
const LEAVING_EVENTS = ENDING_EVENTS

/** The step an enrolment's first run goes to from its trigger, which only leads on (engine/nodes/trigger.ts). */
export function stepAfterTrigger(graph: CampaignGraph): string | undefined {
  const entry = triggerNode(graph)
  return entry && graph.edges.find((edge) => edge.source === entry.id && edge.sourceHandle === NEXT.id)?.target
}

/**
 * One contact in one campaign: walks the published graph node by node. Side effects through activities:
 * mails (idempotency key: enrolment + step + pass), step records, the conversion when a goal is reached.
 * Leaves early when a goal is reached, the contact unsubscribes or bounces, or the campaign is stopped.
 */
export async function campaignEnrolment(input: EnrolmentInputV1): Promise<EnrolmentState> {
  const { enrolment, graph, carryOver } = input
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]))
  const edges = new Map(graph.edges.map((edge) => [`${edge.source}/${edge.sourceHandle}`, edge.target]))
  const goals = graph.nodes.filter((node) => findNodeType(node.type)?.category === 'goal')
  const visits = new Map(Object.entries(carryOver?.visits ?? {}))
  const state: EnrolmentState = { status: 'active', currentNodeId: null, path: carryOver?.path ?? [] }

  // Behaviour arrives as signals at any time; it is kept so a wait that starts later still sees a click
  // on the mail before it. The API may deliver an event twice (its outbox retries), hence the id check.
  const events: TrackedEvent[] = [...(carryOver?.events ?? [])]
  const seenEventIds = new Set(carryOver?.recentEventIds ?? [])
  let attributionStart = 0
  let leaving: Leaving | null = null
  // Signal handlers set `leaving`; reading it through a function keeps TypeScript from assuming it is still null.
  const leavingNow = (): Leaving | null => leaving
  let resumes = 0
  let stepScope: CancellationScope | null = null
  const leave = (reason: Leaving) => {
    if (leaving) return
    leaving = reason
    stepScope?.cancel()
  }

  setHandler(trackedEventSignal, (event) => {
    if (seenEventIds.has(event.eventId)) return
    seenEventIds.add(event.eventId)
    events.push(event)
    const goal = goals.find((node) => eventReachesGoal(node.config as GoalConfig, event))
    if (goal) leave({ status: 'converted', reason: 'goal_reached', goal: { nodeId: goal.id, event } })
    else if (LEAVING_EVENTS[event.type]) leave({ status: 'exited', reason: LEAVING_EVENTS[event.type]! })
  })
  setHandler(campaignControlSignal, (control) => {
    if (control.action === 'resume') resumes++
    else if (control.action === 'exit') leave({ status: 'exited', reason: control.reason })
    else leave({ status: 'exited', reason: 'campaign_stopped' })
  })
  setHandler(enrolmentStateQuery, () => state)

  const context = (nodeId: string, visit: number, entry: RecordStepInput | null): StepContext => ({
    enrolment,
    nodeId,
    visit,
    activities: mailSentInTask ? sendingInTask : shieldedActivities,
    entry,
    now: () => Date.now(),
    sleep: (ms) => sleep(Math.max(ms, 1)),
    startMailAttribution: () => {
      attributionStart = events.length
    },
    waitForEvent: async (matches, timeoutMs) => {
      let found: TrackedEvent | null = null
      await condition(() => (found = events.slice(attributionStart).find(matches) ?? null) !== null, timeoutMs)
      return found
    },
    resumeCount: () => resumes,
    waitForResume: async (after) => {
      await condition(() => resumes > after, PAUSE_RECHECK_MS)
    },
  })

  // In the run's first activation, before any command, so its marker is always in the first workflow task.
  const mailSentInTask = patched(MAIL_SENT_IN_TASK)
  const finishedInLastTask = mailSentInTask || patched(FINISHED_IN_LAST_TASK)
  const decidedAsRunStarts = finishedInLastTask || patched(DECIDED_AS_RUN_STARTS)
  const startShowedStep = decidedAsRunStarts && !carryOver && !input.simulation && input.stepShownAtStart !== undefined
  let shownAtStart = startShowedStep ? input.stepShownAtStart : undefined
  let node = carryOver ? nodes.get(carryOver.nodeId) : triggerNode(graph)
  for (let steps = 0; node && !leavingNow() && steps < MAX_STEPS_PER_RUN; steps++) {
    if (workflowInfo().historyLength > (input.historyEventsPerRun ?? HISTORY_EVENTS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof campaignEnrolment>({
        ...input,
        carryOver: {
          nodeId: node.id,
          visits: Object.fromEntries(visits),
          events: events.slice(attributionStart),
          recentEventIds: [...seenEventIds].slice(-RECENT_EVENT_IDS_KEPT),
          path: state.path.slice(-PATH_KEPT),
          runs: (carryOver?.runs ?? 1) + 1,
        },
      })
    }
    const type = findNodeType(node.type)
    if (!type?.step) throw new Error(`node ${node.id} has type ${node.type}, which has no workflow step`)
    const visit = (visits.get(node.id) ?? 0) + 1
    visits.set(node.id, visit)
    const entry: EnrolmentPathEntry = { nodeId: node.id, visit, enteredAt: new Date().toISOString() }
    const previous = state.path.at(-1)
    state.currentNodeId = node.id
    state.path.push(entry)
    if (state.path.length > PATH_KEPT * 2) state.path.splice(0, state.path.length - PATH_KEPT)
    const shown = shownAtStart !== undefined && (type.category === 'entry' || node.id === shownAtStart)
    if (node.id === shownAtStart) shownAtStart = undefined
    if (!input.simulation && !shown) upsertSearchAttributes([{ key: ENROLMENT_STEP, value: node.id }])
    const record: RecordStepInput = {
      enrolmentId: enrolment.enrolmentId,
      accountId: enrolment.accountId,
      nodeId: node.id,
      visit,
      previous: previous?.output ? { nodeId: previous.nodeId, visit: previous.visit, output: previous.output } : undefined,
    }
    // Runs from before session 11 ask here, where they asked when recorded (their histories hold the marker here).
    const recordedByStep = type.recordsOwnEntry === true && (decidedAsRunStarts || patched(STEP_RECORDS_OWN_ENTRY))
    // The trigger's record was written with the enrolment: the first workflow task then has no local activity.
    const recordedAtEntry = startShowedStep && input.triggerStepRecorded === true && type.category === 'entry'
    if (!recordedByStep && !recordedAtEntry) await recordStep(record)

    const current = node
    let result: StepResult
    try {
      result = await CancellationScope.cancellable(async () => {
        stepScope = CancellationScope.current()
        return type.step!(current.config, context(current.id, visit, recordedByStep ? record : null))
      })
    } catch (error) {
      if (leavingNow() && isCancellation(error)) break
      throw error
    } finally {
      stepScope = null
    }
    if ('end' in result) {
      state.status = 'completed'
      break
    }
    if ('exit' in result) {
      leave({ status: 'exited', reason: result.exit })
      break
    }
    entry.output = result.next
    const target = edges.get(`${node.id}/${result.next}`)
    node = target === undefined ? undefined : nodes.get(target)
    // Publish refuses unconnected outputs; a graph from before that rule simply ends here.
    if (!node) state.status = 'completed'
  }

  const left = leavingNow()
  if (left) {
    state.status = left.status
    state.exitReason = left.reason
    if (left.goal) {
      await shieldedActivities.recordConversion({
        enrolmentId: enrolment.enrolmentId,
        accountId: enrolment.accountId,
        campaignId: enrolment.campaignId,
        contactId: enrolment.contactId,
        goalNodeId: left.goal.nodeId,
        eventId: left.goal.event.eventId,
      })
    }
  } else if (state.status === 'active') {
    state.status = 'exited'
    state.exitReason = 'step_limit'
  }
  state.currentNodeId = null
  const finish = {
    enrolmentId: enrolment.enrolmentId,
    accountId: enrolment.accountId,
    status: state.status,
    reason: state.exitReason ?? null,
    workflowRunId: workflowInfo().runId,
  }
  if (finishedInLastTask) await shieldedLocalActivities.finishEnrolment(finish)
  else await shieldedActivities.finishEnrolment(finish)
  return state
}
