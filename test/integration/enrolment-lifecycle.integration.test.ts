import { randomUUID } from 'node:crypto'
import type { Client } from '@temporalio/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CampaignActivities } from '../../activities'
import type { SendCampaignEmailInput, SendOutcome } from '../../activities/send-campaign-email'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { validateForPublish } from '../../engine/campaign/validate'
import { onboardingGraph } from '../../engine/examples/onboarding'
import { campaignControlSignal, enrolmentStateQuery, trackedEventSignal, type campaignEnrolment } from '../../engine/workflows/enrolment'
import { linearCampaign } from '../helpers/graphs'
import { inertActivities, startWorkflowWorker } from '../helpers/workflow-worker'

// How an enrolment leaves early, holds, and stays small, on the real Temporal dev server with the
// activities replaced by scripted recorders. Durations are seconds (the dev server has no time skipping).
const sent: SendCampaignEmailInput[] = []
const conversions: { enrolmentId: string; goalNodeId: string }[] = []
/** Per contact, the outcomes the send activity answers before it finally sends. */
const script = new Map<string, SendOutcome['outcome'][]>()
const activities: CampaignActivities = {
  ...inertActivities,
  sendCampaignEmail: async (input) => {
    const messageId = `<${input.enrolmentId}.${input.nodeId}.${input.visit}@test>`
    const next = script.get(input.contactId)?.shift()
    if (next === 'paused') return { outcome: 'paused', messageId }
    if (next === 'deferred') return { outcome: 'deferred', messageId, until: new Date(Date.now() + 2_000).toISOString(), reason: 'frequency_cap' }
    sent.push(input)
    return { outcome: 'sent', messageId }
  },
  recordConversion: async (input) => void conversions.push(input),
}

let client: Client
let taskQueue: string
let stopWorker: () => Promise<void>
beforeAll(async () => {
  ;({ client, taskQueue, stop: stopWorker } = await startWorkflowWorker(activities))
})
afterAll(async () => {
  await stopWorker?.()
})

const templates = { templateIds: new Set(['onboarding-welcome', 'onboarding-care-tips', 'onboarding-reminder', 'onboarding-check-in']) }
async function enrol(graph: CampaignGraph, extra: { historyEventsPerRun?: number; script?: SendOutcome['outcome'][] } = {}) {
  const published = validateForPublish(graph, templates)
  if (!published.ok) throw new Error(JSON.stringify(published.issues))
  const enrolment = { enrolmentId: randomUUID(), accountId: randomUUID(), campaignId: randomUUID(), versionId: randomUUID(), contactId: randomUUID() }
  if (extra.script) script.set(enrolment.contactId, [...extra.script])
  const handle = await client.workflow.start<typeof campaignEnrolment>('campaignEnrolment', {
    taskQueue,
    workflowId: `lifecycle-${enrolment.enrolmentId}`,
    args: [{ enrolment, graph: published.graph, historyEventsPerRun: extra.historyEventsPerRun }],
  })
  return { enrolment, handle }
}
const sentTo = (enrolmentId: string) => sent.filter((s) => s.enrolmentId === enrolmentId).map((s) => s.nodeId)
async function reach(handle: Awaited<ReturnType<typeof enrol>>['handle'], nodeId: string) {
  await expect.poll(async () => (await handle.query(enrolmentStateQuery)).currentNodeId, { timeout: 20_000, interval: 50 }).toBe(nodeId)
}
const event = (type: string, properties: Record<string, unknown> = {}) => ({ eventId: randomUUID(), type, properties, occurredAt: new Date().toISOString() })

const withPurchaseGoal = (): CampaignGraph => {
  const graph = onboardingGraph({ clickTimeout: '1m' })
  graph.nodes.push({ id: 'bought', type: 'goal', position: { x: 600, y: 0 }, config: { eventType: 'purchase', filter: { product: 'HydroStat 3000' } } })
  return graph
}

describe('leaving a campaign early', () => {
  it('converts when the goal happens during a wait, records the conversion and sends nothing more', async () => {
    const { enrolment, handle } = await enrol(withPurchaseGoal())
    await reach(handle, 'guide-clicked')
    await handle.signal(trackedEventSignal, event('purchase', { product: 'HydroStat 2000' })) // not the goal's product
    await handle.signal(trackedEventSignal, event('purchase', { product: 'HydroStat 3000' }))
    const state = await handle.result()
    expect(state).toMatchObject({ status: 'converted', exitReason: 'goal_reached' })
    expect(conversions).toContainEqual(expect.objectContaining({ enrolmentId: enrolment.enrolmentId, goalNodeId: 'bought' }))
    expect(sentTo(enrolment.enrolmentId)).toEqual(['welcome'])
  })

  it('leaves at once when the contact unsubscribes, without waiting for the timer', async () => {
    const { enrolment, handle } = await enrol(onboardingGraph({ clickTimeout: '10m' }))
    await reach(handle, 'guide-clicked')
    await handle.signal(trackedEventSignal, event('unsubscribe'))
    expect(await handle.result()).toMatchObject({ status: 'exited', exitReason: 'unsubscribed' })
    expect(sentTo(enrolment.enrolmentId)).toEqual(['welcome'])
  })

  it('leaves with "campaign_stopped" when the campaign is stopped', async () => {
    const { handle } = await enrol(onboardingGraph({ clickTimeout: '10m' }))
    await reach(handle, 'guide-clicked')
    await handle.signal(campaignControlSignal, { action: 'stop' })
    expect(await handle.result()).toMatchObject({ status: 'exited', exitReason: 'campaign_stopped' })
  })
})

describe('holding mail', () => {
  it('holds a mail while the campaign is paused and sends it after the resume signal', async () => {
    const { enrolment, handle } = await enrol(onboardingGraph({ clickTimeout: '2s' }), { script: ['paused'] })
    await reach(handle, 'welcome')
    // Held: nothing sent until resumed, however long the pause.
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(sentTo(enrolment.enrolmentId)).toEqual([])
    await handle.signal(campaignControlSignal, { action: 'resume' })
    await handle.result()
    expect(sentTo(enrolment.enrolmentId)).toEqual(['welcome', 'reminder'])
  })

  it('sends a deferred mail (frequency cap) when its slot comes', async () => {
    const { enrolment, handle } = await enrol(onboardingGraph({ clickTimeout: '1s' }), { script: ['deferred'] })
    const state = await handle.result()
    expect(sentTo(enrolment.enrolmentId)).toEqual(['welcome', 'reminder'])
    const entered = (id: string) => Date.parse(state.path.find((step) => step.nodeId === id)!.enteredAt)
    // The deferral (2 s) plus the click wait (1 s) sit between entering the welcome step and the reminder.
    expect(entered('reminder') - entered('welcome')).toBeGreaterThanOrEqual(3_000)
  })
})

describe('long-lived enrolments', () => {
  it('continues as new in a loop so that no run grows past its limit, keeping its place and its counts', async () => {
    // send → wait → send again … (a loyalty loop), ended by a goal after a few rounds.
    const graph = linearCampaign({ eventType: 'loyalty' }, [
      { id: 'news', type: 'send_email', config: { template: 'onboarding-check-in' } },
      { id: 'pause', type: 'wait', config: { duration: '1s' } },
    ])
    graph.edges = graph.edges.filter((edge) => edge.target !== 'end')
    graph.nodes = graph.nodes.filter((node) => node.id !== 'end')
    graph.edges.push({ id: 'loop', source: 'pause', sourceHandle: 'next', target: 'news' })
    graph.nodes.push({ id: 'left', type: 'goal', position: { x: 300, y: 0 }, config: { eventType: 'churn', filter: {} } })
    const { enrolment, handle } = await enrol(graph, { historyEventsPerRun: 40 })
    await expect.poll(() => sentTo(enrolment.enrolmentId).length, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(6)
    await handle.signal(trackedEventSignal, event('churn'))
    const state = await handle.result()
    expect(state.status).toBe('converted')

    // Several runs, none past the limit (plus the few events of one step), and visits counted across runs.
    const runs: number[] = []
    for await (const execution of client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) {
      const history = await client.workflow.getHandle(handle.workflowId, execution.runId).fetchHistory()
      runs.push(history.events?.length ?? 0)
    }
    expect(runs.length).toBeGreaterThan(1)
    expect(Math.max(...runs)).toBeLessThan(40 + 30)
    const visits = sent.filter((s) => s.enrolmentId === enrolment.enrolmentId).map((s) => s.visit)
    expect(visits).toEqual(visits.map((_, i) => i + 1))
  })
})
