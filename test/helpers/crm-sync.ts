import { expect } from 'vitest'
import type { TestSystem } from './system'

/** "Sync now" through the API, waiting for the run to end; answers the run as the API shows it. */
export async function syncNow(system: TestSystem, adminToken: string): Promise<any> {
  const started = await system.api('/api/crm/sync', { method: 'POST', token: adminToken })
  expect(started.status, JSON.stringify(started.body)).toBe(202)
  const { runId } = await system.client.workflow.getHandle(started.body.workflowId).result()
  return (await system.api('/api/crm/runs')).body.runs.find((r: { id: string }) => r.id === runId)
}

/**
 * The admin connects the CRM (PUT /api/crm/connection, schedule off unless told: tests sync on demand)
 * and the answer shows it connected with the token sealed; answers the connection as the API shows it.
 */
export async function connectCrm(system: TestSystem, adminToken: string, crm: { url: string; token: string }, extra: Record<string, unknown> = {}): Promise<any> {
  const saved = await system.api('/api/crm/connection', { method: 'PUT', token: adminToken, body: { kind: 'bottlecrm', url: crm.url, token: crm.token, syncEvery: 'off', ...extra } })
  expect(saved.status, JSON.stringify(saved.body)).toBe(200)
  expect(JSON.stringify(saved.body)).not.toContain(crm.token)
  return saved.body
}
