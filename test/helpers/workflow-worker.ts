import { randomUUID } from 'node:crypto'
import { Client, Connection } from '@temporalio/client'
import { NativeConnection, Worker } from '@temporalio/worker'
import { inject } from 'vitest'
import type { CampaignActivities, EntryActivities } from '../../activities'
import { workflowBundle } from './workflow-bundle'

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
  const worker = await Worker.create({ connection, taskQueue, activities, workflowBundle: await workflowBundle() })
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
