import { randomUUID } from 'node:crypto'
import type { Client } from '@temporalio/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CampaignActivities } from '../../activities'
import type { SendCampaignEmailInput } from '../../activities/send-campaign-email'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { validateForPublish } from '../../engine/campaign/validate'
import { onboardingGraph } from '../../engine/examples/onboarding'
import { enrolmentStateQuery, trackedEventSignal, type campaignEnrolment, type EnrolmentInputV1 } from '../../engine/workflows/enrolment'
import { linearCampaign } from '../helpers/graphs'
import { inertActivities, startWorkflowWorker } from '../helpers/workflow-worker'

// The workflow against the real Temporal dev server, with the activities replaced by recorders (as in
// Temporal's samples). Durations are seconds: the dev server has no time skipping.
const sent: SendCampaignEmailInput[] = []
const finished: { enrolmentId: string; status: string; reason: string | null }[] = []
const consent = new Set<string>()
const activities: CampaignActivities = {
  ...inertActivities,
  sendCampaignEmail: async (input) => {
    if (!consent.has(input.contactId)) return { outcome: 'suppressed', messageId: 'm', reason: 'no_consent' }
    sent.push(input)
    return { outcome: 'sent', messageId: `<${input.enrolmentId}.${input.nodeId}.${input.visit}@test>` }
  },
  finishEnrolment: async (input) => void finished.push(input),
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

function published(graph: CampaignGraph): CampaignGraph {
  const result = validateForPublish(graph, { templateIds: new Set(['onboarding-welcome', 'onboarding-care-tips', 'onboarding-reminder']) })
  if (!result.ok) throw new Error(JSON.stringify(result.issues))
  return result.graph
}

async function enrol(graph: CampaignGraph, options: { consent?: boolean } = {}) {
  const contactId = randomUUID()
  if (options.consent ?? true) consent.add(contactId)
  const input: EnrolmentInputV1 = {
    enrolment: { enrolmentId: randomUUID(), accountId: randomUUID(), campaignId: randomUUID(), versionId: randomUUID(), contactId },
    graph: published(graph),
  }
  const handle = await client.workflow.start<typeof campaignEnrolment>('campaignEnrolment', { taskQueue, workflowId: `wf-test-${randomUUID()}`, args: [input] })
  return { input, handle }
}

const templatesSentTo = (enrolmentId: string) => sent.filter((s) => s.enrolmentId === enrolmentId).map((s) => s.template)

describe('campaign enrolment workflow', () => {
  it('takes the "clicked" branch when a click on its mail arrives before the timeout', async () => {
    const { input, handle } = await enrol(onboardingGraph({ clickTimeout: '1m' }))
    // Wait until the workflow is at the wait step, then click.
    for (let i = 0; i < 100 && (await handle.query(enrolmentStateQuery)).currentNodeId !== 'guide-clicked'; i++) await new Promise((r) => setTimeout(r, 50))
    await handle.signal(trackedEventSignal, {
      eventId: randomUUID(),
      type: 'click',
      properties: { campaignId: input.enrolment.campaignId, url: 'https://example.com/care' },
      occurredAt: new Date().toISOString(),
    })
    const state = await handle.result()
    expect(state.status).toBe('completed')
    expect(templatesSentTo(input.enrolment.enrolmentId)).toEqual(['onboarding-welcome', 'onboarding-care-tips'])
    expect(state.path.map((step) => step.nodeId)).toEqual(['purchase', 'welcome', 'guide-clicked', 'care-tips', 'done-clicked'])
    expect(finished).toContainEqual(expect.objectContaining({ enrolmentId: input.enrolment.enrolmentId, status: 'completed' }))
  })

  it('takes the "not clicked" branch when the timeout passes, ignoring clicks in other campaigns', async () => {
    const { input, handle } = await enrol(onboardingGraph({ clickTimeout: '2s' }))
    await handle.signal(trackedEventSignal, {
      eventId: randomUUID(),
      type: 'click',
      properties: { campaignId: randomUUID(), url: 'https://example.com/other' },
      occurredAt: new Date().toISOString(),
    })
    const state = await handle.result()
    expect(templatesSentTo(input.enrolment.enrolmentId)).toEqual(['onboarding-welcome', 'onboarding-reminder'])
    expect(state.path.find((step) => step.nodeId === 'guide-clicked')?.output).toBe('timeout')
  })

  it('waits for a fixed time between two mails', async () => {
    const graph = linearCampaign({ eventType: 'purchase' }, [
      { id: 'a', type: 'send_email', config: { template: 'onboarding-welcome' } },
      { id: 'w', type: 'wait', config: { duration: '2s' } },
      { id: 'b', type: 'send_email', config: { template: 'onboarding-reminder' } },
    ])
    const { input, handle } = await enrol(graph)
    const state = await handle.result()
    expect(templatesSentTo(input.enrolment.enrolmentId)).toEqual(['onboarding-welcome', 'onboarding-reminder'])
    const entered = (id: string) => Date.parse(state.path.find((step) => step.nodeId === id)!.enteredAt)
    // Workflow time: the second mail's step starts no earlier than the wait allows.
    expect(entered('b') - entered('w')).toBeGreaterThanOrEqual(2_000)
  })

  it('leaves the campaign when the contact has no consent, without further sends', async () => {
    const { input, handle } = await enrol(onboardingGraph({ clickTimeout: '1m' }), { consent: false })
    const state = await handle.result()
    expect(state).toMatchObject({ status: 'exited', exitReason: 'no_consent' })
    expect(templatesSentTo(input.enrolment.enrolmentId)).toEqual([])
  })
})
