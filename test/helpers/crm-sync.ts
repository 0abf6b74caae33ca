import { expect } from 'vitest'
import type { TestSystem } from './system'

/** "Sync now" through the API, waiting for the run to end; answers the run as the API shows it. */
export async function syncNow(system: TestSystem, adminToken: string): Promise<any> {
  const started = await system.api('/api/crm/sync', { method: 'POST', token: adminToken })
  expect(started.status, JSON.stringify(started.body)).toBe(202)
  const { runId } = await system.client.workflow.getHandle(started.body.workflowId).result()
  return (await system.api('/api/crm/runs')).body.runs.find((r: { id: string }) => r.id === runId)
}
