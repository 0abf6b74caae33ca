import { randomUUID } from 'node:crypto'
import { withMailStep } from '../../activities/mail-step'
import { Client, Connection } from '@temporalio/client'
import { NativeConnection, Worker } from '@temporalio/worker'
import { inject } from 'vitest'
import type { CampaignActivities, EntryActivities } from '../../activities'
import { workflowBundle } from './workflow-bundle'

/**
 * Activities that do nothing, for workflow tests to override what they record or script. Contact and
 * webhook steps answer as for a consenting German contact and a receiver that accepts.
 */
export const inertActivities: CampaignActivities = withMailStep({
  sendCampaignEmail: async (input) => ({ outcome: 'sent', messageId: `<${input.enrolmentId}.${input.nodeId}.${input.visit}@test>` }),
  recordStep: async () => {},
  finishEnrolment: async () => {},
  recordConversion: async () => {},
  loadContactFacts: async () => ({ attributes: {}, tags: [], consent: 'granted', subsidiary: 'DE', timeZone: 'Europe/Berlin' }),
  updateContact: async () => {},
  callWebhook: async () => ({ outcome: 'delivered', status: 200 }),
})

export interface WorkflowWorker {
  client: Client
  taskQueue: string
  stop(): Promise<void>
}

/**
 * A worker on this run's Temporal dev server with the given (usually recorded or scripted) activities,
 * on a task queue of its own, plus a client: how the workflow tests run campaign workflows the way
 * Temporal's samples test theirs.
 */
export async function startWorkflowWorker(activities: CampaignActivities | Partial<EntryActivities>): Promise<WorkflowWorker> {
  const address = inject('temporalAddress')
  const taskQueue = `workflow-test-${randomUUID()}`
  const connection = await NativeConnection.connect({ address })
  // A test that fakes sendCampaignEmail or recordStep fakes the mail step's joined activity with them.
  const registered = 'sendCampaignEmail' in activities ? withMailStep(activities) : activities
  const worker = await Worker.create({ connection, taskQueue, activities: registered, workflowBundle: await workflowBundle() })
  const running = worker.run()
  const client = new Client({ connection: await Connection.connect({ address }) })
  return {
    client,
    taskQueue,
    stop: async () => {
      worker.shutdown()
      await running
      await connection.close()
      await client.connection.close()
    },
  }
}
