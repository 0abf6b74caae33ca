import { randomUUID } from 'node:crypto'
import { ApplicationFailure } from '@temporalio/common'
import { WorkflowFailedError } from '@temporalio/client'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { EntryActivities } from '../../activities'
import type { enrolmentJob } from '../../engine/workflows/enrolment-job'
import { startWorkflowWorker, type WorkflowWorker } from '../helpers/workflow-worker'

// A bulk enrolment job that ends for good on a non-retryable error records why, so its progress view
// shows "stopped" with the reason instead of "running" for ever.
const failures: { jobId: string; reason: string }[] = []
const activities: Partial<EntryActivities> = {
  prepareEnrolmentJob: async () => ({ total: 1_000 }),
  enrolJobBatch: async ({ after }) => {
    if (after >= 400) throw ApplicationFailure.nonRetryable('the campaign was deleted', 'CampaignGone')
    return { cursor: after + 200, processed: 200 }
  },
  finishEnrolmentJob: async () => {},
  failEnrolmentJob: async (input) => void failures.push(input),
}
let temporal: WorkflowWorker
beforeAll(async () => {
  temporal = await startWorkflowWorker(activities)
})
afterAll(() => temporal?.stop())

it('marks the job failed with the reason when a batch fails for good', async () => {
  const jobId = randomUUID()
  const handle = await temporal.client.workflow.start<typeof enrolmentJob>('enrolmentJob', { taskQueue: temporal.taskQueue, workflowId: `job-${jobId}`, args: [{ jobId }] })
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError)
  expect(failures).toEqual([{ jobId, reason: 'the campaign was deleted' }])
})
