import { randomUUID } from 'node:crypto'
import { ScheduleNotFoundError, type Client } from '@temporalio/client'
import type { crmSync } from './workflows/crm-sync'
import type { crmContactPush } from './workflows/crm-contact-push'

const scheduleId = (taskQueue: string, accountId: string) => `crm-sync-${taskQueue}-${accountId}`

/** Creates or updates the account's sync schedule (every `every`, never two at once); removes it when `every` is null. */
export async function syncCrmSchedule(client: Client, taskQueue: string, accountId: string, every: string | null): Promise<void> {
  const id = scheduleId(taskQueue, accountId)
  const handle = client.schedule.getHandle(id)
  try {
    await handle.delete()
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error
  }
  if (!every) return
  await client.schedule.create<typeof crmSync>({
    scheduleId: id,
    spec: { intervals: [{ every }] },
    action: { type: 'startWorkflow', workflowType: 'crmSync', taskQueue, workflowId: `crm-sync-${accountId}-scheduled`, args: [{ accountId, trigger: 'schedule' }] },
    policies: { overlap: 'SKIP', catchupWindow: '1 hour' },
    state: { note: 'CRM sync' },
  })
}

/** Starts a sync now (the "sync now" button); answers the workflow id, whose result names the run. */
export async function startCrmSync(client: Client, taskQueue: string, input: { accountId: string; maxRetryInterval?: string }): Promise<string> {
  const workflowId = `crm-sync-${input.accountId}-manual-${randomUUID()}`
  await client.workflow.start<typeof crmSync>('crmSync', { taskQueue, workflowId, args: [{ accountId: input.accountId, trigger: 'manual', maxRetryInterval: input.maxRetryInterval }] })
  return workflowId
}

/** The workflow that pushes one contact to the CRM at once: one id per contact, so pushes of one contact never run side by side. */
export const contactPushWorkflowId = (contactId: string) => `crm-contact-push-${contactId}`

/**
 * Starts the on-demand push of one contact to the CRM (a fair capture, synced). A push of that contact
 * already under way is joined rather than doubled; a later one runs again and finds the link it made.
 */
export async function startContactPush(client: Client, taskQueue: string, input: { accountId: string; contactId: string }): Promise<string> {
  const workflowId = contactPushWorkflowId(input.contactId)
  await client.workflow.start<typeof crmContactPush>('crmContactPush', {
    taskQueue,
    workflowId,
    args: [{ accountId: input.accountId, contactIds: [input.contactId] }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  })
  return workflowId
}
