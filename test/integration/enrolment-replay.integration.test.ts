import { randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import type { Client, WorkflowHandle } from '@temporalio/client'
import proto from '@temporalio/proto'
import { Worker } from '@temporalio/worker'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CampaignActivities } from '../../activities'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { validateForPublish } from '../../engine/campaign/validate'
import { enrolmentStateQuery, trackedEventSignal, type campaignEnrolment, type EnrolmentInputV1 } from '../../engine/workflows/enrolment'
import { workflowBundle } from '../helpers/workflow-bundle'
import { inertActivities, startWorkflowWorker } from '../helpers/workflow-worker'

// Enrolments run for months, so every change to the workflow must replay the histories that running
// enrolments already have. The fixtures are histories recorded on the Temporal dev server by the workflow
// code of their time (see RECORD_ENROLMENT_HISTORY below); each is replayed by today's bundle, which
// fails with a nondeterminism error when the code would decide differently at any recorded step.
const FIXTURES = new URL('../fixtures/', import.meta.url)
const RECORDED = [
  // Session 9, before a mail step recorded its entry in the send activity (recordStep as a local
  // activity, then sendCampaignEmail): welcome mail, wait for a click, the click, the "clicked" mail.
  'enrolment-history-click-branch-2026-12-03.json',
]

const sentTemplates: string[] = []
const activities: CampaignActivities = {
  ...inertActivities,
  sendCampaignEmail: async (input) => {
    sentTemplates.push(`${input.enrolmentId}/${input.template}`)
    return { outcome: 'sent', messageId: `<${input.enrolmentId}.${input.nodeId}.${input.visit}@test>` }
  },
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

/** Welcome mail, then a wait for a click on it: clicked → tips mail, not clicked within a minute → end. */
function clickBranchGraph(): CampaignGraph {
  const node = (id: string, type: string, config: Record<string, unknown>, y: number) => ({ id, type, config, position: { x: 0, y } })
  const graph = {
    nodes: [
      node('entry', 'trigger', { eventType: 'purchase', filter: {} }, 0),
      node('first', 'send_email', { template: 'onboarding-welcome' }, 120),
      node('wait-click', 'wait_for_event', { eventType: 'click', filter: {}, timeout: '1m' }, 240),
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
  } as CampaignGraph
  const result = validateForPublish(graph, { templateIds: new Set(['onboarding-welcome', 'onboarding-care-tips']) })
  if (!result.ok) throw new Error(JSON.stringify(result.issues))
  return result.graph
}

/** One enrolment through the click branch on the dev server, with today's workflow code; returns its history. */
async function runClickBranch(): Promise<{ handle: WorkflowHandle<typeof campaignEnrolment>; enrolmentId: string }> {
  const enrolmentId = randomUUID()
  const input: EnrolmentInputV1 = {
    enrolment: { enrolmentId, accountId: randomUUID(), campaignId: randomUUID(), versionId: randomUUID(), contactId: randomUUID() },
    graph: clickBranchGraph(),
  }
  const handle = await client.workflow.start<typeof campaignEnrolment>('campaignEnrolment', { taskQueue, workflowId: `replay-test-${randomUUID()}`, args: [input] })
  for (let i = 0; i < 200 && (await handle.query(enrolmentStateQuery)).currentNodeId !== 'wait-click'; i++) await new Promise((r) => setTimeout(r, 25))
  await handle.signal(trackedEventSignal, { eventId: randomUUID(), type: 'click', properties: { url: 'https://example.com/tips' }, occurredAt: new Date().toISOString() })
  return { handle, enrolmentId }
}

describe('enrolment histories replay on today’s workflow code', () => {
  it('runs the click branch and replays its own history', async () => {
    const { handle, enrolmentId } = await runClickBranch()
    const state = await handle.result()
    expect(state.status).toBe('completed')
    expect(state.path.map((step) => step.nodeId)).toEqual(['entry', 'first', 'wait-click', 'clicked', 'end'])
    expect(sentTemplates.filter((sent) => sent.startsWith(enrolmentId))).toEqual([`${enrolmentId}/onboarding-welcome`, `${enrolmentId}/onboarding-care-tips`])
    const history = await handle.fetchHistory()
    // Today's mail steps record their entry in the send's activity task: no step-record local activity before them.
    const activityTypes = (history.events ?? []).flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? [])
    expect(activityTypes).toEqual(['enterMailStep', 'enterMailStep', 'finishEnrolment'])
    // Recording a fixture for the next change: RECORD_ENROLMENT_HISTORY=<file name> writes this history.
    if (process.env.RECORD_ENROLMENT_HISTORY) writeFileSync(new URL(process.env.RECORD_ENROLMENT_HISTORY, FIXTURES), JSON.stringify(proto.temporal.api.history.v1.History.fromObject(history).toJSON()))
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, handle.workflowId)
  })

  for (const file of RECORDED) {
    it(`replays ${file} (recorded by earlier workflow code)`, async () => {
      const history = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as { events: unknown[] }
      expect(history.events.length).toBeGreaterThan(20)
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, proto.temporal.api.history.v1.History.fromObject(history), `fixture-${file}`)
    })
  }
})
